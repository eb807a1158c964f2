/**
 * `--config` on the real daemons' start commands: a file's value meets the
 * same validation as the flag (coordinator/config.ts's zod schema names the
 * flag), an unknown key is refused with its name, and the command line wins.
 * Each case fails before anything listens or connects.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-cli-config-'));
const config = (name: string, o: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(o));
  return p;
};

describe('--config on coordinator start and client start', () => {
  it("coordinator start: a file's value meets the flag's validation, and a flag overrides it", () => {
    const f = config('coordinator.json', { db: join(dir, 'c.db'), port: 0, 'max-frame-bytes': 10 });
    const r = cohort('coordinator', 'start', '--config', f);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain('--max-frame-bytes');
    // The same file with a good flag: the options pass, and the start goes on to fail later, at the missing job file.
    const o = cohort(
      'coordinator',
      'start',
      '--config',
      f,
      '--max-frame-bytes',
      '20000',
      '--job',
      join(dir, 'none.json'),
    );
    expectFailure(o, 'E_JOB_SPEC');
  });

  it('refuses an unknown key, naming it', () => {
    const r = cohort(
      'client',
      'start',
      '--config',
      config('client.json', { coordinator: 'ws://127.0.0.1:9', datta: 'x' }),
    );
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain('unknown key "datta"');
  });
});
