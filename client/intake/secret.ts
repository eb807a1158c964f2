/**
 * The site secret that keys pseudonyms and date shifts (core/data/pseudonym.ts):
 * 32 random bytes in a file the hospital keeps, created with mode 0600 when
 * missing. It is read here and handed to the pipeline; it is never logged,
 * never sent, and a leaked copy only lets its holder link pseudonyms back to
 * join keys they already know.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { CohortError } from '../../core/errors.ts';
import { MIN_SECRET_BYTES } from '../../core/data/pseudonym.ts';
import { PRIVATE_FILE_MODE } from '../../edge/private-file.ts';
import { readCappedFile } from '../../edge/capped-file.ts';

/** Largest secret file read: secrets are MIN_SECRET_BYTES, kept generous for hand-made ones. */
export const MAX_SECRET_FILE_BYTES = 1024;

/** Reads the secret at `path`, creating a fresh one there first if there is no file. */
export function loadOrCreateSiteSecret(path: string): Uint8Array {
  if (!existsSync(path)) {
    const secret = randomBytes(MIN_SECRET_BYTES);
    // 'wx' (O_CREAT | O_EXCL): the mode applies to a file we created, and a racing writer's file is never overwritten.
    try {
      writeFileSync(path, secret, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    } catch (err) {
      // Another process created it first (EEXIST: read that one), or the directory is missing or not writable.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new CohortError(
          'E_INTAKE_SECRET',
          `site secret ${path}: cannot be created (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          { cause: err },
        );
      return loadOrCreateSiteSecret(path);
    }
    return new Uint8Array(secret);
  }
  const fail = (why: string) => new CohortError('E_INTAKE_SECRET', `site secret ${path}: ${why}`);
  const bytes = readCappedFile(path, {
    maxBytes: MAX_SECRET_FILE_BYTES,
    what: 'site secret',
    code: 'E_INTAKE_SECRET',
    private: true,
  });
  if (bytes.length < MIN_SECRET_BYTES) throw fail(`shorter than ${MIN_SECRET_BYTES} bytes`);
  return new Uint8Array(bytes);
}
