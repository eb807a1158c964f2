/**
 * `cohort coordinator backup|restore`: an online copy of the coordinator's
 * database, safe while the coordinator runs, and its restore.
 *
 * The copy is SQLite's online backup (better-sqlite3 `backup()`), taken in
 * one step, so it is the database as of one read transaction: in WAL mode a
 * reader holds no lock the coordinator's writers wait for. A copy is kept only
 * once it passes `PRAGMA integrity_check` and the ledger's full verification
 * (ledger-audit.ts, what `cohort ledger verify` runs); it is written beside
 * its destination and renamed into place, 0600 like the database, as one
 * self-contained file (a rollback journal, not WAL). A restore
 * verifies the backup the same way, refuses a database some process holds
 * open (SQLite's own lock, not a pid file) and an existing file unless forced,
 * and removes the old database's -wal and -shm, which would otherwise be
 * replayed onto the restored pages.
 *
 * The ledger key (`<db>.ledger.key`) is not in the database: back it up
 * apart, as a secret; a restored database opens only under its own key.
 */
import { copyFileSync, existsSync, fsyncSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { createPrivateFile } from '../edge/private-file.ts';
import { verifyFiles } from './ledger-audit.ts';

/** What a verified copy holds. */
export interface BackupCheck {
  /** Ledger entries verified. */
  entries: number;
  headSeq: number;
}

/**
 * Turns the copy at `path` from WAL to a rollback journal: one self-contained
 * file, which read-only opens (the checks here, an auditor's) leave without
 * -wal and -shm beside it. The coordinator turns WAL back on when it opens it.
 */
function selfContained(path: string, shownAs = path): void {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('journal_mode = DELETE');
  } catch (err) {
    throw new CohortError('E_BACKUP_INVALID', `${shownAs} is not a readable database: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    db?.close();
  }
}

/** The integrity check and the ledger's full verification of the database at `path`; E_BACKUP_INVALID otherwise. */
export function checkCopy(path: string, shownAs = path): BackupCheck {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  let integrity: string;
  try {
    integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
  } finally {
    db.close();
  }
  if (integrity !== 'ok')
    throw new CohortError('E_BACKUP_INVALID', `${shownAs} fails its integrity check: ${integrity}`);
  const report = verifyFiles({ db: path });
  const first = report.failures[0];
  if (!report.ok)
    throw new CohortError(
      'E_BACKUP_INVALID',
      `${shownAs}: the ledger fails verification at entry ${first?.seq ?? '-'}: ${first?.code}: ${first?.message}`,
    );
  return { entries: report.entries, headSeq: report.head?.seq ?? 0 };
}

/** True when another connection holds `path` open: an exclusive lock is refused at once. */
function databaseInUse(path: string): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw new CohortError('E_STORE', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    db?.close();
  }
}

/** A failure as one typed line: SQLite's and the file system's refusals (not a database, a directory, no folder) are the operator's to read. */
function asStoreError(err: unknown, what: string): CohortError {
  return err instanceof CohortError
    ? err
    : new CohortError('E_STORE', `${what}: ${(err as Error).message}`, { cause: err });
}

function refuseExisting(path: string, force: boolean, what: string): void {
  if (existsSync(path) && !force)
    throw new CohortError('E_CONFIG_INVALID', `${what} ${path} exists: pass --force to replace it`);
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies the database at `dbPath` to `out` while it may be in use, verifies the copy, then renames it into place. */
export async function backupDatabase(dbPath: string, out: string, force = false): Promise<BackupCheck> {
  if (!existsSync(dbPath)) throw new CohortError('E_STORE', `no database at ${dbPath}`);
  refuseExisting(out, force, 'the backup file');
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  let src: Database.Database | undefined;
  try {
    createPrivateFile(partial);
    src = new Database(dbPath, { readonly: true, fileMustExist: true });
    // Every page in one step: one read snapshot, never restarted by the coordinator's writes.
    await src.backup(partial, { progress: ({ remainingPages }) => Math.max(remainingPages, 1) });
    selfContained(partial);
    const check = checkCopy(partial);
    fsyncFile(partial);
    renameSync(partial, out);
    return check;
  } catch (err) {
    rmSync(partial, { force: true });
    throw asStoreError(err, `cannot back up ${dbPath} to ${out}`);
  } finally {
    src?.close();
  }
}

/** Replaces the database at `dbPath` with the verified backup `from`; refuses one in use, and an existing one unless `force`. */
export function restoreDatabase(from: string, dbPath: string, force = false): BackupCheck {
  if (!existsSync(from)) throw new CohortError('E_CONFIG_INVALID', `no backup at ${from}`);
  if (existsSync(dbPath) && databaseInUse(dbPath))
    throw new CohortError('E_DB_IN_USE', `${dbPath} is open in a running process: stop the coordinator first`);
  refuseExisting(dbPath, force, 'the database');
  const incoming = `${dbPath}.restoring`;
  rmSync(incoming, { force: true });
  try {
    createPrivateFile(incoming);
    copyFileSync(from, incoming);
    selfContained(incoming, from);
    const check = checkCopy(incoming, from);
    fsyncFile(incoming);
    for (const side of ['-wal', '-shm']) rmSync(`${dbPath}${side}`, { force: true });
    renameSync(incoming, dbPath);
    return check;
  } catch (err) {
    rmSync(incoming, { force: true });
    throw asStoreError(err, `cannot restore ${from} to ${dbPath}`);
  }
}
