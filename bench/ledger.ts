/**
 * The privacy ledger at 10^5 entries: what appending one entry costs, how
 * fast an auditor verifies the whole ledger (signatures and receipts, the
 * hash chain alone, and every epsilon recomputed), each beside its floor
 * measured in the same run (raw Ed25519 verification, raw SHA-256, a warm
 * accountant memo), and the whole audit against one fed-heart-disease round.
 *
 * The ledger is what a four-hospital network writes over ~5,000 jobs: four
 * role grants, then per job a job-created entry, 18 training rounds and a
 * job-ended entry (20 entries), cycling through four privacy settings
 * (record-level DP-SGD with the PLD accountant at two noise levels, with
 * the RDP accountant, and hospital-level distributed discrete Gaussian).
 * Each hospital drops out of a round's sum with probability 5% (seeded),
 * so cumulative figures differ between hospitals; every spend is receipted.
 * The last job is cut off mid-way to make exactly 10^5 entries.
 */
import { runFedHeartDisease } from '../simulations/fed-heart-disease.ts';
import type { VerifyCheckpoint } from '../core/ledger/verify.ts';
import { parseJobSpec, type JobSpecInput } from '../core/job/spec.ts';
import { resolveJob, roundMechanism } from '../core/job/privacy.ts';
import { logisticRegression } from '../core/model/spec.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import { ed25519KeyPair } from '../core/secagg/index.ts';
import { canonicalJson, entryHash, roundSpends, sealEntry, signReceipt, verifyLedger } from '../core/ledger/index.ts';
import { ledgerSign, ledgerVerify } from '../core/ledger/ed25519.ts';
import { clearSpendCache, spendCacheStats } from '../core/ledger/spend.ts';
import { GENESIS_HASH, type LedgerEntry, type Receipt, type RoundBody } from '../core/ledger/types.ts';
import { sameSpend } from '../core/ledger/verify-spends.ts';
import { grantHospitals, ledgerChain, roundBody } from '../test/core/ledger/fixture.ts';

import { median } from './ledger-format.ts';

export { formatLedger } from './ledger-format.ts';

export interface LedgerBench {
  entries: number;
  roundEntries: number;
  spends: number;
  receipts: number;
  buildMs: number;
  /** (a) sealing one round entry (4 spends), median µs, and its parts. */
  append: { medianUs: number; canonicalUs: number; hashUs: number; signUs: number };
  /** (b) verifyLedger without recomputation: order, canonical form, chain, seals, schemas, receipts. */
  verify: { ms: number; entriesPerSec: number; signaturesPerSec: number; floorSignaturesPerSec: number };
  /** (c) canonical form + hash + chain links alone, beside SHA-256 alone. */
  chain: { ms: number; entriesPerSec: number; floorEntriesPerSec: number };
  /** (d) every spend recomputed, from a cold memo and from a warm one, and the accountant evaluations it took. */
  recompute: { coldMs: number; warmMs: number; evaluations: number; spends: number };
  /** The whole audit from a cold memo: (b) + (d) cold, the two parts verifyLedger runs in turn. */
  auditMs: number;
  meanRoundMs: number;
  /** auditMs / meanRoundMs. */
  ratio: number;
  /** (e) each row after (b)'s checkpoint verified alone from the checkpoint before it: cold memo, and seals/chain/receipts only. */
  incremental: {
    steps: { seq: number; kind: string; mechanism: string; spends: number; ms: number; sealsOnlyMs: number }[];
    checkpointBytes: number;
  };
}

const HOSPITALS = ['h1', 'h2', 'h3', 'h4'];
const ROUNDS = 18;
const DROPOUT = 0.05;

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

/** The ledger, written as the coordinator writes it (sealEntry, roundSpends) with every spend receipted. */
function buildLedger(n: number) {
  const coordinator = ed25519KeyPair();
  const ids = new Map(HOSPITALS.map((h) => [h, ed25519KeyPair()]));
  const { entries, append } = ledgerChain(coordinator.secretKey, 1);
  const receipts: Receipt[] = [];
  const random = rng(42);
  grantHospitals(append, ids);
  const settings = templates();
  for (let j = 0; entries.length < n; j++) {
    const { spec, plain, mechanism } = settings[j % settings.length]!;
    const p = spec.privacy!;
    const jobId = `job-${j}`;
    const jobSpec = { ...plain, name: jobId };
    append('job-created', jobId, 0, {
      specHash: entryHash(canonicalJson(jobSpec)),
      spec: jobSpec,
      modelHash: entryHash(`${jobId}/0`),
    });
    const prior = new Map<string, Mechanism[]>();
    for (let r = 1; r <= ROUNDS && entries.length < n; r++) {
      const survivors = HOSPITALS.filter(() => random() >= DROPOUT);
      const body = roundBody(spec, {
        participants: HOSPITALS,
        survivors,
        modelHash: entryHash(`${jobId}/${r}`),
        spends: roundSpends({ survivors, mechanism, prior, delta: p.delta, accountant: p.accountant }),
      });
      for (const s of survivors) prior.set(s, [...(prior.get(s) ?? []), mechanism]);
      const sealed = append('round', jobId, r, body);
      for (const s of survivors) receipts.push(signReceipt(sealed, s, ids.get(s)!.secretKey));
    }
    if (entries.length < n)
      append('job-ended', jobId, 0, {
        status: 'completed',
        reason: '',
        rounds: ROUNDS,
        modelHash: entryHash(`${jobId}/${ROUNDS}`),
      });
  }
  return { coordinator, hospitalKeys: new Map([...ids].map(([h, id]) => [h, id.publicKey])), entries, receipts };
}

/** Median µs of `f` over `n` calls, timed one by one. */
function medianUs(n: number, f: () => unknown): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t.push((performance.now() - t0) * 1000);
  }
  return median(t);
}

function timeMs<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

export async function benchLedger(n = 100_000, log: (line: string) => void = () => {}): Promise<LedgerBench> {
  const [ledger, buildMs] = timeMs(() => buildLedger(n));
  const { entries, receipts } = ledger;
  const parsed = entries.map((e) => JSON.parse(e.canonical) as LedgerEntry);
  const rounds = parsed.filter((e) => e.kind === 'round');
  const spends = rounds.reduce((k, e) => k + (e.body as RoundBody).spends.length, 0);
  log(
    `built ${entries.length} entries (${rounds.length} rounds, ${spends} spends, ${receipts.length} receipts) in ${(buildMs / 1000).toFixed(1)} s`,
  );

  const append = measureAppend(ledger, rounds);
  const { verify, noRecompute, tailFrom, verifyMs } = measureVerify(ledger, parsed, log);
  const chain = measureChain(entries);
  const recompute = measureRecompute(rounds, spends, log);
  const { coldMs } = recompute;
  const incremental = measureIncremental(ledger, parsed, noRecompute.checkpoint!, tailFrom, log);

  // A full audit (`cohort ledger verify` on this ledger, cold memo) is (b) plus cold recomputation:
  // verifyLedger runs exactly these two parts one after the other. Timing it again would add a minute.
  const auditMs = verifyMs + coldMs;

  const fed = await runFedHeartDisease({ rounds: 3 });
  const meanRoundMs = fed.roundTimesMs.reduce((s, x) => s + x, 0) / fed.roundTimesMs.length;
  return {
    entries: entries.length,
    roundEntries: rounds.length,
    spends,
    receipts: receipts.length,
    buildMs,
    append,
    verify,
    chain,
    recompute,
    auditMs,
    meanRoundMs,
    ratio: auditMs / meanRoundMs,
    incremental,
  };
}

type Ledger = ReturnType<typeof buildLedger>;

function measureAppend({ coordinator, entries }: Ledger, rounds: LedgerEntry[]): LedgerBench['append'] {
  // (a) Append: one round entry with four spends, sealed again and again (its figures are computed beforehand, as roundSpends' memo is warm in a running coordinator).
  const sample = rounds.find((e) => (e.body as RoundBody).spends.length === 4)!;
  sealEntry(sample, coordinator.secretKey);
  return {
    medianUs: medianUs(2000, () => sealEntry(sample, coordinator.secretKey)),
    canonicalUs: medianUs(2000, () => canonicalJson(sample)),
    hashUs: medianUs(2000, () => entryHash(entries[sample.seq - 1]!.canonical)),
    signUs: medianUs(2000, () =>
      ledgerSign(coordinator.secretKey, new TextEncoder().encode(`cohort/ledger/v1\n${entries[0]!.hash}`)),
    ),
  };
}

function measureVerify(
  { coordinator, hospitalKeys, entries, receipts }: Ledger,
  parsed: LedgerEntry[],
  log: (line: string) => void,
) {
  // (b) Verification without recomputation, beside raw Ed25519 verification of as many signatures. All rows
  // up to the last record-level round priced by PLD: the checkpoint there is where (e) starts, as an
  // auditor's last audit would have left it (the few dozen rows after it are (e)'s).
  const isRecordPld = (e: LedgerEntry) =>
    e.kind === 'round' &&
    (e.body as RoundBody).accountant === 'pld' &&
    ['sampled-gaussian', 'discrete-gaussian'].includes((e.body as RoundBody).spends[0]?.mechanism.kind ?? '');
  let tailFrom = parsed.length - 1;
  while (tailFrom > 0 && !isRecordPld(parsed[tailFrom]!)) tailFrom--;
  const before = entries.slice(0, tailFrom);
  const beforeReceipts = receipts.filter((r) => r.seq <= before.at(-1)!.seq);
  const [noRecompute, verifyMs] = timeMs(() =>
    verifyLedger({
      entries: before,
      coordinatorKey: coordinator.publicKey,
      receipts: beforeReceipts,
      hospitalKeys,
      recompute: false,
    }),
  );
  if (!noRecompute.ok) throw new Error(`bench ledger does not verify: ${JSON.stringify(noRecompute.failures[0])}`);
  const signatures = before.length + beforeReceipts.length;
  const floorN = 20_000;
  const msg = new TextEncoder().encode(`cohort/ledger/v1\n${entries[0]!.hash}`);
  const sig = new Uint8Array(Buffer.from(entries[0]!.signature, 'hex'));
  const [, floorMs] = timeMs(() => {
    for (let i = 0; i < floorN; i++) ledgerVerify(coordinator.publicKey, msg, sig);
  });
  const verify = {
    ms: verifyMs,
    entriesPerSec: before.length / (verifyMs / 1000),
    signaturesPerSec: signatures / (verifyMs / 1000),
    floorSignaturesPerSec: floorN / (floorMs / 1000),
  };
  log(`verify (no recompute): ${(verifyMs / 1000).toFixed(1)} s`);
  return { verify, noRecompute, tailFrom, verifyMs };
}

function measureChain(entries: Ledger['entries']): LedgerBench['chain'] {
  // (c) The chain alone: canonical round trip, hash and link per entry, beside SHA-256 alone.
  const [, chainMs] = timeMs(() => {
    let prev = GENESIS_HASH;
    for (const e of entries) {
      const value = JSON.parse(e.canonical) as LedgerEntry;
      const h = entryHash(e.canonical);
      if (canonicalJson(value) !== e.canonical || h !== e.hash || value.prevHash !== prev)
        throw new Error(`chain broken at ${e.seq}`);
      prev = h;
    }
  });
  const [, hashMs] = timeMs(() => {
    for (const e of entries) entryHash(e.canonical);
  });
  return {
    ms: chainMs,
    entriesPerSec: entries.length / (chainMs / 1000),
    floorEntriesPerSec: entries.length / (hashMs / 1000),
  };
}

function measureRecompute(
  rounds: LedgerEntry[],
  spends: number,
  log: (line: string) => void,
): LedgerBench['recompute'] {
  // (d) Recomputation as verifyLedger does it (the same roundSpends calls and comparisons), from a cold memo and then a warm one.
  const recomputeAll = () => {
    const prior = new Map<string, Map<string, Mechanism[]>>();
    for (const e of rounds) {
      const b = e.body as RoundBody;
      let job = prior.get(e.jobId);
      if (!job) prior.set(e.jobId, (job = new Map()));
      for (const s of b.spends) {
        const mine = job.get(s.hospital) ?? [];
        const [x] = roundSpends({
          survivors: [s.hospital],
          mechanism: s.mechanism,
          prior: new Map([[s.hospital, mine]]),
          delta: b.delta,
          accountant: b.accountant,
        });
        if (!sameSpend(x!, s)) throw new Error(`spend differs at ${e.seq}`);
        mine.push(s.mechanism);
        job.set(s.hospital, mine);
      }
    }
  };
  clearSpendCache();
  const [, coldMs] = timeMs(recomputeAll);
  const evaluations = spendCacheStats().evaluations;
  const [, warmMs] = timeMs(recomputeAll);
  const recompute = { coldMs, warmMs, evaluations, spends };
  log(
    `recompute: cold ${(coldMs / 1000).toFixed(1)} s (${evaluations} evaluations), warm ${(warmMs / 1000).toFixed(1)} s`,
  );
  return recompute;
}

function measureIncremental(
  { coordinator, hospitalKeys, entries, receipts }: Ledger,
  parsed: LedgerEntry[],
  checkpoint: VerifyCheckpoint,
  tailFrom: number,
  log: (line: string) => void,
): LedgerBench['incremental'] {
  // (e) What an auditor pays per new entry with a checkpoint (`ledger verify --checkpoint`): each row after
  // (b)'s checkpoint alone, from the checkpoint before it, every spend recomputed from a cold memo (a fresh
  // auditor process each time), and again without recomputation (seals, chain and receipts only).
  const checkpointBytes = JSON.stringify(checkpoint).length;
  const steps: LedgerBench['incremental']['steps'] = [];
  let cp = checkpoint;
  for (const row of entries.slice(tailFrom)) {
    const mine = receipts.filter((r) => r.seq === row.seq);
    const [, sealsOnlyMs] = timeMs(() =>
      verifyLedger({
        entries: [row],
        coordinatorKey: coordinator.publicKey,
        receipts: mine,
        hospitalKeys,
        from: cp,
        recompute: false,
      }),
    );
    clearSpendCache();
    const [r, ms] = timeMs(() =>
      verifyLedger({ entries: [row], coordinatorKey: coordinator.publicKey, receipts: mine, hospitalKeys, from: cp }),
    );
    if (!r.ok) throw new Error(`incremental verification failed at ${row.seq}: ${JSON.stringify(r.failures[0])}`);
    const e = parsed[row.seq - 1]!;
    const body = e.body as RoundBody;
    steps.push({
      seq: row.seq,
      kind: e.kind,
      mechanism: e.kind === 'round' ? `${body.spends[0]?.mechanism.kind ?? 'none'}/${body.accountant}` : '',
      spends: r.spendsRecomputed,
      ms,
      sealsOnlyMs,
    });
    cp = r.checkpoint!;
  }
  const worst = steps.reduce((a, b) => (b.ms > a.ms ? b : a));
  log(
    `incremental: ${steps.length} entries one by one, worst ${worst.ms.toFixed(1)} ms (entry ${worst.seq}, ${worst.mechanism}), checkpoint ${(checkpointBytes / 1e6).toFixed(1)} MB`,
  );
  return { steps, checkpointBytes };
}
