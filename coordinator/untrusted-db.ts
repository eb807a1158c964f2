/**
 * Opening, for an audit, a database another party handed over: the
 * operator's coordinator database, a hospital's state database. Its schema
 * is the other party's to write, and SQLite runs whatever a schema says when
 * a name is read: a `ledger` that is a view can be a recursive query that
 * never ends (or repeats a few rows a billion times), a generated column can
 * compute a gigabyte per row, a virtual table runs its module. So the names
 * the ledger's readers select from must be plain tables with stored columns,
 * and a read then costs what the file holds. The path must be a regular
 * file: SQLite's open of a FIFO blocks until a writer comes, forever.
 * Refusals are E_STORE naming the file.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';

/** Every name the ledger's readers select from, in a coordinator database or in a hospital's state database. */
const READ_TABLES = [
  'ledger',
  'ledger_receipts',
  'meta',
  'ledger_checkpoints',
  'ledger_cosignatures',
  'ledger_meta',
  'ledger_entries',
  'spends',
  'budgets',
] as const;

/** The database must be a regular file: SQLite's open of a FIFO waits for a writer, and a device never ends. */
function refuseOddFile(path: string, what: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw new CohortError('E_STORE', `cannot open ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (st && !st.isFile()) throw new CohortError('E_STORE', `${what} ${path} is not a regular file`);
}

/** Why `name` does not hold stored rows (a view, a virtual table, a column computed when read), or null. */
function computedWhenRead(db: Database.Database, name: (typeof READ_TABLES)[number], type: string): string | null {
  if (type !== 'table') return `its ${name} is a ${type}, not a table`;
  const columns = db.pragma(`table_xinfo(${name})`) as { name: string; hidden: number }[];
  const generated = columns.find((c) => c.hidden !== 0);
  return generated ? `its ${name} has a generated column (${generated.name})` : null;
}

/** Refuses a database in which a name the readers select from is computed when read. */
function refuseComputedTables(db: Database.Database, path: string, what: string): void {
  const listed = db.pragma('table_list') as { schema: string; name: string; type: string }[];
  for (const t of listed) {
    const name = READ_TABLES.find((r) => r === t.name.toLowerCase());
    if (t.schema !== 'main' || name === undefined) continue;
    const why = computedWhenRead(db, name, t.type);
    if (why) throw new CohortError('E_STORE', `${what} ${path} is refused: ${why}, computed when read`);
  }
}

/** A database another party handed over, opened read-only and refused (E_STORE) unless reading it costs what it holds. */
export function openUntrusted(path: string, what: string): Database.Database {
  refuseOddFile(path, what);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CohortError('E_STORE', `cannot open ${what} ${path} read-only: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    // Defence in depth: functions with side effects may not run from the schema.
    db.pragma('trusted_schema = OFF');
    refuseComputedTables(db, path, what);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof CohortError) throw err;
    throw new CohortError('E_STORE', `${path} is not a readable ${what}: ${(err as Error).message}`, { cause: err });
  }
}
