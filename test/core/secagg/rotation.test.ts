import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import { MAX_ROTATION_LENGTH, fwht, paddedLength, rotate, unrotate } from '../../../core/secagg/rotation.ts';
import { norm, seedOf } from './rotation-fixtures.ts';

/** Sylvester–Hadamard entry: H_ij = (−1)^popcount(i AND j). */
function hadamardEntry(i: number, j: number): number {
  let v = i & j;
  let bits = 0;
  while (v) {
    bits += v & 1;
    v >>>= 1;
  }
  return bits & 1 ? -1 : 1;
}

describe('fast Walsh–Hadamard transform', () => {
  it('the worked example of the fast Walsh–Hadamard transform: (1,0,1,0,0,1,1,0) → (4,2,0,−2,0,2,0,2)', () => {
    // Wikipedia, "Fast Walsh–Hadamard transform", example; the same as scipy.linalg.hadamard(8) @ x.
    expect(Array.from(fwht(Float64Array.of(1, 0, 1, 0, 0, 1, 1, 0)))).toEqual([4, 2, 0, -2, 0, 2, 0, 2]);
  });

  it('equals the product with the Sylvester–Hadamard matrix (second path), lengths 1 to 8192', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13 }), fc.integer(), (log, salt) => {
        const n = 1 << log;
        const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + salt));
        const y = fwht(Float64Array.from(x));
        // Check a sample of rows against the definition (all rows for small n).
        for (let i = 0; i < n; i += Math.max(1, n >> 6)) {
          let s = 0;
          for (let j = 0; j < n; j++) s += hadamardEntry(i, j) * x[j]!;
          expect(Math.abs(y[i]! - s)).toBeLessThan(1e-9 * Math.max(1, n));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('H·H = L·I: applying it twice scales by the length', () => {
    const x = Float64Array.from({ length: 1024 }, (_, i) => ((i * 37) % 11) - 5);
    const twice = fwht(fwht(Float64Array.from(x)));
    for (let i = 0; i < x.length; i++) expect(twice[i]).toBe(1024 * x[i]!);
  });
});

describe('randomized Hadamard rotation', () => {
  const vec = fc
    .integer({ min: 1, max: 3000 })
    .chain((d) =>
      fc.float64Array({ minLength: d, maxLength: d, min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    );

  it('pads to the next power of two', () => {
    expect([1, 2, 3, 4, 5, 1000, 1024, 1025].map(paddedLength)).toEqual([1, 2, 4, 4, 8, 1024, 1024, 2048]);
    expect(rotate(new Float64Array(1000), seedOf(1)).length).toBe(1024);
  });

  it('is orthonormal: L2 norm preserved, inverse exact to 1e−9', () => {
    fc.assert(
      fc.property(vec, fc.uint8Array({ minLength: 32, maxLength: 32 }), (x, seed) => {
        const y = rotate(x, seed);
        const n = norm(x);
        expect(Math.abs(norm(y) - n)).toBeLessThanOrEqual(1e-12 * Math.max(1, n));
        const back = unrotate(y, seed, x.length);
        expect(back.length).toBe(x.length);
        for (let i = 0; i < x.length; i++)
          expect(Math.abs(back[i]! - x[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x[i]!)));
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic per seed and differs between seeds', () => {
    const x = Float32Array.from({ length: 777 }, (_, i) => Math.cos(i));
    expect(rotate(x, seedOf(7))).toEqual(rotate(Float64Array.from(x), seedOf(7)));
    const a = rotate(x, seedOf(7));
    const b = rotate(x, seedOf(8));
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBeLessThan(10);
  });

  it('flattens: a spike becomes ±1/√L in every coordinate, with signs about half negative', () => {
    const d = 4096;
    const x = new Float64Array(d);
    x[123] = 1;
    const y = rotate(x, seedOf(3));
    let negative = 0;
    for (const v of y) {
      expect(Math.abs(Math.abs(v) - 1 / 64)).toBeLessThan(1e-15);
      if (v < 0) negative++;
    }
    // Binomial(4096, 1/2): 5 standard deviations is ±160.
    expect(Math.abs(negative - 2048)).toBeLessThan(160);
  });

  it('the signs behave as independent fair coins across seeds (D·e_0 is ±1)', () => {
    // rotate(e_0)_i = D_00·H_i0/√L = D_00/√L: one sign per seed, Binomial(400, 1/2).
    let negative = 0;
    for (let s = 0; s < 400; s++) {
      const seed = new Uint8Array(32);
      seed[0] = s & 255;
      seed[1] = s >> 8;
      if (rotate(Float64Array.of(1, 0, 0, 0), seed)[0]! < 0) negative++;
    }
    expect(Math.abs(negative - 200)).toBeLessThan(50);
  });
});

describe('bad inputs', () => {
  it('typed errors', () => {
    const x = new Float64Array(8);
    expect(errorCode(() => rotate(x, new Uint8Array(31)))).toBe('E_SECAGG_BAD_INPUT');
    expect(errorCode(() => rotate(x, 'seed' as unknown as Uint8Array))).toBe('E_SECAGG_BAD_INPUT');
    expect(errorCode(() => rotate(new Float64Array(0), seedOf(1)))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => rotate([1, 2] as unknown as Float64Array, seedOf(1)))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => rotate(Float64Array.of(1, NaN), seedOf(1)))).toBe('E_UPDATE_NONFINITE');
    expect(errorCode(() => rotate(Float32Array.of(Infinity), seedOf(1)))).toBe('E_UPDATE_NONFINITE');
    expect(errorCode(() => unrotate(new Float64Array(8), seedOf(1), 9))).toBe('E_UPDATE_LENGTH');
    expect(errorCode(() => unrotate(Float64Array.of(NaN, 0), seedOf(1), 2))).toBe('E_UPDATE_NONFINITE');
    expect(errorCode(() => fwht(new Float64Array(6)))).toBe('E_CONFIG_INVALID');
    for (const d of [0, -1, 1.5, NaN, MAX_ROTATION_LENGTH + 1])
      expect(errorCode(() => paddedLength(d))).toBe('E_CONFIG_INVALID');
  });
});
