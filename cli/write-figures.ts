/** `--json <path>` of every simulation: its figures as JSON, non-finite numbers as null. */
import { writeFileSync } from 'node:fs';
import { CohortError } from '../core/errors.ts';

/** With --json: the figures as JSON at `path`; an unwritable path is E_CONFIG_INVALID, not a stack trace. */
export function writeFigures(path: string | undefined, figures: unknown): void {
  if (!path) return;
  try {
    writeFileSync(path, `${JSON.stringify(figures, nanSafe, 2)}\n`);
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `--json ${path}: cannot be written (${errnoOf(err)})`, { cause: err });
  }
}

export const errnoOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';

function nanSafe(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
