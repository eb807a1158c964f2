/**
 * The hospital's state database (better-sqlite3): privacy budget, its copy
 * of the ledger, its kept round outputs and its attempt log live in one file,
 * each part creating its own tables. WAL with
 * synchronous=FULL: a round charged, an entry kept or a checkpoint cosigned
 * survives power loss.
 * A new file is created 0600 (edge/private-file.ts).
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { createPrivateFile } from '../edge/private-file.ts';

export function openStateDb(path: string, schema: string, what: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    createPrivateFile(path);
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(schema);
    return db;
  } catch (err) {
    // A file SQLite opened but cannot use (not a database, read-only) is closed, not left open behind the error.
    db?.close();
    throw new CohortError('E_STORE', `cannot open the ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * One part of the state database (the budget, the ledger copy, the round
 * outputs): its own connection, and the clock its rows are stamped with.
 */
export class StatePart {
  constructor(
    protected readonly db: Database.Database,
    protected readonly now: () => number,
  ) {}

  /**
   * A part made on this one's connection, in the same file, and closed with
   * it: the daemon is handed the budget, ledger copy and outputs, and keeps
   * its attempt log beside them (client/attempt-log-store.ts).
   */
  beside<P>(make: (db: Database.Database, now: () => number) => P): P {
    return make(this.db, this.now);
  }

  close(): void {
    this.db.close();
  }
}

/** The DDL of a part's key/value table (its settings fixed at first use; see pinnedValue). */
export function keyValueTable(table: 'meta' | 'ledger_meta'): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL);`;
}

/**
 * The value under `key` in a part's key/value table, stored as `value` if
 * there is none yet: a setting fixed at first use (a schema version, a
 * pinned key), which the caller then compares with its own. A database that
 * cannot be read or written here (busy, full, damaged) is E_STORE.
 */
export function pinnedValue(db: Database.Database, table: 'meta' | 'ledger_meta', key: string, value: string): string {
  try {
    const row = db.prepare(`SELECT value FROM ${table} WHERE key = ?`).get(key) as { value: string } | undefined;
    if (row) return row.value;
    db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?)`).run(key, value);
    return value;
  } catch (err) {
    throw new CohortError('E_STORE', `cannot read or pin ${key} in ${db.name}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
