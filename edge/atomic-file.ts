/** Files written whole or not at all: a reader (a probe, an auditor's next run) never sees half of one. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { CohortError } from '../core/errors.ts';

/**
 * Writes `text` beside `path` and renames it into place. A missing folder or
 * a read-only disk is the user's to mend: a typed E_CONFIG_INVALID naming the
 * path and the reason, and no temporary file left behind.
 */
export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CohortError('E_CONFIG_INVALID', `cannot write ${path} (${why})`, { cause: err });
  }
}
