/** The real `cohort` command (node cohort.mjs), for the CLI tests. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { writeIdentityKey } from '../../edge/keys.ts';

/** Runs `cohort` with `args` and returns what it printed and its exit code, never throwing. */
export function cohort(...args: string[]): { out: string; err: string; code: number } {
  try {
    return {
      out: execFileSync('node', ['cohort.mjs', ...args], { encoding: 'utf8', stdio: 'pipe' }),
      err: '',
      code: 0,
    };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; status: number };
    return { out: x.stdout, err: x.stderr, code: x.status };
  }
}

/** A failure as cohort.ts reports a CohortError: exit 2, one line naming the code, no stack trace. */
export function expectFailure(r: { err: string; code: number }, code: string): void {
  expect(r.code).toBe(2);
  expect(r.err).toMatch(new RegExp(`^cohort: ${code}: `));
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
}

/**
 * `cohort client start` as hospital "alpha" with a fresh identity key in `dir`,
 * pointed at port 9 (discard) on loopback, where nothing listens: for
 * refusals that must come before any connection is tried.
 */
export function startWithoutCoordinator(
  dir: string,
  schema: string,
  data: string,
  ...extra: string[]
): ReturnType<typeof cohort> {
  const identity = join(dir, 'hospital.key');
  writeIdentityKey(identity);
  return cohort(
    'client',
    'start',
    '--coordinator',
    'ws://127.0.0.1:9',
    '--name',
    'alpha',
    '--identity',
    identity,
    '--schema',
    schema,
    '--data',
    data,
    ...extra,
  );
}
