import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import type { DecodedImage } from '../../../core/data/image-decode.ts';
import { imageToInput, normalisePixels, resizeBilinear, toChannels } from '../../../core/data/image-pixels.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const img = (width: number, height: number, channels: 1 | 3, data: number[], maxValue = 255): DecodedImage => ({
  width,
  height,
  channels,
  maxValue,
  data: maxValue > 255 ? Uint16Array.from(data) : Uint8Array.from(data),
});

describe('toChannels', () => {
  it('scales by the bit depth, grey from RGB by BT.601 luma, RGB from grey by replication', () => {
    expect([...toChannels(img(2, 1, 1, [0, 255]), 1)]).toEqual([0, 1]);
    expect([...toChannels(img(1, 1, 1, [65535], 65535), 1)]).toEqual([1]);
    expect([...toChannels(img(1, 1, 1, [32768], 65535), 1)]).toEqual([Math.fround(32768 / 65535)]);
    // Pure red, green and blue: their luma weights.
    const luma = toChannels(img(3, 1, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255]), 1);
    expect([...luma]).toEqual([0.299, 0.587, 0.114].map(Math.fround));
    expect([...toChannels(img(2, 1, 1, [51, 102]), 3)]).toEqual([0.2, 0.2, 0.2, 0.4, 0.4, 0.4].map(Math.fround));
  });
});

describe('resizeBilinear', () => {
  it('is the identity at the same size', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(resizeBilinear(src, 2, 3, 1, 2, 3)).toBe(src);
  });

  it('matches tf.image.resizeBilinear(alignCorners false, halfPixelCenters true)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(1, 3),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (h, w, c, oh, ow, seed) => {
          let s = seed >>> 0;
          const src = Float32Array.from(
            { length: h * w * c },
            () => ((s = (s * 1664525 + 1013904223) >>> 0) % 1000) / 999,
          );
          const ours = resizeBilinear(src, h, w, c, oh, ow);
          const ref = tf.tidy(() =>
            tf.image.resizeBilinear(tf.tensor4d(src, [1, h, w, c]), [oh, ow], false, true).dataSync(),
          );
          expect(ours.length).toBe(ref.length);
          for (let i = 0; i < ref.length; i++) expect(Math.abs(ours[i]! - ref[i]!)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('averages neighbours at half-pixel centres: 2 -> 4 and 4 -> 2', () => {
    expect([...resizeBilinear(Float32Array.from([0, 1]), 1, 2, 1, 1, 4)]).toEqual([0, 0.25, 0.75, 1]);
    expect([...resizeBilinear(Float32Array.from([0, 1, 2, 3]), 1, 4, 1, 1, 2)]).toEqual([0.5, 2.5]);
  });
});

describe('normalisePixels', () => {
  it('applies the declared mean and std per channel exactly, and nothing for scale', () => {
    const px = Float32Array.from([0, 0.5, 1, 0.25, 0.75, 0.125]);
    const copy = Float32Array.from(px);
    normalisePixels(px, 3, { kind: 'scale' });
    expect(px).toEqual(copy);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    normalisePixels(px, 3, { kind: 'mean-std', mean, std, source: 'ImageNet' });
    expect([...px]).toEqual([...copy].map((v, i) => Math.fround((v - mean[i % 3]!) / std[i % 3]!)));
  });

  it('runs channels, then size, then normalisation in imageToInput', () => {
    const out = imageToInput(img(2, 1, 3, [255, 255, 255, 0, 0, 0]), [1, 1], 1, {
      kind: 'mean-std',
      mean: [0.5],
      std: [0.25],
      source: 'test',
    });
    // Luma 1 and 0, averaged to 0.5 by the 2 -> 1 resize, then (0.5 - 0.5) / 0.25.
    expect([...out]).toEqual([0]);
  });
});
