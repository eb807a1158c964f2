/**
 * A researcher whose submission window is full keeps sending `job.submit`:
 * each is refused (E_QUOTA_EXCEEDED), and each refusal must be cheap. Reading
 * the owner's usage (store.ownerUsage: SQL over every job it ever stored,
 * each spec checked as JSON) on the event loop for a request the window
 * refuses anyway lets the flood cost the coordinator in proportion to the
 * researcher's whole history, request after request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CohortError } from '../../core/errors.ts';
import { JobSubmissions, parseSubmissionLimits } from '../../coordinator/job-submissions.ts';
import type { CoordinatorStore } from '../../coordinator/store.ts';
import { parseJobQuotas } from '../../core/job/quota.ts';
import { silentLogger } from '../../edge/log.ts';

const open: JobSubmissions[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof CohortError ? err.code : String(err);
  }
}

describe('a flood of submissions past the window', () => {
  it('reads the owner usage only for submissions the window admits', async () => {
    let usageReads = 0;
    const store = {
      ownerUsage: () => {
        usageReads++;
        return [];
      },
      offeredDatasetsJson: () => [],
    } as unknown as CoordinatorStore;
    const subs = new JobSubmissions(
      parseSubmissionLimits({ timeLimitMs: 60_000 }),
      parseJobQuotas({ maxSubmissions: 1 }),
      store,
      () => 1_000_000,
      silentLogger,
    );
    open.push(subs);
    // The one submission the window admits: not JSON, refused by the worker.
    expect(await code(subs.prepare('rita', 'not json', null))).toBe('E_JOB_SPEC');
    const FLOOD = 50;
    const codes: string[] = [];
    for (let i = 0; i < FLOOD; i++) codes.push(await code(subs.prepare('rita', 'not json', null)));
    expect(codes.every((c) => c === 'E_QUOTA_EXCEEDED')).toBe(true);
    expect(usageReads).toBeLessThanOrEqual(1);
    // Another researcher's window is its own.
    expect(await code(subs.prepare('rob', 'not json', null))).toBe('E_JOB_SPEC');
  });
});
