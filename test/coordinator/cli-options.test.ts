import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('coordinator start: its options validated once, a refusal naming the flag', () => {
  it('refuses bad flags with E_CONFIG_INVALID naming each, before it opens anything', async () => {
    const run = promisify(execFile)('node', [
      'cohort.mjs',
      'coordinator',
      'start',
      '--db',
      ':memory:',
      '--quota-pending',
      '0',
      '--max-start-wait',
      '0',
      '--port',
      '70000',
    ]);
    const e = (await run.then(
      () => null,
      (err: unknown) => err,
    )) as { code: number; stderr: string } | null;
    expect(e?.code).toBe(2);
    expect(e?.stderr).toMatch(/E_CONFIG_INVALID/);
    for (const flag of ['--quota-pending', '--max-start-wait', '--port']) expect(e?.stderr).toContain(`${flag}: `);
  });
});
