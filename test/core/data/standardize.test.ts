import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { declaredScale, isClamped, scaleValue } from '../../../core/data/standardize.ts';

describe('declared scaling', () => {
  const chol = declaredScale(100, 600);

  it('maps the declared range onto [-1, 1], its middle to 0', () => {
    expect(chol).toEqual({ lo: 100, hi: 600, center: 350, halfWidth: 250 });
    expect([100, 350, 600, 225].map((v) => scaleValue(v, chol))).toEqual([-1, 0, 1, -0.5]);
  });

  it('clamps values outside the range and says so', () => {
    expect([0, 85, 603, 1e9].map((v) => scaleValue(v, chol))).toEqual([-1, -1, 1, 1]);
    expect([0, 99.9, 100, 600, 600.1].map((v) => isClamped(v, chol))).toEqual([true, true, false, false, true]);
  });

  it('keeps every output in [-1, 1] and preserves order', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: -1e7, max: 1e7, noNaN: true }),
        fc.double({ min: -1e7, max: 1e7, noNaN: true }),
        (lo, width, a, b) => {
          const s = declaredScale(lo, lo + width);
          const [u, v] = [scaleValue(a, s), scaleValue(b, s)];
          expect(Math.abs(u)).toBeLessThanOrEqual(1);
          if (a <= b) expect(u).toBeLessThanOrEqual(v);
        },
      ),
    );
  });
});
