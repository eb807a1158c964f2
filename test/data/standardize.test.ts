import { describe, it, expect } from 'vitest';
import { applyStandardizer, fitStandardizer } from '../../core/data/standardize.ts';

describe('standardizer', () => {
  // Rows 0-2 are train, row 3 test; column 1 is constant on train.
  const x = [1, 0.1, 2, 0.1, 3, 0.1, 10, 5];

  it('fits population mean and std on the given rows only', () => {
    const s = fitStandardizer(x, 2, [0, 1, 2]);
    expect(s.mean[0]).toBeCloseTo(2, 12);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('centres a train-constant column without scaling, even when its sum rounds', () => {
    const s = fitStandardizer(x, 2, [0, 1, 2]);
    expect(s.scale[1]).toBe(1);
    const out = applyStandardizer(x, 2, [0, 1, 2, 3], s);
    expect(Math.abs(out[1]!)).toBeLessThan(1e-7);
    expect(out[7]).toBeCloseTo(5 - s.mean[1]!, 6);
  });

  it('applies train statistics to test rows', () => {
    const s = fitStandardizer(x, 2, [0, 1, 2]);
    const out = applyStandardizer(x, 2, [3], s);
    expect(out[0]).toBeCloseTo(8 / Math.sqrt(2 / 3), 5);
  });
});
