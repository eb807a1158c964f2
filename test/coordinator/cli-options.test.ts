import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCoordinator } from '../../cli/coordinator.ts';
import { jobQuotasSchema } from '../../core/job/quota.ts';
import { submissionLimitsSchema } from '../../coordinator/job-submissions.ts';

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
      '--submission-workers',
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
    for (const flag of ['--quota-pending', '--submission-workers', '--max-start-wait', '--port'])
      expect(e?.stderr).toContain(`${flag}: `);
  });
});

describe("coordinator start's submission limits and quotas", () => {
  it("each field's schema has a flag whose help is the field's description and default", () => {
    const program = new Command();
    registerCoordinator(program);
    const start = program.commands.find((c) => c.name() === 'coordinator')!.commands.find((c) => c.name() === 'start')!;
    const schemas = [submissionLimitsSchema, jobQuotasSchema];
    const fields = schemas.flatMap((s) => Object.values(s.shape) as { description?: string }[]);
    expect(fields).toHaveLength(10);
    for (const field of fields) {
      expect(field.description).toMatch(/\w/);
      const helps = start.options.filter((o) => o.description.startsWith(`${field.description} (default `));
      expect(helps, field.description).toHaveLength(1);
      expect(helps[0]!.description).toMatch(/\(default \d+\)$/);
    }
  });
});
