/**
 * The dashboard's read-only connection to the coordinator's database. It
 * selects metadata columns only: the weights and server-state columns are
 * never read, so no view built from these rows can carry a model.
 */
import Database from 'better-sqlite3';
import { CohortError } from '../../core/errors.ts';
import type { LedgerEntry, Receipt, SealedEntry } from '../../core/ledger/types.ts';
import type { JobRecord } from '../../core/dashboard/index.ts';
import type { JobSpec } from '../../core/job/spec.ts';
import {
  int,
  LISTING_COLUMNS,
  readNames,
  toListing,
  toRound,
  type ListingRow,
  type RoundRow as StoredRoundRow,
  type StoredRound,
} from '../job-rows.ts';
import type { Enrolled } from '../member-tables.ts';

const ROUND_COLUMNS =
  'job_id, round, kind, participants, dropped, evaluations, pooled, train_loss, completed_at, phase_counts';

/**
 * A job's version for the dashboard's per-job caches (tallies.ts): its last
 * round and the seq of its last ledger entry, 0 when none. Both only grow:
 * rounds and ledger entries are appended, never changed (coordinator/store.ts,
 * coordinator/ledger-tables.ts), so an unchanged stamp means unchanged rows.
 */
export interface JobStamp {
  round: number;
  seq: number;
}

export interface DashboardJob extends JobRecord {
  stamp: JobStamp;
}

export class DashboardReader {
  private readonly db: Database.Database;
  /** Parsed specs by job id, with the text they were parsed from: one per stored job (gone jobs are dropped). */
  private readonly specs = new Map<string, { text: string; spec: JobSpec | null }>();
  /** The last jobs() and the data version it was read at. */
  private listed: { version: number; jobs: readonly DashboardJob[] } | null = null;

  constructor(path: string) {
    try {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new CohortError('E_STORE', `cannot open ${path} read-only for the dashboard: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  close(): void {
    this.db.close();
  }

  /** Changes whenever another connection (the coordinator, the admin CLI) commits. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Every job the views can draw, whatever the rows hold (coordinator/job-rows.ts):
   * a row whose spec does not parse has nothing to draw and is left out
   * (`cohort job list` still lists it, with its status); an unreadable
   * participants list reads as empty. Each comes with its version stamp
   * (JobStamp), read through the indexes of rounds and ledger. Read again
   * only after a commit (dataVersion), so the pages that refetch after one
   * commit share one read; callers must not change what it returns.
   */
  jobs(): readonly DashboardJob[] {
    const version = this.dataVersion();
    if (this.listed?.version !== version) this.listed = { version, jobs: this.readJobs() };
    return this.listed.jobs;
  }

  private readJobs(): DashboardJob[] {
    const rows = this.db
      .prepare(
        `SELECT ${LISTING_COLUMNS},
        (SELECT participants FROM rounds r WHERE r.job_id = jobs.id ORDER BY round DESC LIMIT 1) AS last_participants,
        (SELECT MAX(round) FROM rounds r WHERE r.job_id = jobs.id) AS last_round,
        (SELECT MAX(seq) FROM ledger l WHERE l.job_id = jobs.id) AS last_seq
      FROM jobs ORDER BY created_at, id`,
      )
      .all() as (ListingRow & { last_participants: unknown; last_round: unknown; last_seq: unknown })[];
    const out: DashboardJob[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      // Everything but the spec, which specOf parses once per stored text.
      const { spec: _, specProblem: __, attempts: ___, ...j } = toListing({ ...r, spec: null });
      seen.add(j.id);
      const spec = this.specOf(j.id, r);
      const stamp = { round: int(r.last_round, 0), seq: int(r.last_seq, 0) };
      if (spec) out.push({ ...j, spec, lastParticipants: readNames(r.last_participants), stamp });
    }
    for (const id of this.specs.keys()) if (!seen.has(id)) this.specs.delete(id);
    return out;
  }

  /**
   * The row's spec, parsed (zod) only when this id's stored text is new: a
   * spec is written once, when the job is created (coordinator/store.ts), so
   * on a live database each is parsed once; the text is compared anyway, so
   * a row edited by hand is parsed again rather than shown stale.
   */
  private specOf(id: string, row: ListingRow): JobSpec | null {
    const known = this.specs.get(id);
    if (known && known.text === row.spec) return known.spec;
    const { spec } = toListing(row);
    if (typeof row.spec === 'string') this.specs.set(id, { text: row.spec, spec });
    return spec;
  }

  /** The job's rounds after round `after` (all by default), in order. */
  rounds(jobId: string, after = 0): StoredRound[] {
    return (
      this.db
        .prepare(`SELECT ${ROUND_COLUMNS} FROM rounds WHERE job_id = ? AND round > ? ORDER BY round`)
        .all(jobId, after) as StoredRoundRow[]
    ).map(toRound);
  }

  /**
   * The job's ledger entries after seq `afterSeq` (all by default) that still
   * parse (a tampered row that does not is the ledger view's to flag, not the
   * chart's), and the seq of the last row read, parsed or not (`afterSeq` if none).
   */
  ledgerOfJob(jobId: string, afterSeq = 0): { entries: LedgerEntry[]; lastSeq: number } {
    const entries: LedgerEntry[] = [];
    let lastSeq = afterSeq;
    for (const { seq, canonical } of this.db
      .prepare(`SELECT seq, canonical FROM ledger WHERE job_id = ? AND seq > ? ORDER BY seq`)
      .all(jobId, afterSeq) as { seq: number; canonical: string }[]) {
      lastSeq = seq;
      try {
        entries.push(JSON.parse(canonical) as LedgerEntry);
      } catch {
        // skipped: unreadable
      }
    }
    return { entries, lastSeq };
  }

  /**
   * The last `limit` ledger rows in storage order and the receipts of their
   * entries: what the ledger view lists, read in bounded time whatever the
   * ledger's length (verification reads the whole ledger in its own thread).
   */
  ledgerTail(limit: number): { entries: SealedEntry[]; receipts: Receipt[]; truncated: boolean } {
    const latest = this.db
      .prepare(`SELECT seq, canonical, hash, signature FROM ledger ORDER BY rowid DESC LIMIT ?`)
      .all(limit + 1) as SealedEntry[];
    const entries = latest.slice(0, limit).reverse();
    const first = entries[0];
    const receipts = first
      ? (this.db
          .prepare(`SELECT seq, hospital, signature FROM ledger_receipts WHERE seq >= ? ORDER BY seq, hospital`)
          .all(first.seq) as Receipt[])
      : [];
    return { entries, receipts, truncated: latest.length > limit };
  }

  identity(name: string): Pick<Enrolled, 'role' | 'revokedAt'> | null {
    const r = this.db.prepare(`SELECT role, revoked_at FROM identities WHERE name = ?`).get(name) as
      { role: Enrolled['role']; revoked_at: number | null } | undefined;
    return r ? { role: r.role, revokedAt: r.revoked_at } : null;
  }

  /** Enrolled, unrevoked hospitals. */
  hospitals(): string[] {
    return (
      this.db
        .prepare(`SELECT name FROM identities WHERE role = 'hospital' AND revoked_at IS NULL ORDER BY name`)
        .all() as { name: string }[]
    ).map((r) => r.name);
  }
}
