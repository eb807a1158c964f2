/**
 * core/job/quota.ts: what an owner's stored jobs count against its quotas,
 * from the raw figures the store reads (coordinator/store.ts ownerUsage),
 * and the options' validation.
 */
import { describe, it, expect } from 'vitest';
import { jobStoredBytes, ownerUsage, parseJobQuotas, quotaProblem, type OwnedJob } from '../../../core/job/quota.ts';
import { ENDED_STATUSES } from '../../../core/round/job.ts';
import { CohortError } from '../../../core/errors.ts';

const job = (o: Partial<OwnedJob>): OwnedJob => ({
  status: 'running',
  weightBytes: 400,
  rounds: 3,
  roundBytes: 0,
  ...o,
});

describe('ownerUsage', () => {
  it('an unfinished job counts what it will store when it completes: its weights once, and once per round and the evaluation', () => {
    expect(ownerUsage([job({ rounds: 3 })])).toEqual({ unfinishedJobs: 1, storedBytes: 400 * 5 });
    expect(jobStoredBytes({ model: { inputDim: 99, layers: [{ units: 1, activation: 'sigmoid' }] }, rounds: 3 })).toBe(
      400 * 5,
    );
  });

  it('an ended job counts what it stores, and is not unfinished', () => {
    for (const status of ENDED_STATUSES)
      expect(ownerUsage([job({ status, roundBytes: 800 })])).toEqual({ unfinishedJobs: 0, storedBytes: 1200 });
  });

  it('a status no coordinator writes counts as unfinished (the conservative reading)', () => {
    expect(ownerUsage([job({ status: 'zombie' })])).toEqual({ unfinishedJobs: 1, storedBytes: 2000 });
  });

  it("rounds that do not read back count as none (the weights and the evaluation's copy); more stored than expected counts as stored", () => {
    expect(ownerUsage([job({ rounds: 'many' })]).storedBytes).toBe(800);
    expect(ownerUsage([job({ rounds: -1 })]).storedBytes).toBe(800);
    expect(ownerUsage([job({ rounds: 1, roundBytes: 4000 })]).storedBytes).toBe(4400);
  });

  it('quotaProblem counts the same figures', () => {
    const quotas = parseJobQuotas({ maxUnfinishedJobs: 2, maxStoredBytes: 3000 });
    expect(quotaProblem('r', [job({}), job({ status: 'completed' })], quotas)).toBeNull();
    expect(quotaProblem('r', [job({}), job({ status: 'zombie' })], quotas)).toMatch(/2 unfinished jobs/);
    expect(quotaProblem('r', [job({})], quotas, 1001)).toMatch(/over the quota/);
  });
});

describe('parseJobQuotas', () => {
  it('refuses a value out of range with E_CONFIG_INVALID naming the field, or the name given for it', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as CohortError;
      }
      throw new Error('no error');
    };
    const plain = err(() => parseJobQuotas({ maxPending: 0 }));
    expect(plain.code).toBe('E_CONFIG_INVALID');
    expect(plain.message).toMatch(/^quota "maxPending": /);
    expect(err(() => parseJobQuotas({ maxPending: 0 }, { maxPending: '--quota-pending' })).message).toMatch(
      /^--quota-pending: /,
    );
  });
});
