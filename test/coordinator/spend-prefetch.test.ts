import { afterEach, describe, expect, it } from 'vitest';
import { SpendPrefetch } from '../../coordinator/spend-prefetch.ts';
import { clearSpendCache, memoisedSpend, spendCacheStats } from '../../core/privacy/spend-memo.ts';
import { accountSpend, type Mechanism } from '../../core/privacy/spend.ts';

/** A record-level job's rounds: DP-SGD steps at q 0.01, σ 1.1 (the figures of core/job/privacy.ts's mechanisms). */
const step: Mechanism = { kind: 'sampled-gaussian', q: 0.01, sigma: 1.1, steps: 25 };
const history = (n: number): Mechanism[] => Array.from({ length: n }, () => ({ ...step }));

describe('pricing a round ahead of its commit (coordinator/spend-prefetch.ts)', () => {
  let prefetch: SpendPrefetch | null = null;
  afterEach(async () => {
    await prefetch?.close();
    prefetch = null;
    clearSpendCache();
  });

  it('leaves in the memo the figures the commit would compute, so the commit computes nothing', async () => {
    clearSpendCache();
    prefetch = new SpendPrefetch();
    const lists = [
      history(1),
      history(40),
      [...history(39), { kind: 'discrete-gaussian', sigma: 20, steps: 1 } as Mechanism],
    ];
    prefetch.prefetch(lists, 1e-5, 'pld');
    await prefetch.settled();
    const before = spendCacheStats().evaluations;
    const fromMemo = lists.map((l) => memoisedSpend(l, 1e-5, 'pld'));
    // Every price was a hit: the worker priced them all.
    expect(spendCacheStats().evaluations).toBe(before);
    // And each is exactly what this thread computes for the same list.
    for (const [i, l] of lists.entries()) expect(fromMemo[i]).toEqual(accountSpend(l, 1e-5, 'pld'));
  });

  it('asks nothing of the worker for prices the memo holds, and a commit before the worker answers prices it itself', async () => {
    clearSpendCache();
    prefetch = new SpendPrefetch();
    memoisedSpend(history(5), 1e-5, 'rdp');
    prefetch.prefetch([history(5)], 1e-5, 'rdp');
    await prefetch.settled();
    expect(spendCacheStats().evaluations).toBe(1);
    // Asked and at once needed: the commit does not wait for the worker (it computes, and the worker's later answer changes nothing).
    prefetch.prefetch([history(30)], 1e-5, 'rdp');
    const now = memoisedSpend(history(30), 1e-5, 'rdp');
    await prefetch.settled();
    expect(memoisedSpend(history(30), 1e-5, 'rdp')).toBe(now);
  });
});
