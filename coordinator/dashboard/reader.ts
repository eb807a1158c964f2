/**
 * The dashboard's read-only connection to the coordinator's database. It
 * selects metadata columns only: the weights and server-state columns are
 * never read, so no view built from these rows can carry a model.
 */
import Database from 'better-sqlite3';
import { CohortError } from '../../core/errors.ts';
import type { LedgerEntry, Receipt, SealedEntry } from '../../core/ledger/types.ts';
import type { JobRecord } from '../../core/dashboard/index.ts';
import {
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

export class DashboardReader {
  private readonly db: Database.Database;

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
   * participants list reads as empty.
   */
  jobs(): JobRecord[] {
    const rows = this.db
      .prepare(
        `SELECT ${LISTING_COLUMNS},
        (SELECT participants FROM rounds r WHERE r.job_id = jobs.id ORDER BY round DESC LIMIT 1) AS last_participants
      FROM jobs ORDER BY created_at, id`,
      )
      .all() as (ListingRow & { last_participants: unknown })[];
    const out: JobRecord[] = [];
    for (const r of rows) {
      const { spec, specProblem: _, attempts: __, ...j } = toListing(r);
      if (spec) out.push({ ...j, spec, lastParticipants: readNames(r.last_participants) });
    }
    return out;
  }

  rounds(jobId: string): StoredRound[] {
    return (
      this.db
        .prepare(`SELECT ${ROUND_COLUMNS} FROM rounds WHERE job_id = ? ORDER BY round`)
        .all(jobId) as StoredRoundRow[]
    ).map(toRound);
  }

  /** The job's ledger entries that still parse (a tampered row that does not is the ledger view's to flag, not the chart's). */
  ledgerOfJob(jobId: string): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const { canonical } of this.db
      .prepare(`SELECT canonical FROM ledger WHERE job_id = ? ORDER BY seq`)
      .all(jobId) as { canonical: string }[]) {
      try {
        out.push(JSON.parse(canonical) as LedgerEntry);
      } catch {
        // skipped: unreadable
      }
    }
    return out;
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
