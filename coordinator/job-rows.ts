/**
 * Reading the coordinator's job and round rows back, whatever they hold.
 * SQLite keeps what it was given: a spec that no longer parses, weights
 * that are not finite or not the model's length, a server state that does
 * not decode, JSON that is not JSON, a column of the wrong type. None of
 * these may throw out of a listing or stop a restart (issue 16, finding 2:
 * one job poisoned by an older coordinator broke `job list` for everyone and
 * stopped the coordinator from starting). A listing reads metadata and the
 * spec only; a load reads the model too and says what is wrong instead of
 * throwing, so the caller can end that job and carry on with the rest.
 */
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import { paramCount } from '../core/model/spec.ts';
import { bytesToVector } from '../core/model/vector.ts';
import { decodeServerState, type ServerState } from '../core/strategy/index.ts';
import { ENDED_STATUSES, type JobResume, type JobStatus, type RoundRecord } from '../core/round/job.ts';
import type { Metrics } from '../core/metrics.ts';
import type { PhaseCounts } from '../core/secagg/index.ts';

/** Every status a coordinator writes; a row with another one does not load (a stored value it does not know still counts as unfinished: core/round/job.ts isEnded). */
const STATUSES: readonly string[] = ['waiting', 'running', 'paused', ...ENDED_STATUSES];

/** The listing's columns: never the weights or server state, which may be megabytes each. */
export const LISTING_COLUMNS = 'id, spec, status, reason, completed_rounds, created_at, updated_at, owner, attempts';

/** A job row's columns as SQLite may return them: declared types are not enforced. */
export interface ListingRow {
  id: unknown;
  spec: unknown;
  status: unknown;
  reason: unknown;
  completed_rounds: unknown;
  created_at: unknown;
  updated_at: unknown;
  owner: unknown;
  attempts: unknown;
}
export interface JobRow extends ListingRow {
  weights: unknown;
  server_state: unknown;
}

/** A job as listed: what every row yields. */
export interface JobListing {
  id: string;
  /** Null when the stored spec does not parse (`specProblem` says why). */
  spec: JobSpec | null;
  specProblem: string | null;
  /** As stored (a value no coordinator writes counts as unfinished: core/round/job.ts isEnded). */
  status: JobStatus;
  reason: string;
  completedRounds: number;
  createdAt: number;
  updatedAt: number;
  owner: string | null;
  attempts: number;
}

/** A job read in full, ready to resume or serve. */
export interface StoredJob {
  id: string;
  spec: JobSpec;
  status: JobStatus;
  reason: string;
  completedRounds: number;
  weights: Float32Array;
  serverState: ServerState | null;
  createdAt: number;
  updatedAt: number;
  owner: string | null;
  /** Attempts already started at the next round (core/round/job.ts attemptStarted). */
  attempts: number;
}

/** Where a stored job's machine picks up after a restart (the job registry's revive). */
export function resumeOf(job: StoredJob): JobResume {
  const { completedRounds, weights, serverState, attempts } = job;
  return { completedRounds, weights, serverState, paused: job.status === 'paused', attempts };
}

/** A job whose row cannot be loaded, and why. */
export interface DamagedJob extends JobListing {
  problem: string;
}

/** A completed round as listed back; weights are read separately (CoordinatorStore.roundWeights). */
export interface StoredRound extends Omit<RoundRecord, 'weights' | 'serverState'> {
  jobId: string;
}

export interface RoundRow {
  job_id: string;
  round: number;
  kind: string;
  participants: string;
  dropped: string;
  evaluations: string;
  pooled: string | null;
  train_loss: number | null;
  completed_at: number;
  phase_counts: string | null;
}

/** Longest problem text kept (a spec's validation issues can run long). */
const MAX_PROBLEM = 500;

/** `x` if it is a safe integer, else `fallback` (a column whose row may hold anything). */
export function int(x: unknown, fallback: number): number {
  return typeof x === 'number' && Number.isSafeInteger(x) ? x : fallback;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, MAX_PROBLEM);
}

function readSpec(x: unknown): { spec: JobSpec; problem: null } | { spec: null; problem: string } {
  if (typeof x !== 'string') return { spec: null, problem: 'spec is not text' };
  let json: unknown;
  try {
    json = JSON.parse(x);
  } catch {
    return { spec: null, problem: 'spec is not JSON' };
  }
  try {
    return { spec: parseJobSpec(json), problem: null };
  } catch (err) {
    return { spec: null, problem: `spec does not parse: ${message(err)}` };
  }
}

export function toListing(row: ListingRow): JobListing {
  const { spec, problem } = readSpec(row.spec);
  return {
    id: String(row.id),
    spec,
    specProblem: problem,
    status: String(row.status) as JobStatus,
    reason: typeof row.reason === 'string' ? row.reason : '',
    completedRounds: int(row.completed_rounds, 0),
    createdAt: int(row.created_at, 0),
    updatedAt: int(row.updated_at, 0),
    owner: typeof row.owner === 'string' ? row.owner : null,
    attempts: int(row.attempts, 0),
  };
}

/** The row's model and state decoded and checked, or the first thing wrong with it. */
export function loadJob(row: JobRow): StoredJob | DamagedJob {
  const listing = toListing(row);
  const damaged = (problem: string): DamagedJob => ({ ...listing, problem });
  const spec = listing.spec;
  if (!spec) return damaged(listing.specProblem!);
  if (!STATUSES.includes(listing.status)) return damaged(`status "${listing.status.slice(0, 64)}" is not a job status`);
  const c = row.completed_rounds;
  if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0 || c > spec.rounds + 1)
    return damaged(`completed rounds ${String(c).slice(0, 64)} outside [0, ${spec.rounds + 1}]`);
  const a = row.attempts;
  if (typeof a !== 'number' || !Number.isSafeInteger(a) || a < 0)
    return damaged(`attempts ${String(a).slice(0, 64)} is not a count`);
  if (!(row.weights instanceof Uint8Array)) return damaged('weights are not a blob');
  const d = paramCount(spec.model);
  let weights: Float32Array;
  let serverState: ServerState | null = null;
  try {
    weights = bytesToVector(row.weights, d);
  } catch (err) {
    return damaged(`weights: ${message(err)}`);
  }
  if (row.server_state !== null) {
    if (!(row.server_state instanceof Uint8Array)) return damaged('server state is not a blob');
    try {
      serverState = decodeServerState(row.server_state, d, spec.strategy.name);
    } catch (err) {
      return damaged(message(err));
    }
  }
  const { specProblem: _, ...rest } = listing;
  return { ...rest, spec, weights, serverState };
}

function json(x: unknown): unknown {
  if (typeof x !== 'string') return undefined;
  try {
    return JSON.parse(x) as unknown;
  } catch {
    return undefined;
  }
}

function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
}

/** A stored JSON list of names (a round's participants or dropped); empty when it does not read back. */
export function readNames(text: unknown): string[] {
  return strings(json(text));
}

function record(x: unknown): Record<string, unknown> | null {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
}

/**
 * Metrics as stored (a NaN AUC, C-index or R² is written as null: nanToNull,
 * and reads back as NaN); anything that is not an object reads as absent.
 */
function metrics(x: unknown): Metrics | null {
  const m = record(x);
  if (!m) return null;
  const out: Record<string, unknown> = { ...m, auc: typeof m.auc === 'number' ? m.auc : Number.NaN };
  for (const [k, v] of Object.entries(m)) if (v === null) out[k] = Number.NaN;
  return out as unknown as Metrics;
}

/** A round row as listed; a field that does not read back is empty (no participants, no metrics), never an exception. */
export function toRound(row: RoundRow): StoredRound {
  const evaluations: Record<string, Metrics> = {};
  for (const [k, v] of Object.entries(record(json(row.evaluations)) ?? {})) {
    const m = metrics(v);
    if (m) evaluations[k] = m;
  }
  return {
    jobId: String(row.job_id),
    round: int(row.round, 0),
    kind: row.kind === 'evaluate' ? 'evaluate' : 'train',
    participants: readNames(row.participants),
    dropped: readNames(row.dropped),
    evaluations,
    pooled: metrics(json(row.pooled)),
    trainLoss: typeof row.train_loss === 'number' ? row.train_loss : null,
    phaseCounts: record(json(row.phase_counts)) as PhaseCounts | null,
    completedAt: int(row.completed_at, 0),
  };
}
