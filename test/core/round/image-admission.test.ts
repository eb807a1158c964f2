import { describe, expect, it } from 'vitest';
import { imageMismatch } from '../../../core/round/hospital-admission.ts';

const grey8 = { height: 8, width: 8, channels: 1 } as const;

describe("admission compares a job's image input with the dataset's images", () => {
  it('admits the same shape, and anything on a dataset that declares no shape', () => {
    expect(imageMismatch(grey8, grey8)).toBeNull();
    expect(imageMismatch(grey8, undefined)).toBeNull();
    expect(imageMismatch(undefined, undefined)).toBeNull();
  });

  it('names the mismatch: another height, width or channel count, or no image input at all', () => {
    expect(imageMismatch({ height: 4, width: 16, channels: 1 }, grey8)).toBe(
      "the job's image input is 4x16x1; this dataset's images are 8x8x1",
    );
    expect(imageMismatch({ height: 8, width: 8, channels: 3 }, grey8)).toMatch(/8x8x3/);
    expect(imageMismatch(undefined, grey8)).toMatch(/declares no image input/);
  });
});
