/**
 * What the web dashboard shows, as pure functions of stored rows: the jobs a
 * role may see, training curves, privacy spent against the job's target, and
 * dropouts per secure-aggregation phase. The coordinator reads the rows; these
 * functions decide what leaves for the browser. None of their inputs or
 * outputs carries model weights: a view cannot leak what it never holds.
 */
import { roundProgress } from '../round/progress.ts';
import { guarantee } from '../job/guarantee.ts';
import { denial, type Action, type Role } from '../auth/policy.ts';
import type { Metrics } from '../metrics.ts';
import type { JobStatus, RoundRecord } from '../round/job.ts';
import type { PhaseCounts } from '../secagg/index.ts';
import type { JobSpec } from '../job/spec.ts';
import type { LedgerEntry, RoundBody } from '../ledger/types.ts';

/** A job as the dashboard reads it: metadata only. */
export interface JobRecord {
  id: string;
  spec: JobSpec;
  status: JobStatus;
  reason: string;
  completedRounds: number;
  owner: string | null;
  createdAt: number;
  updatedAt: number;
  /** Participants of the last completed round (empty before the first). */
  lastParticipants: string[];
}

/** A completed round without its weights. */
export type RoundRow = Omit<RoundRecord, 'weights' | 'serverState'>;

/** The coordinator's in-memory view of a running job. */
export interface LiveJobState {
  /** The open round, or null between rounds. */
  round: number | null;
  /** 'waiting', 'collect' (plaintext updates or evaluations) or a secure-aggregation phase. */
  phase: string;
  members: string[];
}

export interface HospitalPresence {
  name: string;
  connected: boolean;
  connectedAt: number | null;
  lastSeen: number | null;
}

export interface Viewer {
  name: string;
  role: Role;
}

/** Whether `viewer` may see what `action` guards (on a job owned by `owner`): the one policy table decides. */
export function allowed(viewer: Viewer, action: Action, owner?: string | null): boolean {
  return denial(viewer.role, viewer.name, action, owner) === null;
}

/** Jobs whose status the viewer may read: a researcher's own, every job for auditors and admins. */
export function visibleJobs<J extends { owner: string | null }>(viewer: Viewer, jobs: readonly J[]): J[] {
  // An operator-submitted job (owner null) is nobody's own: '\u0000' never equals a name.
  return jobs.filter((j) => allowed(viewer, 'job.status', j.owner ?? '\u0000'));
}

export interface JobView {
  id: string;
  name: string;
  owner: string | null;
  status: JobStatus;
  reason: string;
  strategy: string;
  secureAggregation: boolean;
  rounds: number;
  /** Training rounds completed, at most `rounds`: the final evaluation round is not one of them. */
  completedRounds: number;
  /** Whether the final evaluation round (round `rounds` + 1, core/round/job.ts) has completed. */
  evaluated: boolean;
  currentRound: number | null;
  phase: string;
  participants: string[];
  /** The target, with what it is stated under and relies on (core/job/guarantee.ts). */
  privacy: { unit: string; epsilon: number; delta: number; adjacency: string; trust: string } | null;
  createdAt: number;
  updatedAt: number;
}

export function jobView(j: JobRecord, live: LiveJobState | undefined): JobView {
  const p = j.spec.privacy;
  return {
    id: j.id,
    name: j.spec.name,
    owner: j.owner,
    status: j.status,
    reason: j.reason,
    strategy: j.spec.strategy.name,
    secureAggregation: j.spec.secureAggregation.enabled,
    rounds: j.spec.rounds,
    ...roundProgress(j.completedRounds, j.spec.rounds),
    currentRound: live?.round ?? null,
    phase: live?.phase ?? (j.status === 'running' || j.status === 'waiting' ? 'waiting' : j.status),
    participants: live && live.members.length > 0 ? [...live.members].sort() : j.lastParticipants,
    privacy: p ? { unit: p.unit, epsilon: p.epsilon, delta: p.delta, ...guarantee(p.unit) } : null,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
  };
}

/** A series aligned with `x`; null where there is no value (NaN AUC of a one-class split, a hospital absent that round). */
export type Series = (number | null)[];

export interface MetricSeries {
  loss: Series;
  accuracy: Series;
  auc: Series;
}

export interface CurvesView {
  /** Round numbers; the metrics of round r are those of the model round r started from (after round r − 1). */
  x: number[];
  aggregate: MetricSeries;
  /** Example-weighted mean local training loss (train rounds). */
  trainLoss: Series;
  hospitals: Record<string, MetricSeries>;
}

const finite = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

function pick(ms: (Metrics | null | undefined)[]): MetricSeries {
  return {
    loss: ms.map((m) => finite(m?.loss)),
    accuracy: ms.map((m) => finite(m?.accuracy)),
    auc: ms.map((m) => finite(m?.auc)),
  };
}

export function curvesView(
  rounds: readonly Pick<RoundRow, 'round' | 'pooled' | 'trainLoss' | 'evaluations'>[],
): CurvesView {
  const sorted = [...rounds].sort((a, b) => a.round - b.round);
  const names = [...new Set(sorted.flatMap((r) => Object.keys(r.evaluations)))].sort();
  return {
    x: sorted.map((r) => r.round),
    aggregate: pick(sorted.map((r) => r.pooled)),
    trainLoss: sorted.map((r) => finite(r.trainLoss)),
    hospitals: Object.fromEntries(names.map((n) => [n, pick(sorted.map((r) => r.evaluations[n]))])),
  };
}

export interface PrivacyView {
  /** The job's stated target: the budget each hospital's spend is drawn against. */
  target: { unit: string; epsilon: number; delta: number } | null;
  /** Rounds with a round entry in the ledger. */
  x: number[];
  /** Cumulative ε per hospital after each round (null before its first charged round; carried forward over rounds it sat out). */
  hospitals: Record<string, Series>;
  remaining: { hospital: string; rounds: number; spent: number; remaining: number | null }[];
}

/** What the ledger charged one hospital in one job: rounds charged, and the cumulative ε of the last. */
export interface Charge {
  rounds: number;
  spent: number;
}

/**
 * Adds round entries, sorted by round, to what each hospital named in them
 * was charged: one more round and its cumulative ε for each entry that
 * states one. Entries of later rounds can be added on later, which is how
 * the dashboard keeps a job's figures without re-reading its ledger.
 */
export function addCharges(charges: Map<string, Charge>, rounds: readonly LedgerEntry[]): void {
  for (const e of rounds) {
    for (const [h, spent] of cumulativeSpends(e)) {
      const c = charges.get(h) ?? { rounds: 0, spent: 0 };
      c.rounds++;
      c.spent = spent;
      charges.set(h, c);
    }
  }
}

/** The cumulative ε a round entry states for each hospital; a hospital named twice counts once, at the value named last. */
export function cumulativeSpends(e: LedgerEntry): Map<string, number> {
  return new Map((e.body as RoundBody).spends.map((s) => [s.hospital, s.cumulativeEpsilon]));
}

/**
 * Everyone who took part in a job: the current (or last round's) participants,
 * and every hospital the ledger charged for one of the job's rounds. A
 * hospital that spent ε and then left is still listed, marked dropped: its
 * spend does not vanish from the page with its connection.
 */
export function jobParticipants(
  job: Pick<JobView, 'participants'>,
  privacy: Pick<PrivacyView, 'remaining'>,
): {
  name: string;
  dropped: boolean;
}[] {
  const now = new Set(job.participants);
  // Every hospital privacyView lists was charged at least one round (its names come from the round entries' spends).
  const all = new Set([...job.participants, ...privacy.remaining.map((r) => r.hospital)]);
  return [...all].sort().map((name) => ({ name, dropped: !now.has(name) }));
}

/** Where a participant can drop out of a round: before its update (plaintext), or in a secure-aggregation phase. */
export const DROPOUT_PHASES = ['update', 'advertise', 'reveal', 'share', 'masked', 'consistency', 'unmask'] as const;
export type DropoutPhase = (typeof DROPOUT_PHASES)[number];

/**
 * Participants lost in each phase of one round. A secure round's phase counts
 * are the clients that completed each phase (U1..U5 of Bonawitz et al. 2017,
 * plus the seed reveal, core/secagg/seed.ts), so the loss in a phase is the
 * count before it minus the count after it. Rounds stored before the reveal
 * phase existed count none lost in it.
 */
export function roundDropouts(
  r: Pick<RoundRow, 'participants' | 'dropped' | 'phaseCounts'>,
): Record<DropoutPhase, number> {
  const out = Object.fromEntries(DROPOUT_PHASES.map((p) => [p, 0])) as Record<DropoutPhase, number>;
  const c: PhaseCounts | null = r.phaseCounts;
  if (!c) {
    out.update = r.dropped.length;
    return out;
  }
  const chain = [
    r.participants.length,
    c.advertise,
    c.reveal ?? c.advertise,
    c.share,
    c.masked,
    c.consistency,
    c.unmask,
  ];
  (['advertise', 'reveal', 'share', 'masked', 'consistency', 'unmask'] as const).forEach((p, i) => {
    out[p] = Math.max(0, chain[i]! - chain[i + 1]!);
  });
  return out;
}

export interface HospitalsView {
  hospitals: (HospitalPresence & { rounds: number; dropped: number })[];
  /** Dropouts per phase, summed over the rounds of the jobs the viewer may see. */
  dropoutsByPhase: Record<DropoutPhase, number>;
}

/**
 * What the hospitals view counts in one job's rounds: its size grows with the
 * hospitals that took part, not with the rounds, so the dashboard can keep one
 * per job and recount only the jobs whose rounds changed.
 */
export interface RoundsTally {
  /** Rounds each hospital took part in, and those it dropped out of. */
  hospitals: ReadonlyMap<string, { rounds: number; dropped: number }>;
  dropoutsByPhase: Readonly<Record<DropoutPhase, number>>;
}

/** The tally of `rounds`, added on to `from` (the tally of the job's earlier rounds) if given. */
export function roundsTally(rounds: readonly RoundRow[], from?: RoundsTally): RoundsTally {
  const hospitals = new Map([...(from?.hospitals ?? [])].map(([n, c]) => [n, { ...c }]));
  const totals = Object.fromEntries(DROPOUT_PHASES.map((p) => [p, from?.dropoutsByPhase[p] ?? 0])) as Record<
    DropoutPhase,
    number
  >;
  for (const r of rounds) {
    for (const n of r.participants) {
      const h = hospitals.get(n) ?? { rounds: 0, dropped: 0 };
      h.rounds++;
      if (r.dropped.includes(n)) h.dropped++;
      hospitals.set(n, h);
    }
    const d = roundDropouts(r);
    for (const p of DROPOUT_PHASES) totals[p] += d[p];
  }
  return { hospitals, dropoutsByPhase: totals };
}

/** Every hospital present or counted in a tally, with its rounds and dropouts over the tallied jobs. */
export function hospitalsView(presence: readonly HospitalPresence[], tallies: readonly RoundsTally[]): HospitalsView {
  const byName = new Map(presence.map((h) => [h.name, { ...h, rounds: 0, dropped: 0 }]));
  const totals = Object.fromEntries(DROPOUT_PHASES.map((p) => [p, 0])) as Record<DropoutPhase, number>;
  for (const t of tallies) {
    for (const [name, c] of t.hospitals) {
      const h = byName.get(name) ?? {
        name,
        connected: false,
        connectedAt: null,
        lastSeen: null,
        rounds: 0,
        dropped: 0,
      };
      h.rounds += c.rounds;
      h.dropped += c.dropped;
      byName.set(name, h);
    }
    for (const p of DROPOUT_PHASES) totals[p] += t.dropoutsByPhase[p];
  }
  return { hospitals: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), dropoutsByPhase: totals };
}

/** The coordinator's in-memory state the dashboard shows beside the database (Coordinator.snapshot()). */
export interface CoordinatorSnapshot {
  hospitals: HospitalPresence[];
  /** Unfinished jobs, by id. */
  jobs: Record<string, LiveJobState>;
}

/** The phase a job's machine is in, as the dashboard and the phase-duration metric name it. */
export function jobPhase(m: {
  finished: boolean;
  currentRound: { status: string } | null;
  secureStage: { serverPhase: string } | null;
}): string {
  if (m.finished) return 'finished';
  if (!m.currentRound || m.currentRound.status !== 'open') return 'waiting';
  const p = m.secureStage?.serverPhase;
  return p && p !== 'done' && p !== 'failed' ? p : 'collect';
}
