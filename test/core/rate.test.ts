import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TokenBucket } from '../../core/rate.ts';
import { errorCode } from '../helpers/errors.ts';

describe('TokenBucket', () => {
  it('allows the burst, then the sustained rate', () => {
    const b = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.take(99)).toBe(false); // 0.99 token
    expect(b.take(100)).toBe(true); // 1 token after 100 ms at 10/s
    expect(b.take(100)).toBe(false);
    expect([...Array(20)].filter(() => b.take(10_000)).length).toBe(5); // refills only up to the burst
  });

  it('property: over any schedule, takes granted <= burst + rate x elapsed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 500 }), (gaps) => {
        const b = new TokenBucket(20, 4, 0);
        let t = 0;
        let granted = 0;
        for (const g of gaps) {
          t += g;
          if (b.take(t)) granted++;
        }
        expect(granted).toBeLessThanOrEqual(4 + (20 * t) / 1000 + 1e-9);
      }),
    );
  });

  it('a clock going backwards grants nothing extra', () => {
    const b = new TokenBucket(10, 1, 1000);
    expect(b.take(1000)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.take(1050)).toBe(false);
  });

  it('bad parameters are typed errors', () => {
    expect(errorCode(() => new TokenBucket(0, 1, 0))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => new TokenBucket(NaN, 1, 0))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => new TokenBucket(1, 0, 0))).toBe('E_CONFIG_INVALID');
  });
});
