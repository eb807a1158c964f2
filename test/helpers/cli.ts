/** The real `cohort` command (node cohort.mjs), for the CLI tests. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
 * The arguments of `cohort client start` as hospital "alpha", with a fresh
 * identity key written in `dir`, against the coordinator at `url`.
 */
export function clientStartArgs(dir: string, url: string, schema: string, data: string, ...extra: string[]): string[] {
  const identity = join(dir, 'hospital.key');
  writeIdentityKey(identity);
  return [
    'client',
    'start',
    '--coordinator',
    url,
    '--name',
    'alpha',
    '--identity',
    identity,
    '--schema',
    schema,
    '--data',
    data,
    ...extra,
  ];
}

/**
 * `cohort client start` pointed at port 9 (discard) on loopback, where
 * nothing listens: for refusals that must come before any connection is tried.
 */
export function startWithoutCoordinator(
  dir: string,
  schema: string,
  data: string,
  ...extra: string[]
): ReturnType<typeof cohort> {
  return cohort(...clientStartArgs(dir, 'ws://127.0.0.1:9', schema, data, ...extra));
}

/** A small valid CSV dataset in `dir` (40 records: age 20-59, sick alternating) and its schema `id`, for `client start`. */
export function tinyCsvDataset(dir: string, id: string): { schema: string; data: string } {
  const schema = join(dir, 'schema.json');
  const data = join(dir, 'records.csv');
  writeFileSync(
    schema,
    JSON.stringify({
      id,
      columns: [
        { name: 'age', kind: 'feature', type: 'number', range: [20, 80] },
        { name: 'sick', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 1 } },
      ],
      split: { testFraction: 0.3, seed: 1 },
    }),
  );
  writeFileSync(data, ['age,sick', ...Array.from({ length: 40 }, (_, i) => `${20 + i},${i % 2}`)].join('\n') + '\n');
  return { schema, data };
}
