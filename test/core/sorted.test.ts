import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, upperBound } from '../../core/sorted.ts';

/** The linear definitions the binary searches must agree with. */
const firstIndex = (a: readonly number[], ok: (x: number) => boolean) => {
  const i = a.findIndex(ok);
  return i < 0 ? a.length : i;
};

describe('binary search over ascending numbers', () => {
  it('finds the first value ≥ v (lowerBound) and > v (upperBound), ties and ends included', () => {
    const a = Float64Array.from([1, 3, 3, 3, 7]);
    expect([0, 1, 2, 3, 7, 8].map((v) => lowerBound(a, v))).toEqual([0, 0, 1, 1, 4, 5]);
    expect([0, 1, 2, 3, 7, 8].map((v) => upperBound(a, v))).toEqual([0, 1, 1, 4, 5, 5]);
    expect([lowerBound([], 1), upperBound([], 1)]).toEqual([0, 0]);
  });

  it('agrees with a linear scan on any sorted array', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 })), fc.integer({ min: -25, max: 25 }), (xs, v) => {
        const a = [...xs].sort((p, q) => p - q);
        expect(lowerBound(a, v)).toBe(firstIndex(a, (x) => x >= v));
        expect(upperBound(a, v)).toBe(firstIndex(a, (x) => x > v));
      }),
    );
  });
});
