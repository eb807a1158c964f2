/**
 * The ledger bench/ledger.ts audits, written as the transparency-log
 * coordinator writes it: ~5,000 jobs of a four-hospital network, each a
 * job-created entry, 18 training rounds and a job-ended entry (20 entries),
 * after four role grants, cycling through four privacy settings
 * (record-level DP-SGD with the PLD accountant at two noise levels, with the
 * RDP accountant, and hospital-level distributed discrete Gaussian). Each
 * hospital drops out of a round's sum with probability 5% (seeded), so
 * cumulative figures differ between hospitals. The last job is cut off
 * mid-way to make exactly n entries.
 *
 * Per appended entry, as the coordinator does in one transaction: the
 * entry sealed (the legacy per-entry seal, kept so old auditors still
 * verify), its leaf hash stored beside it, and a checkpoint of the new size
 * signed (every note kept, as the ledger_checkpoints table keeps them).
 * After each round entry, each hospital it charges cosigns that checkpoint,
 * as a witness does after its catch-up (every cosignature kept, as the
 * ledger_cosignatures table keeps them). No receipts are written.
 */
import { parseJobSpec, type JobSpecInput } from '../core/job/spec.ts';
import { resolveJob, roundMechanism } from '../core/job/privacy.ts';
import { logisticRegression } from '../core/model/spec.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import { ed25519KeyPair } from '../core/secagg/index.ts';
import { canonicalJson, entryHash, roundSpends } from '../core/ledger/index.ts';
import { MerkleTree, leafHash, type Hash } from '../core/ledger/merkle.ts';
import { checkpointBody, cosign, logOrigin, signCheckpoint, witnessName } from '../core/ledger/checkpoint.ts';
import type { LedgerEntry, SealedEntry } from '../core/ledger/types.ts';
import { grantHospitals, ledgerChain, roundBody } from '../test/core/ledger/fixture.ts';

export const HOSPITALS = ['h1', 'h2', 'h3', 'h4'];
const ROUNDS = 18;
const DROPOUT = 0.05;
/** Cosignature times: Unix seconds, one a second from a fixed start. */
const T0 = 1_700_000_000;

/** A seeded PRNG (mulberry32): the same ledger every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function templates() {
  const base: JobSpecInput = {
    name: 'bench',
    model: logisticRegression(13),
    features: Array.from({ length: 13 }, (_, i) => `f${i}`),
    label: 'y',
    rounds: ROUNDS,
    minClients: 2,
  };
  const local = { epochs: 1, batchSize: 16, learningRate: 0.1, maxSteps: 5 };
  // Record-level DP settings differing in ε, noise and accountant, and one hospital-level job.
  const record = (epsilon: number, noiseMultiplier: number, accountant: string) => ({
    ...base,
    local,
    privacy: { unit: 'record', epsilon, delta: 1e-5, clip: 1, samplingRate: 0.05, noiseMultiplier, accountant },
  });
  const specs = [
    record(20, 1.2, 'pld'),
    record(40, 0.9, 'pld'),
    record(20, 1.2, 'rdp'),
    { ...base, minClients: 3, privacy: { unit: 'hospital', epsilon: 8, delta: 1e-5, clip: 1 } },
  ] as JobSpecInput[];
  return specs.map((s) => {
    const spec = resolveJob(parseJobSpec(s), HOSPITALS.length);
    return {
      spec,
      plain: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
      mechanism: roundMechanism(spec),
    };
  });
}

/** The coordinator's side of every append: the sealed row, its leaf in the tree, a checkpoint of the new size. */
function logWriter(n: number) {
  const coordinator = ed25519KeyPair();
  const origin = logOrigin(coordinator.publicKey);
  const { entries, append: seal } = ledgerChain(coordinator.secretKey, 1);
  const tree = new MerkleTree();
  const leaves: Hash[] = [];
  const notes: string[] = [];
  const append: typeof seal = (...args) => {
    const sealed = seal(...args);
    const leaf = leafHash(sealed.canonical);
    leaves.push(leaf);
    tree.append(leaf);
    notes.push(
      signCheckpoint({ origin, size: tree.size, root: tree.root() }, coordinator.secretKey, coordinator.publicKey),
    );
    return sealed;
  };
  return { coordinator, origin, entries, leaves, notes, tree, append, full: () => entries.length >= n };
}

/** A cosignature as the coordinator stores it (ledger_cosignatures: witness = hospital name). */
export interface BenchCosignature {
  witness: string;
  size: number;
  timestamp: number;
  signature: Uint8Array;
}

export function buildLedger(n: number) {
  const w = logWriter(n);
  const ids = new Map(HOSPITALS.map((h) => [h, ed25519KeyPair()]));
  const cosignatures: BenchCosignature[] = [];
  // The spends list an auditor reads (seq, hospital), in columns: seq and the hospital's index in HOSPITALS.
  const spendSeqs: number[] = [];
  const spendHospitals: number[] = [];
  const random = rng(42);
  grantHospitals(w.append, ids);
  const settings = templates();
  for (let j = 0; !w.full(); j++) {
    const { spec, plain, mechanism } = settings[j % settings.length]!;
    const p = spec.privacy!;
    const jobId = `job-${j}`;
    const jobSpec = { ...plain, name: jobId };
    w.append('job-created', jobId, 0, {
      specHash: entryHash(canonicalJson(jobSpec)),
      spec: jobSpec,
      modelHash: entryHash(`${jobId}/0`),
    });
    const prior = new Map<string, Mechanism[]>();
    for (let r = 1; r <= ROUNDS && !w.full(); r++) {
      const survivors = HOSPITALS.filter(() => random() >= DROPOUT);
      const body = roundBody(spec, {
        participants: HOSPITALS,
        survivors,
        modelHash: entryHash(`${jobId}/${r}`),
        spends: roundSpends({ survivors, mechanism, prior, delta: p.delta, accountant: p.accountant }),
      });
      for (const s of survivors) prior.set(s, [...(prior.get(s) ?? []), mechanism]);
      const sealed = w.append('round', jobId, r, body);
      // Each hospital charged catches up and cosigns the checkpoint that covers its spend.
      const cpBody = checkpointBody({ origin: w.origin, size: w.tree.size, root: w.tree.root() });
      for (const s of survivors) {
        spendSeqs.push(sealed.seq);
        spendHospitals.push(HOSPITALS.indexOf(s));
        const c = cosign(cpBody, witnessName(s), ids.get(s)!.secretKey, T0 + sealed.seq);
        cosignatures.push({ witness: s, size: w.tree.size, timestamp: c.timestamp, signature: c.signature });
      }
    }
    if (!w.full())
      w.append('job-ended', jobId, 0, {
        status: 'completed',
        reason: '',
        rounds: ROUNDS,
        modelHash: entryHash(`${jobId}/${ROUNDS}`),
      });
  }
  const { coordinator, origin, entries, leaves, notes } = w;
  const hospitalKeys = new Map([...ids].map(([h, id]) => [h, id.publicKey]));
  const spends = {
    seqs: Uint32Array.from(spendSeqs),
    hospitals: Uint8Array.from(spendHospitals),
    length: spendSeqs.length,
  };
  return { coordinator, origin, hospitalKeys, entries, leaves, notes, cosignatures, spends };
}

export type BenchLedger = ReturnType<typeof buildLedger>;

/** The parsed round entries (what the single-thread recomputation reads). */
export function roundEntries(entries: readonly SealedEntry[]): LedgerEntry[] {
  return entries.map((e) => JSON.parse(e.canonical) as LedgerEntry).filter((e) => e.kind === 'round');
}
