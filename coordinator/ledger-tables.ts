/**
 * The privacy ledger's tables in the coordinator database: the sealed
 * entries, hospitals' receipts, and the key the ledger is bound to. Every
 * other table the coordinator writes appends its ledger entry in the same
 * transaction as its own change, so the stores of those tables extend this
 * class (coordinator/member-tables.ts, coordinator/store.ts).
 */
import type Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { GENESIS_HASH, type Receipt, type SealedEntry } from '../core/ledger/types.ts';

/** Builds the next entry once its position is known (inside the transaction that appends it). */
export type EntryBuilder = (seq: number, prevHash: string) => SealedEntry;

export class LedgerTables {
  constructor(protected readonly db: Database.Database) {}

  /**
   * The key the ledger is signed with, fixed at the first entry: a database
   * whose ledger was signed by another key is refused rather than continued
   * under a second signer.
   */
  bindLedgerKey(publicKeyHex: string): void {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).get() as
      { value: string } | undefined;
    if (!row) this.db.prepare(`INSERT INTO meta (key, value) VALUES ('ledger_key', ?)`).run(publicKeyHex);
    else if (row.value !== publicKeyHex)
      throw new CohortError(
        'E_STORE',
        `this database's ledger is signed by key ${row.value.slice(0, 16)}…, not by the key given (${publicKeyHex.slice(0, 16)}…)`,
      );
  }

  ledgerKey(): string | null {
    return (
      (this.db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).get() as { value: string } | undefined)
        ?.value ?? null
    );
  }

  /** Appends one entry; inside a caller's transaction it commits (or not) with it. */
  appendEntry(build: EntryBuilder): SealedEntry {
    return this.db.transaction(() => {
      const last = this.db.prepare(`SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1`).get() as
        { seq: number; hash: string } | undefined;
      const sealed = build((last?.seq ?? 0) + 1, last?.hash ?? GENESIS_HASH);
      const jobId = (JSON.parse(sealed.canonical) as { jobId: string }).jobId;
      this.db
        .prepare(`INSERT INTO ledger (seq, canonical, hash, signature, job_id) VALUES (?, ?, ?, ?, ?)`)
        .run(sealed.seq, sealed.canonical, sealed.hash, sealed.signature, jobId);
      return sealed;
    })();
  }

  ledgerEntries(): SealedEntry[] {
    return this.db.prepare(`SELECT seq, canonical, hash, signature FROM ledger ORDER BY rowid`).all() as SealedEntry[];
  }

  ledgerEntry(seq: number): SealedEntry | undefined {
    return this.db.prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE seq = ?`).get(seq) as
      SealedEntry | undefined;
  }

  /** Round entries of one job, oldest first (for the spend each hospital has accumulated). */
  ledgerEntriesOfJob(jobId: string): SealedEntry[] {
    return this.db
      .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? ORDER BY seq`)
      .all(jobId) as SealedEntry[];
  }

  /** Entries after `afterSeq` (of one job, if given), oldest first, at most `limit`. */
  ledgerEntriesAfter(afterSeq: number, jobId: string, limit: number): SealedEntry[] {
    return (
      jobId
        ? this.db
            .prepare(
              `SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
            )
            .all(jobId, afterSeq, limit)
        : this.db
            .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE seq > ? ORDER BY seq LIMIT ?`)
            .all(afterSeq, limit)
    ) as SealedEntry[];
  }

  /**
   * What a hospital's own ledger is drawn from without reading the rest into
   * memory: the entries whose text holds `needle` (its quoted name; SQLite
   * scans, only matches come back), then the created/ended entries of `jobs`.
   */
  ledgerEntriesContaining(needle: string, jobId: string): SealedEntry[] {
    return (
      jobId
        ? this.db
            .prepare(
              `SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? AND instr(canonical, ?) > 0 ORDER BY seq`,
            )
            .all(jobId, needle)
        : this.db
            .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE instr(canonical, ?) > 0 ORDER BY seq`)
            .all(needle)
    ) as SealedEntry[];
  }

  jobBoundaryEntries(jobs: readonly string[]): SealedEntry[] {
    const q = this.db.prepare(
      `SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? AND json_extract(canonical, '$.kind') IN ('job-created', 'job-ended') ORDER BY seq`,
    );
    return jobs.flatMap((j) => q.all(j) as SealedEntry[]);
  }

  lastLedgerSeq(): number {
    return (this.db.prepare(`SELECT MAX(seq) AS seq FROM ledger`).get() as { seq: number | null }).seq ?? 0;
  }

  /** Receipts of entries `from`..`to` (inclusive). */
  receiptsBetween(from: number, to: number): Receipt[] {
    return this.db
      .prepare(`SELECT seq, hospital, signature FROM ledger_receipts WHERE seq BETWEEN ? AND ? ORDER BY seq, hospital`)
      .all(from, to) as Receipt[];
  }

  addReceipt(r: Receipt, now: number): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO ledger_receipts (seq, hospital, signature, received_at) VALUES (?, ?, ?, ?)`)
      .run(r.seq, r.hospital, r.signature, now);
  }

  receipts(): Receipt[] {
    return this.db
      .prepare(`SELECT seq, hospital, signature FROM ledger_receipts ORDER BY seq, hospital`)
      .all() as Receipt[];
  }
}
