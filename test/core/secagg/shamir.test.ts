import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { errorCode } from '../../helpers/errors.ts';
import { P, add, inv, mul, randomElements, sub } from '../../../core/secagg/field.ts';
import {
  MAX_X,
  combine,
  decodeShare,
  encodeShare,
  encodedShareLength,
  split,
  splitWithCoefficients,
  type Share,
} from '../../../core/secagg/shamir.ts';
import { Pn, chunksToBytes, invn, modn, yBytes, yValues } from './field-reference.ts';

const code = errorCode;

/** Lagrange coefficient of point i at x = 0 over the x-coordinates xs. */
const lambdaN = (xs: number[], i: number): bigint =>
  xs.reduce((acc, xj, j) => (j === i ? acc : modn(acc * BigInt(xj) * invn(BigInt(xj - xs[i]!)))), 1n);

describe('GF(65537) arithmetic', () => {
  it('inverts every non-zero element (exhaustive) and maps 0 to 0', () => {
    for (let a = 1; a < P; a++) if (mul(a, inv(a)) !== 1) expect.fail(`inv(${a})`);
    expect(inv(0)).toBe(0);
    expect(inv(P - 1)).toBe(P - 1); // (−1)^(−1) = −1
  });

  it('multiplies, adds and subtracts exactly, including at p − 1', () => {
    const el = fc.integer({ min: 0, max: P - 1 });
    fc.assert(
      fc.property(el, el, (a, b) => {
        expect(mul(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % Pn));
        expect(add(a, b)).toBe((a + b) % P);
        expect(sub(a, b)).toBe(Number(modn(BigInt(a - b))));
      }),
    );
    expect(mul(P - 1, P - 1)).toBe(1);
    expect(sub(0, 1)).toBe(P - 1);
  });

  it('draws random elements in [0, p)', () => {
    const r = randomElements(10_000);
    expect(r.length).toBe(10_000);
    expect(r.every((v) => v < P)).toBe(true);
    expect(randomElements(0).length).toBe(0);
  });
});

describe('Shamir sharing: hand-checkable vectors', () => {
  it('t = 2, f(x) = 1234 + 166x: shares 1400, 1566, 1732; any two give 1234', () => {
    const shares = splitWithCoefficients(chunksToBytes([1234]), 2, [1, 2, 3], [166]);
    expect(shares.map((s) => s.x)).toEqual([1, 2, 3]);
    expect(shares.map(yValues)).toEqual([[1400], [1566], [1732]]);
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 0],
      [1, 0],
    ] as const) {
      expect(combine([shares[a]!, shares[b]!], 2, 2)).toEqual(chunksToBytes([1234]));
    }
  });

  it('wraps around p: f(x) = 65535 + 10x gives 8, 18, 28', () => {
    const shares = splitWithCoefficients(chunksToBytes([65535]), 2, [1, 2, 3], [10]);
    expect(shares.map(yValues)).toEqual([[8], [18], [28]]);
    expect(combine([shares[2]!, shares[0]!], 2, 2)).toEqual(chunksToBytes([65535]));
  });

  it('carries a y of p − 1 = 2^16 in the 3-byte encoding: f(x) = 0 + (p − 1)x = −x', () => {
    const shares = splitWithCoefficients(chunksToBytes([0]), 2, [1, 2, 3], [P - 1]);
    expect(shares.map(yValues)).toEqual([[65536], [65535], [65534]]);
    expect(Array.from(shares[0]!.y)).toEqual([0x00, 0x00, 0x01]);
    expect(combine([shares[0]!, shares[1]!], 2, 2)).toEqual(chunksToBytes([0]));
  });

  it('t = 3, f(x) = 5 + x + x^2: shares 7, 11, 17, 25; any three give 5, two do not', () => {
    const shares = splitWithCoefficients(chunksToBytes([5]), 3, [1, 2, 3, 4], [1, 1]);
    expect(shares.map(yValues)).toEqual([[7], [11], [17], [25]]);
    expect(combine([shares[3]!, shares[0]!, shares[2]!], 3, 2)).toEqual(chunksToBytes([5]));
    // The line through (1, 7) and (2, 11) meets x = 0 at 3, not 5.
    expect(combine([shares[0]!, shares[1]!], 2, 2)).toEqual(chunksToBytes([3]));
  });

  it('gives each chunk its own polynomial, chunks little-endian in secret and y', () => {
    const secret = chunksToBytes([1234, 65535]);
    expect(Array.from(secret)).toEqual([0xd2, 0x04, 0xff, 0xff]);
    const shares = splitWithCoefficients(secret, 2, [1, 2], [166, 10]);
    expect(shares.map(yValues)).toEqual([
      [1400, 8],
      [1566, 18],
    ]);
    expect(combine(shares, 2, 4)).toEqual(secret);
  });

  it('t = 1 hands every holder the secret itself', () => {
    const shares = splitWithCoefficients(chunksToBytes([1234, 7]), 1, [9, 4000], []);
    expect(shares.map(yValues)).toEqual([
      [1234, 7],
      [1234, 7],
    ]);
    expect(combine([shares[1]!], 1, 4)).toEqual(chunksToBytes([1234, 7]));
  });

  it('wire form: x uint16 LE, then 3 bytes LE per chunk', () => {
    const [s1] = splitWithCoefficients(chunksToBytes([1234]), 2, [1, 2], [166]);
    expect(Array.from(encodeShare(s1!))).toEqual([0x01, 0x00, 0x78, 0x05, 0x00]);
    const [s2] = splitWithCoefficients(chunksToBytes([0]), 2, [0x0102, 1], [P - 1]);
    // −258 mod p = 65279 = 0x00feff
    expect(Array.from(encodeShare(s2!))).toEqual([0x02, 0x01, 0xff, 0xfe, 0x00]);
    expect(decodeShare(encodeShare(s2!), 2)).toEqual(s2);
    expect(encodedShareLength(32)).toBe(50);
  });
});

describe('Shamir sharing: properties', () => {
  /** n in [1, 40], t in [1, n], n distinct x-coordinates over the whole uint16 range, and a subset of >= t positions in random order. */
  const setup = fc
    .integer({ min: 1, max: 40 })
    .chain((n) =>
      fc.tuple(
        fc.integer({ min: 1, max: n }),
        fc.uniqueArray(fc.integer({ min: 1, max: MAX_X }), { minLength: n, maxLength: n }),
      ),
    )
    .chain(([t, xs]) =>
      fc.tuple(
        fc.constant(t),
        fc.constant(xs),
        fc.shuffledSubarray(
          xs.map((_, i) => i),
          { minLength: t },
        ),
      ),
    );

  it('any t or more shares, in any order, reconstruct a 32-byte secret exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), setup, (secret, [t, xs, subset]) => {
        const shares = split(secret, t, xs);
        expect(shares.map((s) => s.x)).toEqual(xs);
        const chosen = subset.map((i) => decodeShare(encodeShare(shares[i]!), 32));
        expect(combine(chosen, t, 32)).toEqual(secret);
      }),
    );
  });

  it('t − 1 shares of A are consistent with every secret B: one fabricated share makes them reconstruct B', () => {
    const params = fc
      .integer({ min: 1, max: 20 })
      .chain((t) =>
        fc.tuple(
          fc.constant(t),
          fc.uniqueArray(fc.integer({ min: 1, max: MAX_X }), { minLength: t + 1, maxLength: t + 1 }),
        ),
      );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        params,
        (a, b, [t, xs]) => {
          // A is shared among xs[0..t−1]; an observer holds the first t − 1 shares.
          // xs[t] was never used, and the fabricated share goes there.
          const held = split(a, t, xs.slice(0, t)).slice(0, t - 1);
          const points = [...xs.slice(0, t - 1), xs[t]!];
          const lambdas = points.map((_, i) => lambdaN(points, i));
          const fakeY = Array.from({ length: 16 }, (_, c) => {
            const bChunk = BigInt(b[2 * c]! | (b[2 * c + 1]! << 8));
            const known = held.reduce((acc, s, i) => acc + lambdas[i]! * BigInt(yValues(s)[c]!), 0n);
            return Number(modn((bChunk - known) * invn(lambdas[t - 1]!)));
          });
          const fabricated: Share = { x: xs[t]!, y: yBytes(fakeY) };
          expect(combine([...held, fabricated], t, 32)).toEqual(b);
          expect(combine([fabricated, ...held], t, 32)).toEqual(b);
        },
      ),
    );
  });

  it('a single share (t = 2) is uniform over [0, p) and independent of the secret', () => {
    const N = 4096;
    const BUCKETS = 16;
    const histogram = (secret: Uint8Array): number[] => {
      const h = new Array<number>(BUCKETS).fill(0);
      for (let i = 0; i < N; i++) {
        const [s] = split(secret, 2, [1, 2]);
        h[Math.floor((yValues(s!)[0]! * BUCKETS) / P)]!++;
      }
      return h;
    };
    const zeros = histogram(new Uint8Array(32));
    const ones = histogram(new Uint8Array(32).fill(0xff));
    // Chi-square, 15 degrees of freedom: the 99.9th percentile is 37.7; 60 fails by chance about once in 10^7 runs.
    const expected = N / BUCKETS; // buckets hold 4096 or 4097 of the p values: uniform to 1 part in 4096
    for (const h of [zeros, ones]) {
      const chi2 = h.reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(60);
    }
    // Two-sample homogeneity chi-square (equal sample sizes), also 15 degrees of freedom.
    const chi2Two = zeros.reduce((acc, z, i) => acc + (z - ones[i]!) ** 2 / (z + ones[i]! || 1), 0);
    expect(chi2Two).toBeLessThan(60);
  });
});

describe('Shamir sharing: errors', () => {
  const secret = new Uint8Array(randomBytes(32));
  const shares = split(secret, 3, [1, 2, 3, 4, 5]);

  it('rejects bad split parameters', () => {
    expect(code(() => split(secret, 4, [1, 2, 3]))).toBe('E_SECAGG_SHARES'); // t > n
    expect(code(() => split(secret, 0, [1, 2, 3]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split(secret, 1.5, [1, 2, 3]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split(secret, 2, [1, 2, 2]))).toBe('E_SECAGG_SHARES'); // duplicate x
    expect(code(() => split(secret, 2, [0, 1]))).toBe('E_SECAGG_SHARES'); // x = 0 is the secret
    expect(code(() => split(secret, 2, [1, P]))).toBe('E_SECAGG_SHARES'); // x >= p
    expect(code(() => split(secret, 2, [1, P - 1]))).toBe('E_SECAGG_SHARES'); // 2^16 does not fit the uint16 wire x
    expect(code(() => split(secret, 2, [1, 2.5]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split(secret, 2, [1, -1]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split(new Uint8Array(31), 2, [1, 2]))).toBe('E_SECAGG_SHARES'); // odd length
    expect(code(() => split(new Uint8Array(0), 1, [1]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split(new Uint8Array(4098), 1, [1]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split([1, 2] as unknown as Uint8Array, 1, [1]))).toBe('E_SECAGG_SHARES');
    expect(code(() => split(new Uint8Array(4096), 1, [1, MAX_X]))).toBeUndefined();
    expect(code(() => splitWithCoefficients(chunksToBytes([1]), 2, [1, 2], [P]))).toBe('E_SECAGG_SHARES');
    expect(code(() => splitWithCoefficients(chunksToBytes([1]), 2, [1, 2], []))).toBe('E_SECAGG_SHARES');
  });

  it('rejects too few shares, duplicate or out-of-range x, and malformed y in combine', () => {
    expect(combine(shares.slice(2), 3, 32)).toEqual(secret);
    expect(code(() => combine(shares.slice(0, 2), 3, 32))).toBe('E_SECAGG_SHARES'); // fewer than t
    expect(code(() => combine([shares[0]!, shares[1]!, shares[0]!], 3, 32))).toBe('E_SECAGG_SHARES'); // duplicate x
    expect(code(() => combine([...shares.slice(0, 3), shares[0]!], 3, 32))).toBe('E_SECAGG_SHARES'); // duplicate beyond t
    expect(code(() => combine([{ ...shares[0]!, x: 0 }, shares[1]!, shares[2]!], 3, 32))).toBe('E_SECAGG_SHARES');
    expect(code(() => combine([{ ...shares[0]!, x: P }, shares[1]!, shares[2]!], 3, 32))).toBe('E_SECAGG_SHARES');
    expect(code(() => combine([{ ...shares[0]!, y: shares[0]!.y.subarray(1) }, shares[1]!, shares[2]!], 3, 32))).toBe(
      'E_SECAGG_SHARES',
    );
    const bigY = shares[0]!.y.slice();
    bigY.set([0x01, 0x00, 0x01], 3 * 7); // chunk 7 = p
    expect(code(() => combine([{ x: 1, y: bigY }, shares[1]!, shares[2]!], 3, 32))).toBe('E_SECAGG_SHARES');
    expect(code(() => combine(shares, 3, 31))).toBe('E_SECAGG_SHARES'); // odd length
    expect(code(() => combine(shares, 3, 30))).toBe('E_SECAGG_SHARES'); // y length does not match
    expect(code(() => combine(shares, 0, 32))).toBe('E_SECAGG_SHARES');
    expect(code(() => combine([null as unknown as Share, ...shares], 3, 32))).toBe('E_SECAGG_SHARES');
  });

  it('detects shares that interpolate to 2^16, which no 16-bit chunk can be', () => {
    // Line through (1, 0) and (2, 1) meets x = 0 at −1 = p − 1 = 2^16.
    const bad: Share[] = [
      { x: 1, y: yBytes([0, 5]) },
      { x: 2, y: yBytes([1, 5]) },
    ];
    expect(code(() => combine(bad, 2, 4))).toBe('E_SECAGG_SHARES');
    // The same shares with the offending chunk consistent decode fine.
    expect(combine([bad[0]!, { x: 2, y: yBytes([0, 5]) }], 2, 4)).toEqual(chunksToBytes([0, 5]));
  });

  it('rejects malformed encodings', () => {
    const wire = encodeShare(shares[0]!);
    expect(wire.length).toBe(50);
    expect(decodeShare(wire, 32)).toEqual(shares[0]);
    expect(code(() => decodeShare(wire.subarray(0, 49), 32))).toBe('E_SECAGG_SHARES'); // truncated
    expect(code(() => decodeShare(new Uint8Array([...wire, 0]), 32))).toBe('E_SECAGG_SHARES'); // trailing byte
    expect(code(() => decodeShare(wire, 30))).toBe('E_SECAGG_SHARES');
    expect(code(() => decodeShare(wire, 33))).toBe('E_SECAGG_SHARES');
    const x0 = wire.slice();
    x0.set([0, 0], 0);
    expect(code(() => decodeShare(x0, 32))).toBe('E_SECAGG_SHARES'); // x = 0
    for (const y of [
      [0x01, 0x00, 0x01],
      [0xff, 0xff, 0xff],
      [0x00, 0x00, 0x02],
    ]) {
      const bad = wire.slice();
      bad.set(y, 2 + 3 * 15);
      expect(code(() => decodeShare(bad, 32))).toBe('E_SECAGG_SHARES'); // y >= p
    }
    const max = wire.slice();
    max.set([0x00, 0x00, 0x01], 2); // y = p − 1 is a field element
    expect(yValues(decodeShare(max, 32))[0]).toBe(P - 1);
    expect(code(() => decodeShare([] as unknown as Uint8Array, 32))).toBe('E_SECAGG_SHARES');
    expect(code(() => encodeShare({ x: 0, y: shares[0]!.y }))).toBe('E_SECAGG_SHARES');
    expect(code(() => encodeShare({ x: 1, y: new Uint8Array(4) }))).toBe('E_SECAGG_SHARES');
    expect(code(() => encodeShare({ x: 1, y: new Uint8Array([1, 0, 1]) }))).toBe('E_SECAGG_SHARES');
  });

  it('decodes into a copy, independent of the wire buffer', () => {
    const wire = encodeShare(shares[0]!);
    const s = decodeShare(wire, 32);
    wire.fill(0);
    expect(s).toEqual(shares[0]);
  });
});

describe('Shamir sharing: size sanity', () => {
  it('splits among n = 100 with t = 51 and combines', () => {
    const secret = new Uint8Array(randomBytes(32));
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const shares = split(secret, 51, xs);
    expect(combine(shares.slice(49).reverse(), 51, 32)).toEqual(secret);
  });
});
