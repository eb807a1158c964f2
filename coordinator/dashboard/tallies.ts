/**
 * The dashboard's per-job figures, kept between requests: each job's rounds
 * tally and ledger tally (the hospitals views, the job page's ε spent), and
 * the series a job's page draws (core/dashboard/job-series.ts), brought up to
 * date when the job's version stamp (reader.ts JobStamp) moved by reading
 * only what was appended since. The pages refetch their view after every
 * commit, and every commit of a training job would otherwise re-read every
 * job ever run, and all of the running one.
 *
 * Memory: one tally of each kind per stored job at most (jobs gone from the
 * table are dropped at the next request), each holding a count per hospital
 * that took part and the job's budget refusals: no rounds, no ledger entries;
 * and the series of the MAX_SERIES_JOBS jobs whose pages were read last, each
 * at most MAX_CHART_POINTS rounds and round entries and MAX_DROPOUT_ROWS rows.
 */
import {
  addLedgerEntries,
  addRounds,
  emptyJobSeries,
  extendLedgerTally,
  ledgerTally,
  roundsTally,
  type JobSeries,
  type LedgerTally,
  type RoundsTally,
} from '../../core/dashboard/index.ts';
import type { LedgerEntry } from '../../core/ledger/types.ts';
import type { DashboardJob, DashboardReader } from './reader.ts';

/** Job pages whose series are kept, the most recently read; another job's page reads its job whole once. */
export const MAX_SERIES_JOBS = 32;

/** A tally and how far it has read: the last round, or the last ledger seq, it includes. */
interface Kept<T> {
  through: number;
  tally: T;
}

/** A job's series and how far they have read: its last round, and its last ledger seq. */
interface KeptSeries {
  round: number;
  seq: number;
  series: JobSeries;
}

export class JobTallies {
  private readonly rounds = new Map<string, Kept<RoundsTally>>();
  private readonly ledgers = new Map<string, Kept<LedgerTally>>();
  /** In the order last read: the first is the next to go. */
  private readonly series = new Map<string, KeptSeries>();

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
    let tally = kept ? extendLedgerTally(kept.tally, read.entries) : ledgerTally(read.entries);
    let through = read.lastSeq;
    if (!tally) {
      const all = this.reader.ledgerOfJob(job.id);
      [tally, through] = [ledgerTally(all.entries), all.lastSeq];
    }
    this.ledgers.set(job.id, { through, tally });
    return tally;
  }

  /**
   * The series of the job's page: its rounds and its ledger entries after
   * those kept are read and added on, and the whole ledger read again only
   * when an entry cannot be added on (addLedgerEntries, as ledgerOf).
   */
  seriesOf(job: DashboardJob): JobSeries {
    let kept = this.series.get(job.id);
    this.series.delete(job.id);
    if (kept && (kept.round > job.stamp.round || kept.seq > job.stamp.seq)) kept = undefined; // rows went away
    let { round, seq, series } = kept ?? { round: 0, seq: 0, series: emptyJobSeries() };
    if (round !== job.stamp.round) {
      const rows = this.reader.rounds(job.id, round);
      [series, round] = [addRounds(series, rows), rows.at(-1)?.round ?? round];
    }
    if (seq !== job.stamp.seq) {
      const read = this.reader.ledgerOfJob(job.id, seq);
      this.shareLedgerRead(job.id, seq, read);
      const added = addLedgerEntries(series, read.entries);
      if (added) [series, seq] = [added, read.lastSeq];
      else {
        const all = this.reader.ledgerOfJob(job.id);
        [series, seq] = [addLedgerEntries({ ...series, epsilon: emptyJobSeries().epsilon }, all.entries)!, all.lastSeq];
      }
    }
    this.series.set(job.id, { round, seq, series });
    for (const id of this.series.keys()) if (this.series.size > MAX_SERIES_JOBS) this.series.delete(id);
    return series;
  }

  /**
   * The job page reads the entries after the series' last seq; the job's
   * ledger tally, when it has read to the same seq (or nothing yet, and the
   * read is the whole ledger), is brought up to date from that one read
   * rather than reading them again (ledgerOf then finds it current).
   */
  private shareLedgerRead(id: string, after: number, read: { entries: LedgerEntry[]; lastSeq: number }): void {
    const kept = this.ledgers.get(id);
    const from = kept ? (kept.through === after ? kept.tally : null) : after === 0 ? ledgerTally([]) : null;
    const tally = from && extendLedgerTally(from, read.entries);
    if (tally) this.ledgers.set(id, { through: read.lastSeq, tally });
  }

  /** Drops the tallies of jobs no longer stored (`jobs`: every stored job, not only those a viewer may see). */
  retain(jobs: readonly { id: string }[]): void {
    const ids = new Set(jobs.map((j) => j.id));
    for (const m of [this.rounds, this.ledgers, this.series]) for (const id of m.keys()) if (!ids.has(id)) m.delete(id);
  }
}

/** A kept tally to add on to, or none to start over: a stamp below what was read means rows went away. */
function upTo<T>(kept: Kept<T> | undefined, stamp: number): Kept<T> | undefined {
  return kept && kept.through <= stamp ? kept : undefined;
}
