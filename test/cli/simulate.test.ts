/**
 * `cohort simulate` with an output path that cannot be used: a typed one-line
 * refusal (E_CONFIG_INVALID naming the option), not a Node stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { cohort, expectFailure } from '../helpers/cli.ts';

// A regular file: nothing can be made or written beneath it (ENOTDIR).
const dir = mkdtempSync(join(tmpdir(), 'cohort-simulate-cli-'));
const file = join(dir, 'a-file');
writeFileSync(file, '');

describe('cohort simulate with an unusable path', () => {
  it.each(['synthetic-ehr', 'chaos'])('%s refuses a --workdir that cannot be made before it runs', (scenario) => {
    const r = cohort('simulate', scenario, '--workdir', join(file, 'work'));
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain(`--workdir ${join(file, 'work')}: cannot be made (ENOTDIR)`);
    expect(r.out).toBe('');
  });

  it('dropouts prints its figures, then refuses a --json path that cannot be written', () => {
    const r = cohort('simulate', 'dropouts', '--rounds', '1', '--json', join(file, 'figures.json'));
    // Its progress lines go to stderr first (stderr is not a terminal here); the refusal is the last line.
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.err.trimEnd().split('\n').at(-1)).toBe(
      `cohort: E_CONFIG_INVALID: --json ${join(file, 'figures.json')}: cannot be written (ENOTDIR)`,
    );
    expect(r.out).toMatch(/rounds completed 1/);
  }, 60_000);
});

describe('cohort simulate synthetic-ehr --hospitals', () => {
  it.each(['1', '2'])(
    'refuses %s before any record is generated: secure aggregation needs 3',
    (n) => {
      // A size that would train (and fail late, E_JOB_FAILED) were it not refused.
      const r = cohort('simulate', 'synthetic-ehr', '--hospitals', n, '--patients', '100', '--rounds', '1');
      expectFailure(r, 'E_CONFIG_INVALID');
      expect(r.err).toContain('--hospitals: the synthetic-ehr scenario needs at least 3 hospitals');
      expect(r.err).toContain(`got ${n}`);
      expect(r.out).toBe('');
    },
    60_000,
  );
});

describe('cohort simulate fed-pneumonia --augment', () => {
  it.each(['1,2', '1,2,3,4', '1,,3', 'a,b,c', '65,0,0', '0,181,0', '0,0,0.6'])(
    'refuses %s before any image is read, naming the form it takes',
    (value) => {
      const r = cohort('simulate', 'fed-pneumonia', '--augment', value);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(`expected three numbers "shift,rotate,scale"`);
      expect(r.err).toContain(`got "${value}"`);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    },
  );

  it('names its default, and none, in --help', () => {
    const r = cohort('simulate', 'fed-pneumonia', '--help');
    expect(r.out.replace(/\s+/g, ' ')).toContain('or "none" (default 2,10,0.1, none with --dp-epsilon)');
  });
});
