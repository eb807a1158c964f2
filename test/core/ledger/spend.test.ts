/**
 * roundSpends: the figures a round entry records, as accountSpend gives them,
 * deterministic (the verifier recomputes and compares exactly) and memoised
 * in a bounded LRU.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { accountSpend, type Mechanism } from '../../../core/privacy/spend.ts';
import { clearSpendCache, roundSpends, spendCacheStats, SPEND_CACHE_LIMIT } from '../../../core/ledger/spend.ts';
import { errorCode } from '../../helpers/errors.ts';

const m: Mechanism = { kind: 'sampled-gaussian', q: 0.05, sigma: 1.2, steps: 5 };
const ddg: Mechanism = {
  kind: 'distributed-discrete-gaussian',
  clients: 3,
  sigma: 40,
  l2Sensitivity: 100,
  dim: 10,
  rounds: 1,
};

beforeEach(() => clearSpendCache());

describe('roundSpends', () => {
  it('records this round alone and the hospital’s job so far, by the job’s accountant, one per survivor in order', () => {
    const prior = new Map([
      ['a', [m, m]],
      ['b', [m]],
    ]);
    const spends = roundSpends({ survivors: ['a', 'b', 'c'], mechanism: m, prior, delta: 1e-5, accountant: 'pld' });
    expect(spends.map((s) => s.hospital)).toEqual(['a', 'b', 'c']);
    const alone = accountSpend([m], 1e-5, 'pld');
    const three = accountSpend([m, m, m], 1e-5, 'pld');
    expect(spends[0]).toEqual({
      hospital: 'a',
      mechanism: m,
      epsilon: alone.pld,
      rdpEpsilon: alone.rdp.epsilon,
      pldEpsilon: alone.pld,
      cumulativeEpsilon: three.epsilon,
      cumulativeRdpEpsilon: three.rdp.epsilon,
      cumulativePldEpsilon: three.pld,
      bound: 'pld',
    });
    expect(spends[1]!.cumulativeEpsilon).toBe(accountSpend([m, m], 1e-5, 'pld').epsilon);
    // No earlier rounds: the job so far is this round.
    expect(spends[2]!.cumulativeEpsilon).toBe(spends[2]!.epsilon);
    expect(spends[0]!.cumulativeEpsilon).toBeGreaterThan(spends[1]!.cumulativeEpsilon);
    expect(spends[0]!.mechanism).not.toBe(m);
  });

  it('charges RDP for the distributed discrete Gaussian, which has no PLD here', () => {
    const [s] = roundSpends({
      survivors: ['a'],
      mechanism: ddg,
      prior: new Map([['a', [ddg]]]),
      delta: 1e-5,
      accountant: 'pld',
    });
    expect(s!.bound).toBe('rdp');
    expect(s!.pldEpsilon).toBeNull();
    expect(s!.cumulativePldEpsilon).toBeNull();
    expect(s!.epsilon).toBe(s!.rdpEpsilon);
    expect(s!.cumulativeEpsilon).toBe(accountSpend([ddg, ddg], 1e-5, 'rdp').rdp.epsilon);
  });

  it('is deterministic with and without the memo, and prices each distinct list once', () => {
    const args = {
      survivors: ['a', 'b'],
      mechanism: m,
      prior: new Map([
        ['a', [m]],
        ['b', [m]],
      ]),
      delta: 1e-5,
      accountant: 'rdp' as const,
    };
    const first = roundSpends(args);
    expect(spendCacheStats().evaluations).toBe(2); // [m] and [m, m]: both survivors share the cumulative list
    expect(roundSpends(args)).toEqual(first);
    expect(spendCacheStats().evaluations).toBe(2);
    clearSpendCache();
    expect(roundSpends(args)).toEqual(first);
  });

  it('keeps at most SPEND_CACHE_LIMIT results, evicting the least recently used', () => {
    // q = 0 spends nothing and costs nothing to price: cheap distinct keys.
    const free = (sigma: number): Mechanism => ({ kind: 'sampled-gaussian', q: 0, sigma, steps: 1 });
    for (let i = 1; i <= SPEND_CACHE_LIMIT; i++)
      roundSpends({ survivors: [], mechanism: free(i), prior: new Map(), delta: 1e-5, accountant: 'rdp' });
    expect(spendCacheStats()).toEqual({ evaluations: SPEND_CACHE_LIMIT, size: SPEND_CACHE_LIMIT });
    roundSpends({ survivors: [], mechanism: free(1), prior: new Map(), delta: 1e-5, accountant: 'rdp' }); // a hit: now most recent
    roundSpends({ survivors: [], mechanism: free(0.5), prior: new Map(), delta: 1e-5, accountant: 'rdp' }); // evicts sigma = 2
    expect(spendCacheStats()).toEqual({ evaluations: SPEND_CACHE_LIMIT + 1, size: SPEND_CACHE_LIMIT });
    roundSpends({ survivors: [], mechanism: free(1), prior: new Map(), delta: 1e-5, accountant: 'rdp' });
    expect(spendCacheStats().evaluations).toBe(SPEND_CACHE_LIMIT + 1);
    roundSpends({ survivors: [], mechanism: free(2), prior: new Map(), delta: 1e-5, accountant: 'rdp' });
    expect(spendCacheStats().evaluations).toBe(SPEND_CACHE_LIMIT + 2);
  });

  it('throws E_PRIVACY_PARAMS for an invalid δ or mechanism', () => {
    expect(
      errorCode(() => roundSpends({ survivors: ['a'], mechanism: m, prior: new Map(), delta: 0, accountant: 'rdp' })),
    ).toBe('E_PRIVACY_PARAMS');
    expect(
      errorCode(() =>
        roundSpends({
          survivors: ['a'],
          mechanism: { ...m, sigma: -1 },
          prior: new Map(),
          delta: 1e-5,
          accountant: 'rdp',
        }),
      ),
    ).toBe('E_PRIVACY_PARAMS');
  });
});
