/**
 * The hospitals views' per-job figures, kept between requests: each job's
 * rounds tally and ledger tally (core/dashboard), brought up to date when the
 * job's version stamp (reader.ts JobStamp) moved by reading only what was
 * appended since. The page refetches its view after every commit, and every
 * commit of a training job would otherwise re-read every job ever run, and
 * all of the running one.
 *
 * Memory: one entry of each kind per stored job at most (jobs gone from the
 * table are dropped at the next request), each holding a count per hospital
 * that took part and the job's budget refusals: no rounds, no ledger entries.
 */
import {
  extendLedgerTally,
  ledgerTally,
  roundsTally,
  type LedgerTally,
  type RoundsTally,
} from '../../core/dashboard/index.ts';
import type { DashboardJob, DashboardReader } from './reader.ts';

/** A tally and how far it has read: the last round, or the last ledger seq, it includes. */
interface Kept<T> {
  through: number;
  tally: T;
}

export class JobTallies {
  private readonly rounds = new Map<string, Kept<RoundsTally>>();
  private readonly ledgers = new Map<string, Kept<LedgerTally>>();

  constructor(private readonly reader: DashboardReader) {}

  /** The job's rounds tally: rounds are appended in order, never changed, so only those after the kept tally are read. */
  roundsOf(job: DashboardJob): RoundsTally {
    const kept = upTo(this.rounds.get(job.id), job.stamp.round);
    if (kept?.through === job.stamp.round) return kept.tally;
    const after = kept?.through ?? 0;
    const rows = this.reader.rounds(job.id, after);
    const tally = roundsTally(rows, kept?.tally);
    this.rounds.set(job.id, { through: rows.at(-1)?.round ?? after, tally });
    return tally;
  }

  /**
   * The job's ledger tally: entries are appended, never changed, so only those
   * after the kept tally are read, unless one of them cannot be added on
   * (core/dashboard/hospital.ts extendLedgerTally): then the whole ledger is.
   */
  ledgerOf(job: DashboardJob): LedgerTally {
    const kept = upTo(this.ledgers.get(job.id), job.stamp.seq);
    if (kept?.through === job.stamp.seq) return kept.tally;
    const read = this.reader.ledgerOfJob(job.id, kept?.through ?? 0);
    let tally = kept ? extendLedgerTally(kept.tally, job.spec, read.entries) : ledgerTally(job.spec, read.entries);
    let through = read.lastSeq;
    if (!tally) {
      const all = this.reader.ledgerOfJob(job.id);
      [tally, through] = [ledgerTally(job.spec, all.entries), all.lastSeq];
    }
    this.ledgers.set(job.id, { through, tally });
    return tally;
  }

  /** Drops the tallies of jobs no longer stored (`jobs`: every stored job, not only those a viewer may see). */
  retain(jobs: readonly { id: string }[]): void {
    const ids = new Set(jobs.map((j) => j.id));
    for (const m of [this.rounds, this.ledgers]) for (const id of m.keys()) if (!ids.has(id)) m.delete(id);
  }
}

/** A kept tally to add on to, or none to start over: a stamp below what was read means rows went away. */
function upTo<T>(kept: Kept<T> | undefined, stamp: number): Kept<T> | undefined {
  return kept && kept.through <= stamp ? kept : undefined;
}
