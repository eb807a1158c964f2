/**
 * The evenly spaced sample a job's charts are drawn from (core/dashboard/sample.ts):
 * never more than its cap, the first and the latest item always in it, evenly
 * spaced between, a series of at most the cap kept whole, and the same however
 * the series arrived in pieces.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptySample, extendSample, sampleItems } from '../../../core/dashboard/index.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('an evenly spaced sample of a growing series', () => {
  it('never holds more than its cap, and keeps the first and the latest item', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 2000 }), (cap, n) => {
        const items = sampleItems(extendSample(emptySample<number>(cap), range(n)));
        expect(items.length).toBeLessThanOrEqual(cap);
        expect(items[0]).toBe(0);
        expect(items.at(-1)).toBe(n - 1);
        // In series order, and evenly spaced but for the last gap.
        const gaps = items.slice(1).map((x, i) => x - items[i]!);
        expect(gaps.every((g) => g > 0)).toBe(true);
        expect(new Set(gaps.slice(0, -1)).size).toBeLessThanOrEqual(1);
        // Not thinner than it must be: more than a quarter of the cap once the series has passed it.
        if (n > cap) expect(items.length).toBeGreaterThan(cap / 4);
      }),
    );
  });

  it('keeps a series of at most its cap whole', () => {
    for (const n of [0, 1, 2, 499, 500])
      expect(sampleItems(extendSample(emptySample<number>(500), range(n)))).toEqual(range(n));
    expect(sampleItems(extendSample(emptySample<number>(500), range(501)))).not.toEqual(range(501));
  });

  it('is the same whether the series came at once or in pieces', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 20 }),
        (cap, pieces) => {
          let start = 0;
          let s = emptySample<number>(cap);
          for (const p of pieces) {
            s = extendSample(
              s,
              range(p).map((i) => start + i),
            );
            start += p;
          }
          expect(s).toEqual(extendSample(emptySample<number>(cap), range(start)));
        },
      ),
    );
  });

  it('leaves the sample it extends as it was', () => {
    const s = extendSample(emptySample<number>(4), range(4));
    extendSample(s, range(10));
    expect(sampleItems(s)).toEqual(range(4));
  });
});
