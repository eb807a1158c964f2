/**
 * When the ledger endpoint's derived answers (the verification report, the
 * budget summary) go stale: SQLite's data_version, read on a read-only
 * connection kept open for it outside any transaction, moves with every
 * commit another connection makes, and with nothing else. What was computed
 * at one version stands while the version stays.
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';

export class DataVersion {
  private conn: Database.Database | null = null;

  constructor(private readonly db: string) {}

  /** The database's data_version now (opening the connection on first use). */
  now(): number {
    try {
      this.conn ??= new Database(this.db, { readonly: true, fileMustExist: true });
      return this.conn.pragma('data_version', { simple: true }) as number;
    } catch (err) {
      // A database missing or unreadable is the operator's to fix (503), not an internal error.
      throw new CohortError(
        'E_STORE',
        `cannot open coordinator database ${this.db} read-only: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  close(): void {
    this.conn?.close();
    this.conn = null;
  }
}
