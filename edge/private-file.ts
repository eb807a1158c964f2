/**
 * Files only their owner may read: databases that hold model weights, round
 * outputs, budgets and ledgers. SQLite creates a database with mode 0644 less
 * the umask, and its -wal and -shm files with the database's own mode
 * (os_unix.c findCreateFileMode, then fchmod to exactly that mode), so
 * creating the database file 0600 first makes all three 0600 whatever the
 * umask. An existing file keeps its mode: tighten it with chmod 600.
 */
import { closeSync, constants, fchmodSync, openSync } from 'node:fs';

/** Mode of every file cohort creates that only its owner may read: databases, identity keys (edge/keys.ts), site secrets (client/intake/secret.ts); ssh's rule for private keys. */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `path` empty with mode 0600 unless it exists (or is SQLite's ':memory:'). */
export function createPrivateFile(path: string): void {
  if (path === ':memory:' || path === '') return;
  let fd: number;
  try {
    // O_EXCL: the mode is set only on a file this call created, never on someone else's.
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    // open's mode is cut by the umask; set it exactly.
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}
