/**
 * A synthetic ledger as the coordinator would write it, built with the real
 * sealing and accounting code: role grants for four hospitals, a 20-round
 * record-level job (DP-SGD, PLD accountant) with dropouts, a 3-round
 * hospital-level job (distributed discrete Gaussian) interleaved with it, a
 * budget refusal and both job ends; every spend receipted by its hospital
 * except one (a hospital that crashed before receipting).
 */
import { createHash } from 'node:crypto';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { resolveJob, roundMechanism, stepsPerRound } from '../../../core/job/privacy.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import type { Mechanism } from '../../../core/privacy/spend.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { canonicalJson, entryHash, roundSpends, sealEntry, signReceipt } from '../../../core/ledger/index.ts';
import {
  GENESIS_HASH,
  type EntryBody,
  type EntryKind,
  type LedgerEntry,
  type Receipt,
  type RoundBody,
  type SealedEntry,
} from '../../../core/ledger/types.ts';

export const HOSPITALS = ['h1', 'h2', 'h3', 'h4'] as const;
export type Identity = { publicKey: Uint8Array; secretKey: Uint8Array };

export interface Fixture {
  coordinator: Identity;
  hospitals: Map<string, Identity>;
  hospitalKeys: Map<string, Uint8Array>;
  entries: SealedEntry[];
  receipts: Receipt[];
  /** Each hospital's budget charges (one per round it trained in, including rounds it then dropped from). */
  charges: Map<string, { jobId: string; round: number; mechanism: Mechanism }[]>;
  /** seq of every round entry, by job. */
  rounds: { record: number[]; hospital: number[] };
  /** The (seq, hospital) spend left unreceipted. */
  unreceipted: { seq: number; hospital: string };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A three-feature logistic job over the four hospitals, resolved as the coordinator registers it. */
const logisticJob = (fields: { name: string; rounds: number; minClients: number; [more: string]: unknown }): JobSpec =>
  resolveJob(
    parseJobSpec({ model: logisticRegression(3), features: ['a', 'b', 'c'], label: 'y', ...fields }),
    HOSPITALS.length,
  );

export const recordSpec = (): JobSpec =>
  logisticJob({
    name: 'record-job',
    rounds: 20,
    minClients: 2,
    local: { epochs: 1, batchSize: 8, learningRate: 0.1, maxSteps: 5 },
    privacy: {
      unit: 'record',
      epsilon: 8,
      delta: 1e-5,
      clip: 1,
      samplingRate: 0.05,
      noiseMultiplier: 1.2,
      accountant: 'pld',
    },
  });

export const hospitalSpec = (): JobSpec =>
  logisticJob({
    name: 'hospital-job',
    rounds: 3,
    minClients: 3,
    privacy: { unit: 'hospital', epsilon: 6, delta: 1e-5, clip: 1 },
  });

/** Who is in each round's released sum (participants are all four). */
function survivorsOf(job: 'record' | 'hospital', round: number): string[] {
  if (job === 'record' && (round === 5 || round === 12)) return ['h1', 'h2', 'h3'];
  if (job === 'record' && round === 17) return ['h1', 'h2', 'h4'];
  if (job === 'hospital' && round === 2) return ['h1', 'h2', 'h4'];
  return [...HOSPITALS];
}

/** Entries sealed into one chain by `coordinatorSecret` as the coordinator seals them, `stepMs` apart from a fixed start. */
export function ledgerChain(coordinatorSecret: Uint8Array, stepMs: number) {
  const entries: SealedEntry[] = [];
  let prevHash = GENESIS_HASH;
  const append = (kind: EntryKind, jobId: string, round: number, body: EntryBody): SealedEntry => {
    const entry: LedgerEntry = {
      seq: entries.length + 1,
      at: 1_700_000_000_000 + entries.length * stepMs,
      kind,
      jobId,
      round,
      body,
      prevHash,
    };
    const sealed = sealEntry(entry, coordinatorSecret);
    entries.push(sealed);
    prevHash = sealed.hash;
    return sealed;
  };
  return { entries, append };
}

/** The ledger's first entries: the hospital role granted to each of `hospitals`, with its public key. */
export function grantHospitals(
  append: ReturnType<typeof ledgerChain>['append'],
  hospitals: ReadonlyMap<string, Identity>,
): void {
  for (const [h, id] of hospitals)
    append('role-grant', '', 0, {
      subject: h,
      role: 'hospital',
      granted: true,
      publicKey: Buffer.from(id.publicKey).toString('hex'),
    });
}

/** A round entry's body: the job's privacy settings as the spec resolves them, who took part and survived, their spends. */
export function roundBody(
  spec: JobSpec,
  o: { participants: readonly string[]; survivors: string[]; modelHash: string; spends: RoundBody['spends'] },
): RoundBody {
  const p = spec.privacy!;
  const { unit, delta, accountant, clip } = p;
  return {
    unit,
    delta,
    accountant,
    clip,
    noiseMultiplier: p.noiseMultiplier ?? null,
    samplingRate: p.samplingRate ?? null,
    stepsPerRound: p.unit === 'record' ? stepsPerRound(spec, p) : null,
    bits: spec.secureAggregation.enabled ? spec.secureAggregation.bits : null,
    participants: [...o.participants],
    survivors: o.survivors,
    modelHash: o.modelHash,
    spends: o.spends,
  };
}

export function buildFixture(): Fixture {
  const coordinator = ed25519KeyPair();
  const hospitals = new Map<string, Identity>(HOSPITALS.map((h) => [h, ed25519KeyPair()]));
  const { entries, append } = ledgerChain(coordinator.secretKey, 1000);
  const receipts: Receipt[] = [];
  const charges = new Map<string, { jobId: string; round: number; mechanism: Mechanism }[]>(
    HOSPITALS.map((h) => [h, []]),
  );
  const rounds = { record: [] as number[], hospital: [] as number[] };
  const prior = new Map<string, Map<string, Mechanism[]>>();
  grantHospitals(append, hospitals);

  const specs = { record: recordSpec(), hospital: hospitalSpec() };
  const jobIds = { record: 'job-record', hospital: 'job-hospital' };
  for (const job of ['record', 'hospital'] as const) {
    const plain = JSON.parse(JSON.stringify(specs[job])) as unknown;
    append('job-created', jobIds[job], 0, {
      specHash: sha(canonicalJson(plain)),
      spec: plain,
      modelHash: sha(`${job}-0`),
    });
  }
  const roundEntry = (job: 'record' | 'hospital', round: number) => {
    const spec = specs[job];
    const p = spec.privacy!;
    const mechanism = roundMechanism(spec);
    const survivors = survivorsOf(job, round);
    // Every participant trained and charged its budget, survivor or not.
    for (const h of HOSPITALS) charges.get(h)!.push({ jobId: jobIds[job], round, mechanism });
    let jobPrior = prior.get(job);
    if (!jobPrior) prior.set(job, (jobPrior = new Map()));
    const body = roundBody(spec, {
      participants: HOSPITALS,
      survivors,
      modelHash: sha(`${job}-${round}`),
      spends: roundSpends({ survivors, mechanism, prior: jobPrior, delta: p.delta, accountant: p.accountant }),
    });
    for (const s of survivors) jobPrior.set(s, [...(jobPrior.get(s) ?? []), mechanism]);
    const sealed = append('round', jobIds[job], round, body);
    rounds[job].push(sealed.seq);
    for (const s of survivors) receipts.push(signReceipt(sealed, s, hospitals.get(s)!.secretKey));
  };
  for (let r = 1; r <= 20; r++) {
    roundEntry('record', r);
    if (r === 4 || r === 8 || r === 12) roundEntry('hospital', r / 4);
    if (r === 10)
      append('budget-refusal', jobIds.record, 11, {
        hospital: 'h4',
        code: 'E_BUDGET_EXCEEDED',
        reason: 'would exceed the budget',
      });
  }
  append('job-ended', jobIds.hospital, 0, { status: 'completed', reason: '', rounds: 3, modelHash: sha('hospital-3') });
  append('job-ended', jobIds.record, 0, { status: 'completed', reason: '', rounds: 20, modelHash: sha('record-20') });

  // h2 crashed before receipting its spend in the record job's 7th round.
  const unreceipted = { seq: rounds.record[6]!, hospital: 'h2' };
  const i = receipts.findIndex((r) => r.seq === unreceipted.seq && r.hospital === unreceipted.hospital);
  receipts.splice(i, 1);
  return {
    coordinator,
    hospitals,
    hospitalKeys: new Map([...hospitals].map(([h, id]) => [h, id.publicKey])),
    entries,
    receipts,
    charges,
    rounds,
    unreceipted,
  };
}

/** The entries a hospital keeps: the round entries recording its spend. */
export function hospitalCopy(f: Fixture, hospital: string): SealedEntry[] {
  return f.entries.filter((e) => {
    const entry = JSON.parse(e.canonical) as LedgerEntry;
    return entry.kind === 'round' && (entry.body as RoundBody).spends.some((s) => s.hospital === hospital);
  });
}

export { entryHash };

/**
 * The fixture's ledger re-sealed with `secretKey` after `edit` (applied to
 * each parsed entry), every spend recomputed over what the ledger then
 * records, as a coordinator would: a history rewritten consistently.
 */
export function rewriteLedger(
  f: Fixture,
  secretKey: Uint8Array,
  edit: (e: LedgerEntry) => void = () => {},
): SealedEntry[] {
  const prior = new Map<string, Map<string, Mechanism[]>>();
  let prevHash = GENESIS_HASH;
  return f.entries.map((row) => {
    const e = JSON.parse(row.canonical) as LedgerEntry;
    edit(e);
    const b = e.body as RoundBody;
    if (e.kind === 'round' && b.spends.length > 0) {
      const job = prior.get(e.jobId) ?? new Map<string, Mechanism[]>();
      prior.set(e.jobId, job);
      const mechanism = b.spends[0]!.mechanism;
      b.spends = roundSpends({
        survivors: b.survivors,
        mechanism,
        prior: job,
        delta: b.delta,
        accountant: b.accountant,
      });
      for (const x of b.survivors) job.set(x, [...(job.get(x) ?? []), mechanism]);
    }
    const sealed = sealEntry({ ...e, prevHash }, secretKey);
    prevHash = sealed.hash;
    return sealed;
  });
}
