import { describe, it, expect } from 'vitest';
import { drive, names } from './driver.ts';
import { dequantizeSum, quantize } from '../../../core/secagg/quantize.ts';

/**
 * The coordinator's view of a round: every frame it received. Without the
 * Shamir shares it is not given, a masked input must tell it nothing about
 * the client's input: its words look uniform on Z_2^32 and decode to values
 * unrelated to the input.
 */
describe("the coordinator's view of a secure round", () => {
  it('masked inputs are indistinguishable from uniform and uncorrelated with the inputs', () => {
    const length = 4096;
    const r = drive({ n: 5, length });
    expect(r.server.phase).toBe('done');
    const masked = r.received.filter((m) => 'secaggMaskedInput' in m.msg);
    expect(masked).toHaveLength(5);
    for (const { from, msg } of masked) {
      if (!('secaggMaskedInput' in msg)) continue;
      const bytes = msg.secaggMaskedInput.masked!;
      const y = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const x = r.inputs.get(from)!;
      // Chi-square of the top 4 bits over 16 buckets: 15 degrees of freedom, p = 0.001 at 37.7.
      const buckets = new Array(16).fill(0);
      for (const w of y) buckets[w >>> 28]++;
      const expected = length / 16;
      const chi = buckets.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      expect(chi).toBeLessThan(37.7);
      // Pearson correlation between input words and masked words.
      expect(Math.abs(correlation(x, y))).toBeLessThan(0.08);
      // No word passes through unmasked.
      let same = 0;
      for (let i = 0; i < length; i++) if (x[i] === y[i]) same++;
      expect(same).toBeLessThan(3);
    }
  });

  it('decoding one masked input as if it were the input gives noise, not the update', () => {
    const length = 2000;
    // Inputs that encode a small, structured update (a ramp), quantized as clients do.
    const q = { bits: 32, clip: 10, maxClients: 4 };
    const ramp = (i: number) => Float32Array.from({ length }, (_, j) => ((j % 100) / 100 - 0.5) * (i + 1));
    const r = drive({ n: 4, length, bits: 32, input: (_, i) => quantize(ramp(i), q) });
    for (const { from, msg } of r.received) {
      if (!('secaggMaskedInput' in msg)) continue;
      const bytes = msg.secaggMaskedInput.masked!;
      const y = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const decodedMasked = dequantizeSum(y, q);
      const decodedInput = dequantizeSum(r.inputs.get(from)!, q);
      // The input itself decodes back to the ramp: the test would notice an unmasked input.
      expect(correlation(decodedInput, ramp(names(4).indexOf(from)))).toBeGreaterThan(0.999);
      expect(Math.abs(correlation(decodedMasked, decodedInput))).toBeLessThan(0.1);
      // Masked values spread over the whole representable range, far beyond any real update.
      const spread = Math.max(...decodedMasked) - Math.min(...decodedMasked);
      expect(spread).toBeGreaterThan(4 * 10); // the range of all n clipped inputs is 2·n·clip
    }
  });
});

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}
