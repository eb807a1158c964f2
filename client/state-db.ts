/**
 * The hospital's state database (better-sqlite3): privacy budget and its copy
 * of the ledger live in one file, each part creating its own tables. WAL with
 * synchronous=FULL: a round charged or an entry receipted survives power loss.
 * A new file is created 0600 (edge/private-file.ts).
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { createPrivateFile } from '../edge/private-file.ts';

export function openStateDb(path: string, schema: string, what: string): Database.Database {
  try {
    createPrivateFile(path);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(schema);
    return db;
  } catch (err) {
    throw new CohortError('E_STORE', `cannot open the ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}
