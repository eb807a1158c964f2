import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { augmentImages, imageAugmentSchema, isIdentityAugment, type ImageAugment } from '../../../core/data/augment.ts';
import type { ImageShape } from '../../../core/data/types.ts';
import { seededRng, type SeededRng } from '../../../core/rng.ts';

const augment = (o: Partial<ImageAugment>): ImageAugment => imageAugmentSchema.parse(o);
/** A generator that always draws `v`: float() = 1 puts every range at its top (+shift, +rotate, 1 + scale). */
const always = (v: number): SeededRng => ({ float: () => v, int: (from) => from });
/** One image of H×W×C whose value at (y, x, c) is y·100 + x·10 + c: every pixel tells where it came from. */
function ramp(s: ImageShape): Float32Array {
  const out = new Float32Array(s.height * s.width * s.channels);
  for (let y = 0; y < s.height; y++)
    for (let x = 0; x < s.width; x++)
      for (let c = 0; c < s.channels; c++) out[(y * s.width + x) * s.channels + c] = y * 100 + x * 10 + c;
  return out;
}
const at = (img: Float32Array, s: ImageShape, y: number, x: number, c = 0) => img[(y * s.width + x) * s.channels + c]!;
const clampTo = (v: number, hi: number) => Math.min(hi, Math.max(0, v));

describe('augmentImages: each view is the declared affine map of its image', () => {
  const s: ImageShape = { height: 6, width: 5, channels: 3 };

  it('with every range 0 it returns the images unchanged, value for value', () => {
    const x = ramp(s);
    expect(isIdentityAugment(augment({}))).toBe(true);
    expect(augmentImages(x, 1, s, augment({}), seededRng(1))).toEqual(x);
  });

  it('a shift of +2 pixels moves every pixel 2 right and 2 down, the edge extended past the border', () => {
    const x = ramp(s);
    const out = augmentImages(x, 1, s, augment({ shift: 2 }), always(1 - Number.EPSILON));
    for (let y = 0; y < s.height; y++)
      for (let xo = 0; xo < s.width; xo++)
        for (let c = 0; c < s.channels; c++)
          expect(at(out, s, y, xo, c)).toBeCloseTo(
            at(x, s, clampTo(Math.round(y - 2), s.height - 1), clampTo(Math.round(xo - 2), s.width - 1), c),
            4,
          );
  });

  it('a mirror reverses each row', () => {
    const x = ramp(s);
    const out = augmentImages(x, 1, s, augment({ flipHorizontal: true }), always(0));
    for (let y = 0; y < s.height; y++)
      for (let xo = 0; xo < s.width; xo++)
        expect(at(out, s, y, xo, 1)).toBeCloseTo(at(x, s, y, s.width - 1 - xo, 1), 9);
  });

  it('a rotation of 90° turns a square image a quarter turn about its centre', () => {
    const q: ImageShape = { height: 5, width: 5, channels: 1 };
    const x = ramp(q);
    const out = augmentImages(x, 1, q, augment({ rotate: 90 }), always(1 - 1e-12));
    // Output (x, y) reads source (x', y') = R(−90°)(x − 2, y − 2) + 2 = (y, 4 − x).
    for (let y = 0; y < 5; y++)
      for (let xo = 0; xo < 5; xo++) expect(at(out, q, y, xo)).toBeCloseTo(at(x, q, 4 - xo, y), 4);
  });

  it('a zoom of 1.5 reads the source at 1/1.5 of the distance from the centre', () => {
    const q: ImageShape = { height: 7, width: 7, channels: 1 };
    const x = ramp(q);
    const out = augmentImages(x, 1, q, augment({ scale: 0.5 }), always(1 - 1e-12));
    // The ramp is linear, so bilinear sampling is exact: value = 100·sy + 10·sx, s = (d − 3) / 1.5 + 3.
    for (let y = 0; y < 7; y++)
      for (let xo = 0; xo < 7; xo++)
        expect(at(out, q, y, xo)).toBeCloseTo(100 * ((y - 3) / 1.5 + 3) + 10 * ((xo - 3) / 1.5 + 3), 4);
  });
});

describe('augmentImages: properties', () => {
  const shapes = fc.record({
    height: fc.integer({ min: 1, max: 9 }),
    width: fc.integer({ min: 1, max: 9 }),
    channels: fc.constantFrom(1 as const, 3 as const),
  });
  const augments = fc.record({
    shift: fc.double({ min: 0, max: 64, noNaN: true }),
    rotate: fc.double({ min: 0, max: 180, noNaN: true }),
    scale: fc.double({ min: 0, max: 0.5, noNaN: true }),
    flipHorizontal: fc.boolean(),
  });
  const images = (s: ImageShape, n: number) =>
    fc.float32Array({
      minLength: n * s.height * s.width * s.channels,
      maxLength: n * s.height * s.width * s.channels,
      noDefaultInfinity: true,
      noNaN: true,
    });

  it('every value of a view lies within its own image range (a convex mix of its pixels), finite', () => {
    fc.assert(
      fc.property(
        shapes.chain((s) => fc.tuple(fc.constant(s), images(s, 3))),
        augments,
        fc.integer(),
        ([s, x], a, seed) => {
          const size = s.height * s.width * s.channels;
          const out = augmentImages(x, 3, s, a, seededRng(seed));
          for (let i = 0; i < 3; i++) {
            const row = x.subarray(i * size, (i + 1) * size);
            const lo = Math.min(...row);
            const hi = Math.max(...row);
            const slack = 1e-6 * Math.max(1, Math.abs(lo), Math.abs(hi));
            for (const v of out.subarray(i * size, (i + 1) * size)) {
              expect(v).toBeGreaterThanOrEqual(lo - slack);
              expect(v).toBeLessThanOrEqual(hi + slack);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a seed gives the same views; a view depends on its own image only', () => {
    fc.assert(
      fc.property(
        shapes.chain((s) => fc.tuple(fc.constant(s), images(s, 2), images(s, 1))),
        augments,
        fc.integer(),
        ([s, x, other], a, seed) => {
          const size = s.height * s.width * s.channels;
          const once = augmentImages(x, 2, s, a, seededRng(seed));
          expect(augmentImages(x, 2, s, a, seededRng(seed))).toEqual(once);
          const changed = x.slice();
          changed.set(other, size); // a different second image
          expect(augmentImages(changed, 2, s, a, seededRng(seed)).subarray(0, size)).toEqual(once.subarray(0, size));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('imageAugmentSchema', () => {
  it('defaults every range to 0 and refuses ranges past its bounds', () => {
    expect(imageAugmentSchema.parse({})).toEqual({ shift: 0, rotate: 0, scale: 0, flipHorizontal: false });
    for (const bad of [{ rotate: 181 }, { scale: 0.6 }, { shift: -1 }, { shift: Infinity }, { zoom: 0.1 }])
      expect(imageAugmentSchema.safeParse(bad).success).toBe(false);
  });
});
