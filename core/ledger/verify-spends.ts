/**
 * The checks of what round entries charge: each spend's mechanism against the
 * job's recorded spec, and every recorded figure recomputed from the
 * mechanisms (roundSpends) with the hospital's history in that job.
 */
import { roundMechanism } from '../job/privacy.ts';
import { parseJobSpec, type JobSpec } from '../job/spec.ts';
import type { Mechanism } from '../privacy/spend.ts';
import { canonicalJson } from './canonical.ts';
import { entryHash } from './seal.ts';
import { roundSpends } from './spend.ts';
import type { HospitalSpend, JobCreatedBody, LedgerEntry, RoundBody } from './types.ts';
import { NOTE_EXAMPLES, type Checked, type Failures } from './verify-failures.ts';

/**
 * Each hospital's mechanisms so far, per job. Histories from a checkpoint stay
 * run-length encoded until an entry touches them, so verifying a few new rows
 * does not unpack (or re-encode) the history of every job ever run.
 */
export class Histories {
  private readonly runs: Map<string, Map<string, [Mechanism, number][]>>;
  private readonly touched = new Map<string, Map<string, Mechanism[]>>();

  constructor(seed: Record<string, Record<string, [Mechanism, number][]>>) {
    this.runs = new Map(Object.entries(seed).map(([job, byHospital]) => [job, new Map(Object.entries(byHospital))]));
  }

  get(job: string, hospital: string): Mechanism[] {
    let byHospital = this.touched.get(job);
    if (!byHospital) this.touched.set(job, (byHospital = new Map()));
    let list = byHospital.get(hospital);
    if (!list) {
      const runs = this.runs.get(job)?.get(hospital) ?? [];
      this.runs.get(job)?.delete(hospital);
      byHospital.set(hospital, (list = runs.flatMap(([m, n]) => Array.from({ length: n }, () => m))));
    }
    return list;
  }

  toRuns(): Record<string, Record<string, [Mechanism, number][]>> {
    const out: Record<string, Record<string, [Mechanism, number][]>> = {};
    for (const [job, byHospital] of this.runs) for (const [h, runs] of byHospital) (out[job] ??= {})[h] = runs;
    for (const [job, byHospital] of this.touched)
      for (const [h, list] of byHospital) (out[job] ??= {})[h] = runsOf(list);
    return out;
  }
}

/** Mechanisms as runs of equal ones: a job's history is one run per hospital. Parsed from canonical text, so JSON.stringify is their canonical form. */
function runsOf(ms: readonly Mechanism[]): [Mechanism, number][] {
  const runs: [Mechanism, number][] = [];
  let last = '';
  for (const m of ms) {
    const c = JSON.stringify(m);
    if (runs.length > 0 && c === last) runs.at(-1)![1]++;
    else runs.push([m, 1]);
    last = c;
  }
  return runs;
}

/** A job's recorded spec and its mechanism per kind of round (training, or the final evaluation's release), computed once. */
interface JobMechanisms {
  spec: JobSpec;
  mechanisms: Map<string, Mechanism | string>;
}

/**
 * A job-created entry's specHash must hash its spec, and each round's
 * spends must apply the mechanism that spec gives (core/job/privacy.ts
 * roundMechanism), at its δ and accountant: the coordinator cannot charge a
 * cheaper mechanism than the one its hospitals ran without this showing.
 */
export function checkJobs(
  entries: readonly Checked[],
  recorded: Map<string, unknown>,
  failures: Failures,
  notes: string[],
): void {
  // Each job's mechanism per kind of round (training, or the final evaluation's release), computed once.
  const specs = new Map<string, JobMechanisms>(
    [...recorded].map(([id, spec]) => [id, { spec: spec as JobSpec, mechanisms: new Map() }]),
  );
  const unknownJobs = new Set<string>();
  for (const { sealed, entry } of entries) {
    const seq = sealed.seq;
    if (entry.kind === 'job-created') {
      const b = entry.body as JobCreatedBody;
      let specHash = '';
      try {
        specHash = entryHash(canonicalJson(b.spec));
      } catch {
        // The entry's text is canonical, so its spec is too; unreachable in practice.
      }
      if (specHash !== b.specHash)
        failures.add(seq, 'spec-hash-mismatch', `entry ${seq}: specHash is not the hash of the spec it records`);
      specs.set(entry.jobId, { spec: b.spec as JobSpec, mechanisms: new Map() });
      recorded.set(entry.jobId, b.spec);
      continue;
    }
    if (entry.kind !== 'round') continue;
    const body = entry.body as RoundBody;
    const job = specs.get(entry.jobId);
    if (body.unit === 'none') {
      if (job) checkNoPrivacy(seq, entry.jobId, job, failures);
      continue;
    }
    if (!job) {
      unknownJobs.add(entry.jobId);
      continue;
    }
    checkRoundMechanism(seq, entry, body, job, failures);
  }
  if (unknownJobs.size > 0)
    notes.push(
      `round entries of ${unknownJobs.size} job(s) with no job-created entry before them (e.g. ${[...unknownJobs].slice(0, NOTE_EXAMPLES).join(', ')}): their mechanisms were not checked against a spec`,
    );
}

/**
 * A round recorded without DP (no spend) must belong to a job whose recorded
 * spec has no privacy guarantee: otherwise the coordinator dropped the
 * round's spend, and every later cumulative figure of the job with it.
 */
function checkNoPrivacy(seq: number, jobId: string, job: JobMechanisms, failures: Failures): void {
  if ((job.spec as Partial<JobSpec> | null)?.privacy)
    failures.add(
      seq,
      'mechanism-mismatch',
      `entry ${seq}: job ${jobId}'s recorded spec has a privacy guarantee, yet the round is recorded without DP and charges no spend`,
    );
}

/** A round's spends against the mechanism, unit, δ and accountant its job's recorded spec gives that round. */
function checkRoundMechanism(
  seq: number,
  entry: LedgerEntry,
  body: RoundBody,
  job: JobMechanisms,
  failures: Failures,
): void {
  const p = (job.spec as Partial<JobSpec> | null)?.privacy;
  if (!p) {
    failures.add(
      seq,
      'mechanism-mismatch',
      `entry ${seq}: job ${entry.jobId}'s recorded spec has no privacy guarantee, yet the round charges a spend`,
    );
    return;
  }
  if (p.unit !== body.unit || p.delta !== body.delta || p.accountant !== body.accountant) {
    failures.add(
      seq,
      'mechanism-mismatch',
      `entry ${seq}: unit, delta or accountant differs from job ${entry.jobId}'s recorded spec`,
    );
    return;
  }
  const rounds = (job.spec as Partial<JobSpec>).rounds ?? Infinity;
  // A DP job releases rounds 1..rounds and then its evaluation: a round past them is no round its spec charges.
  if (entry.round > rounds + 1) {
    failures.add(
      seq,
      'mechanism-mismatch',
      `entry ${seq}: job ${entry.jobId} has ${rounds} rounds and an evaluation, not a round ${entry.round}`,
    );
    return;
  }
  const kind = entry.round > rounds ? 'evaluation' : 'training';
  let mechanism = job.mechanisms.get(kind);
  if (mechanism === undefined) job.mechanisms.set(kind, (mechanism = mechanismOf(job.spec, entry.round)));
  if (typeof mechanism === 'string') {
    failures.add(
      seq,
      'mechanism-mismatch',
      `entry ${seq}: job ${entry.jobId}'s recorded spec gives no mechanism for round ${entry.round} (${mechanism})`,
    );
    return;
  }
  let off: { hospital: string } | undefined;
  try {
    const want = canonicalJson(mechanism);
    off = body.spends.find((s) => canonicalJson(s.mechanism) !== want);
  } catch {
    off = { hospital: 'a hospital' }; // a mechanism with no canonical form is not the spec's
  }
  if (off)
    failures.add(
      seq,
      'mechanism-mismatch',
      `entry ${seq}: ${off.hospital} is charged another mechanism than job ${entry.jobId}'s spec applies`,
    );
}

function mechanismOf(spec: JobSpec, round: number): Mechanism | string {
  try {
    // Re-validated: a recorded spec is data from the database, not a trusted JobSpec.
    return roundMechanism(parseJobSpec(spec), round);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Every recorded HospitalSpend against roundSpends on its recorded mechanism
 * and the same hospital's mechanisms in the job's earlier round entries.
 * Compared exactly (as canonical JSON, so also no field added or missing):
 * the coordinator ran the same deterministic code on the same inputs.
 */
export function recomputeSpends(
  entries: readonly Checked[],
  prior: Histories,
  recompute: boolean,
  failures: Failures,
): number {
  let equal = 0;
  for (const { sealed, entry } of entries) {
    if (entry.kind !== 'round') continue;
    const body = entry.body as RoundBody;
    if (body.spends.length === 0) continue;
    for (const s of body.spends) {
      const mine = prior.get(entry.jobId, s.hospital);
      if (!recompute) {
        // Without recomputation the history is still kept, for a checkpoint.
        mine.push(s.mechanism);
        continue;
      }
      let expected: HospitalSpend | undefined;
      try {
        [expected] = roundSpends({
          survivors: [s.hospital],
          mechanism: s.mechanism,
          prior: new Map([[s.hospital, mine]]),
          delta: body.delta,
          accountant: body.accountant,
        });
      } catch (err) {
        failures.add(
          sealed.seq,
          'epsilon-mismatch',
          `entry ${sealed.seq}: ${s.hospital}'s spend cannot be recomputed: ${(err as Error).message}`,
        );
      }
      if (expected && !sameSpend(expected, s)) {
        failures.add(
          sealed.seq,
          'epsilon-mismatch',
          `entry ${sealed.seq}: ${s.hospital}'s ${firstDifference(expected, s)}`,
        );
      } else if (expected) equal++;
      mine.push(s.mechanism);
    }
  }
  return equal;
}

const SPEND_FIGURES = [
  'hospital',
  'epsilon',
  'rdpEpsilon',
  'pldEpsilon',
  'cumulativeEpsilon',
  'cumulativeRdpEpsilon',
  'cumulativePldEpsilon',
  'bound',
] as const;

/** Field by field with ===; the schema has already refused any other field, and the mechanism is what was recomputed from. */
export function sameSpend(a: HospitalSpend, b: HospitalSpend): boolean {
  return SPEND_FIGURES.every((f) => a[f] === b[f]);
}

function firstDifference(expected: HospitalSpend, recorded: HospitalSpend): string {
  const fields = new Set([...Object.keys(expected), ...Object.keys(recorded)]) as Set<keyof HospitalSpend>;
  for (const f of fields) {
    const a = expected[f];
    const b = recorded[f];
    if (JSON.stringify(a) !== JSON.stringify(b))
      return `${f} is recorded as ${JSON.stringify(b)}, recomputed as ${JSON.stringify(a)}`;
  }
  return 'spend differs from its recomputation';
}
