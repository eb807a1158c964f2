/**
 * Roster files on disk (core/roster/ is pure): read bounded and parsed, and
 * written atomically. The `cohort roster` commands, the daemon and the
 * coordinator read them here.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CohortError } from '../core/errors.ts';
import { MAX_ROSTER_FILE_BYTES, parseRosterChain, type RosterChain } from '../core/roster/index.ts';
import { fileText, readCappedFile } from './capped-file.ts';

/**
 * A roster file, read bounded (MAX_ROSTER_FILE_BYTES) and parsed. Throws
 * E_CONFIG_INVALID naming the file if it cannot be read, is too large or is
 * not JSON, and E_ROSTER_INVALID (naming it) if it is not a roster chain.
 */
export function readRosterFile(path: string): RosterChain {
  const text = fileText(
    readCappedFile(path, { maxBytes: MAX_ROSTER_FILE_BYTES, what: 'roster file', code: 'E_CONFIG_INVALID' }),
  );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `roster file ${path} is not JSON: ${(err as Error).message}`);
  }
  try {
    return parseRosterChain(json);
  } catch (err) {
    if (err instanceof CohortError) throw new CohortError(err.code, `${path}: ${err.message}`);
    throw err;
  }
}

/**
 * Writes `chain` as pretty JSON with a trailing newline. 'create' refuses an
 * existing file; 'replace' writes a temporary file beside `path`, syncs it
 * and renames it over `path`, so a reader sees the old roster or the new one,
 * never half of one.
 */
export function writeRosterFile(path: string, chain: RosterChain, mode: 'create' | 'replace'): void {
  const text = `${JSON.stringify(chain, null, 2)}\n`;
  const target = mode === 'create' ? path : `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(target, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (mode === 'replace') renameSync(target, path);
  } catch (err) {
    if (mode === 'replace') rmSync(target, { force: true });
    const exists = (err as NodeJS.ErrnoException).code === 'EEXIST' && mode === 'create';
    throw new CohortError(
      'E_CONFIG_INVALID',
      exists ? `refusing to overwrite ${path}` : `cannot write the roster file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** What the operator is about to sign: enough to compare every key with its hospital out of band. */
