/**
 * Per-identity quotas on researchers' jobs (issue 16, finding 1): how much
 * of the coordinator one enrolled researcher may hold. Each is counted per
 * identity, not per connection, so reconnecting resets nothing. The
 * operator's own jobs (`coordinator start --job`) have no owner and no quota.
 */
import { z } from 'zod';
import { paramCount } from '../model/spec.ts';
import { intOption, parseOptions } from '../options.ts';
import { isEnded } from '../round/job.ts';
import type { JobSpec } from './spec.ts';

/**
 * Defaults for a hospital network, where a researcher runs a few jobs at a
 * time and submits a handful an hour: 4 unfinished jobs; 20 submissions an
 * hour, each of which may cost the workers their time limit; 1 being
 * prepared at once, so that one researcher cannot fill the workers' queue
 * alone; 1 GiB of stored weights. A job stores its model (4 bytes a
 * parameter) once as the global weights and once per round (the training
 * rounds and the final evaluation), so an unfinished job counts
 * 4·d·(rounds + 2) bytes, what it will hold when it completes, and a finished
 * one what it holds. Each field's description is its `coordinator start`
 * flag's help.
 */
export const jobQuotasSchema = z.strictObject({
  maxUnfinishedJobs: intOption(0, 1_000_000, 4).describe('unfinished jobs (waiting, running or paused) per researcher'),
  maxSubmissions: intOption(0, 1_000_000, 20).describe(
    'submissions per researcher in any one quota window, refused ones included',
  ),
  windowMs: intOption(1000, 30 * 86_400_000, 3_600_000).describe(
    'the sliding window, in ms, in which submissions are counted',
  ),
  maxPending: intOption(1, 1000, 1).describe('submissions per researcher being prepared at once'),
  maxStoredBytes: intOption(0, Number.MAX_SAFE_INTEGER, 2 ** 30).describe(
    "bytes of weights a researcher's jobs may store: 4 per parameter for each training round, the final evaluation and the global weights",
  ),
});

export type JobQuotas = z.output<typeof jobQuotasSchema>;
export type JobQuotasInput = z.input<typeof jobQuotasSchema>;

/** Validates quota options once; throws E_CONFIG_INVALID naming the field. */
export function parseJobQuotas(input: JobQuotasInput = {}, names?: Readonly<Record<string, string>>): JobQuotas {
  return parseOptions(jobQuotasSchema, 'quota', input, names);
}

/** One of an owner's jobs as stored (coordinator/store.ts ownerUsage): raw figures, for ownerUsage to count. */
export interface OwnedJob {
  /** As stored: a value no coordinator writes counts as unfinished (isEnded). */
  status: string;
  /** Bytes of its global weights. */
  weightBytes: number;
  /** Its spec's `rounds` as stored: anything, since the spec may not parse. */
  rounds: unknown;
  /** Bytes of weights its completed rounds store. */
  roundBytes: number;
}

/** What an owner's jobs hold against its quotas. */
export interface OwnerUsage {
  unfinishedJobs: number;
  storedBytes: number;
}

/** Bytes of weights a job stores once it completes: its global weights and one copy per round (the training rounds and the final evaluation). */
function completedBytes(weightBytes: number, rounds: number): number {
  return weightBytes * (rounds + 2);
}

/** What a job of `spec` will store once it completes, 4 bytes a parameter. */
export function jobStoredBytes(spec: Pick<JobSpec, 'model' | 'rounds'>): number {
  return completedBytes(4 * paramCount(spec.model), spec.rounds);
}

/**
 * Its unfinished jobs, and the bytes of weights its jobs store: an ended
 * job's as stored, an unfinished one's as it will be when it completes (or
 * as stored, if more). A job whose rounds do not read back counts its
 * weights once.
 */
export function ownerUsage(jobs: readonly OwnedJob[]): OwnerUsage {
  let unfinishedJobs = 0;
  let storedBytes = 0;
  for (const j of jobs) {
    const stored = j.weightBytes + j.roundBytes;
    if (isEnded(j.status)) {
      storedBytes += stored;
      continue;
    }
    unfinishedJobs++;
    const rounds = typeof j.rounds === 'number' && Number.isSafeInteger(j.rounds) && j.rounds >= 0 ? j.rounds : 0;
    storedBytes += Math.max(completedBytes(j.weightBytes, rounds), stored);
  }
  return { unfinishedJobs, storedBytes };
}

/** Why `owner`, whose jobs are `jobs`, may not add a job storing `addBytes` (0: only asking whether it may start another), or null. */
export function quotaProblem(owner: string, jobs: readonly OwnedJob[], quotas: JobQuotas, addBytes = 0): string | null {
  const usage = ownerUsage(jobs);
  if (usage.unfinishedJobs >= quotas.maxUnfinishedJobs) {
    return `${owner} has ${usage.unfinishedJobs} unfinished jobs, the most allowed (${quotas.maxUnfinishedJobs}): cancel one or wait for one to end`;
  }
  if (usage.storedBytes + addBytes > quotas.maxStoredBytes) {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    return `${owner}'s jobs would store ${mib(usage.storedBytes + addBytes)} of weights (this job ${mib(addBytes)}), over the quota of ${mib(quotas.maxStoredBytes)}`;
  }
  return null;
}

/**
 * Submissions per identity in a sliding window: the times of the last
 * `limit` of each, at most; so memory is bounded by limit × identities
 * (enrolled researchers only reach it). In memory only: a restarted
 * coordinator starts every window empty. Refused submissions, the costly
 * ones (each may use the worker's whole time limit), are stored nowhere, so
 * the database could rebuild only part of a window; a restart is the
 * operator's act, not a researcher's. The quotas read from the database
 * (unfinished jobs, stored bytes: OwnerUsage) hold across restarts.
 */
export class SubmissionWindow {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Why a submission by `who` at `now` would be refused (its window is full), or null; counts nothing. */
  refusal(who: string, now: number): string | null {
    const recent = (this.times.get(who) ?? []).filter((t) => now - t < this.windowMs);
    this.times.set(who, recent);
    if (recent.length < this.limit) return null;
    const wait = Math.ceil((recent[0]! + this.windowMs - now) / 1000);
    const window = this.windowMs >= 60_000 ? `${Math.round(this.windowMs / 60_000)} min` : `${this.windowMs / 1000} s`;
    return `${who} has submitted ${recent.length} jobs in the last ${window}, the most allowed: try again in ${wait} s`;
  }

  /** Counts one submission by `who` at `now`, or returns why not (counting nothing) if its window is full. */
  take(who: string, now: number): string | null {
    const full = this.refusal(who, now);
    if (full) return full;
    this.times.get(who)!.push(now);
    return null;
  }
}
