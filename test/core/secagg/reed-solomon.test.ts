import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errorCode } from '../../helpers/errors.ts';
import { P } from '../../../core/secagg/field.ts';
import { MAX_X, combine, split, splitWithCoefficients, type Share } from '../../../core/secagg/shamir.ts';
import {
  MAX_DECODE_SHARES,
  MAX_SUBSET_TRIALS,
  decodeShares,
  reconstructVerified,
} from '../../../core/secagg/reed-solomon.ts';
import { chunksToBytes, invn, modn, yBytes, yValues } from './field-reference.ts';

const code = errorCode;

const withY = (s: Share, values: number[]): Share => ({ x: s.x, y: yBytes(values) });

/** C(m, j): j-subsets of m. */
const choose = (m: number, j: number): number => (j === 0 ? 1 : (choose(m - 1, j - 1) * m) / j);
/** The subsets reconstructVerified's search tries leaving out 1 … j shares: Σ C(t + i, i). */
/** Subset trials through level j: at level l, every t-subset of the first t + l shares holding share t + l − 1, C(t + l − 1, l) of them. */
const trialsUpTo = (t: number, j: number): number =>
  Array.from({ length: j }, (_, i) => choose(t + i, i + 1)).reduce((a, b) => a + b, 0);

/** `share` with each listed chunk moved by a non-zero delta mod p, so it always changes and stays in [0, p). */
function corrupt(share: Share, changes: ReadonlyArray<readonly [chunk: number, delta: number]>): Share {
  const v = yValues(share);
  for (const [c, d] of changes) v[c] = (v[c]! + d) % P;
  return withY(share, v);
}

/**
 * A verify callback bound to a SHA-256 commitment, as a caller would hold for
 * a seed; records what it was shown, so tests can tell which path ran.
 */
function hashCommitment(secret: Uint8Array): { verify: (s: Uint8Array) => boolean; seen: Uint8Array[] } {
  const commitment = createHash('sha256').update(secret).digest();
  const seen: Uint8Array[] = [];
  return {
    seen,
    verify: (s) => {
      seen.push(s.slice());
      return timingSafeEqual(createHash('sha256').update(s).digest(), commitment);
    },
  };
}

/**
 * The secret of the one polynomial vector of degree < t through every share,
 * or undefined if the shares do not all lie on one: Lagrange through the first
 * t, evaluated at 0 and at every other x.
 */
function consistentSecret(shares: readonly Share[], t: number): Uint8Array | undefined {
  const xs = shares.map((s) => BigInt(s.x));
  const basis = (at: bigint): bigint[] =>
    xs
      .slice(0, t)
      .map((xi, i) =>
        xs.slice(0, t).reduce((acc, xk, k) => (k === i ? acc : modn(acc * (at - xk) * invn(xi - xk))), 1n),
      );
  const points = [0n, ...xs.slice(t)].map(basis);
  const ys = shares.map(yValues);
  const out: number[] = [];
  for (let c = 0; c < ys[0]!.length; c++) {
    const [atZero, ...atOthers] = points.map((l) =>
      Number(modn(l.reduce((acc, li, i) => acc + li * BigInt(ys[i]![c]!), 0n))),
    );
    if (atOthers.some((v, j) => v !== ys[t + j]![c])) return undefined;
    if (atZero! >= 0x10000) return undefined;
    out.push(atZero!);
  }
  return chunksToBytes(out);
}

const copyShares = (shares: readonly Share[]): Share[] => shares.map((s) => ({ x: s.x, y: s.y.slice() }));

describe('Reed–Solomon decoding of Shamir shares: hand-checkable vectors', () => {
  // t = 2, f(x) = 1234 + 166x at x = 1..5 gives 1400, 1566, 1732, 1898, 2064.
  // Share 1 (x = 2) is raised by 600 to 2166. m = 5, so e = ⌊(5 − 2)/2⌋ = 1.
  // Gao, over the rationals (each maps to GF(p)):
  //   g0 = (x−1)(x−2)(x−3)(x−4)(x−5) = x^5 − 15x^4 + 85x^3 − 225x^2 + 274x − 120
  //   g1 = f + 600·L_2 with L_2 = (x−1)(x−3)(x−4)(x−5)/((2−1)(2−3)(2−4)(2−5)) = −(x^4 − 13x^3 + 59x^2 − 107x + 60)/6
  //      = −100x^4 + 1300x^3 − 5900x^2 + 10866x − 4766
  //   deg g1 = 4 ≥ (m + t)/2 = 3.5, so one Euclidean step: g0 = q·g1 + r with
  //   q = −x/100 + 1/50 and r = (83x^2 + 451x − 1234)/50; deg r = 2 < 3.5, stop.
  //   v = −q = (x − 2)/100: the error locator, its root is share 1's x.
  //   r / v = 166x + 1234 with remainder 0, degree 1 < t: f, secret 1234.
  // combine on the first two shares instead draws the line through (1, 1400) and (2, 2166),
  // slope 766, and gets 1400 − 766 = 634.
  const f = splitWithCoefficients(chunksToBytes([1234]), 2, [1, 2, 3, 4, 5], [166]);
  const received = [f[0]!, withY(f[1]!, [2166]), f[2]!, f[3]!, f[4]!];

  it('t = 2, f(x) = 1234 + 166x, share at x = 2 wrong: decodes 1234 and names share 1', () => {
    expect(f.map(yValues)).toEqual([[1400], [1566], [1732], [1898], [2064]]);
    expect(combine(received, 2, 2)).toEqual(chunksToBytes([634]));
    expect(decodeShares(received, 2, 2)).toEqual({ secret: chunksToBytes([1234]), bad: [1] });
    // The same word in another order: the liar is named by its new index.
    expect(decodeShares([received[4]!, received[1]!, received[0]!, received[3]!, received[2]!], 2, 2).bad).toEqual([1]);
  });

  it('the same vector through reconstructVerified: the fast path fails verification, the decoder fixes it', () => {
    const { verify, seen } = hashCommitment(chunksToBytes([1234]));
    expect(reconstructVerified(received, 2, 2, verify)).toEqual({ secret: chunksToBytes([1234]), bad: [1] });
    expect(seen).toEqual([chunksToBytes([634]), chunksToBytes([1234])]);
  });

  it('t = 3, f(x) = 5 + x + x^2 at x = 1..5 (7, 11, 17, 25, 35), share at x = 5 sent as 36: fast path, share 4 named', () => {
    const shares = splitWithCoefficients(chunksToBytes([5]), 3, [1, 2, 3, 4, 5], [1, 1]);
    expect(shares.map(yValues)).toEqual([[7], [11], [17], [25], [35]]);
    const bad = [...shares.slice(0, 4), withY(shares[4]!, [36])];
    expect(decodeShares(bad, 3, 2)).toEqual({ secret: chunksToBytes([5]), bad: [4] });
    const { verify, seen } = hashCommitment(chunksToBytes([5]));
    expect(reconstructVerified(bad, 3, 2, verify)).toEqual({ secret: chunksToBytes([5]), bad: [4] });
    expect(seen).toHaveLength(1); // combine on the first three was accepted
    expect(seen[0]).toEqual(combine(bad, 3, 2));
  });

  it('a one-chunk lie in the first share of a 32-byte secret', () => {
    const secret = new Uint8Array(randomBytes(32));
    const xs = [0xfffe, 3, MAX_X, 1, 40_000, 17, 2];
    const shares = split(secret, 3, xs); // m = 7, e = 2
    const received = [corrupt(shares[0]!, [[15, 1]]), ...shares.slice(1)];
    expect(combine(received, 3, 32)).not.toEqual(secret);
    expect(decodeShares(received, 3, 32)).toEqual({ secret, bad: [0] });
  });

  it('a first-t lie that pushes combine to 2^16: fast path throws inside, the decoder recovers', () => {
    // f(x) = 10x at x = 1..5; λ at 0 over x = 1, 2 is (2, −1), so y_1 = (20 − 1)/2 = 32778 makes combine give −1 = 2^16.
    const shares = splitWithCoefficients(chunksToBytes([0]), 2, [1, 2, 3, 4, 5], [10]);
    const received = [withY(shares[0]!, [32778]), ...shares.slice(1)];
    expect(code(() => combine(received, 2, 2))).toBe('E_SECAGG_SHARES');
    const { verify, seen } = hashCommitment(chunksToBytes([0]));
    expect(reconstructVerified(received, 2, 2, verify)).toEqual({ secret: chunksToBytes([0]), bad: [0] });
    expect(seen).toHaveLength(1);
  });

  it('t = 1: every share is the secret, and the majority wins', () => {
    const shares = splitWithCoefficients(chunksToBytes([7, 9]), 1, [1, 2, 3, 4, 5], []);
    const received = [withY(shares[0]!, [8, 9]), shares[1]!, withY(shares[2]!, [7, 10]), shares[3]!, shares[4]!];
    expect(decodeShares(received, 1, 4)).toEqual({ secret: chunksToBytes([7, 9]), bad: [0, 2] });
  });

  it('m = t: nothing to correct, decodes like combine', () => {
    const secret = new Uint8Array(randomBytes(32));
    const shares = split(secret, 4, [9, 8, 7, 6]);
    expect(decodeShares(shares, 4, 32)).toEqual({ secret: combine(shares, 4, 32), bad: [] });
  });
});

describe('Reed–Solomon decoding of Shamir shares: properties', () => {
  /** A lie: one chunk (the common case to test), or several; deltas in [1, p) so the value always changes. */
  const lie = (chunks: number) =>
    fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: chunks - 1 }), fc.integer({ min: 1, max: P - 1 })).map((c) => [c]),
      fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: chunks - 1 }), fc.integer({ min: 1, max: P - 1 })), {
        minLength: 1,
        maxLength: chunks,
        selector: ([c]) => c,
      }),
    );

  /**
   * Secret of even length 2..64, t in 1..20, m in t..t+20 distinct x over the
   * whole uint16 range, and `liars(e)` shares lied about (e = ⌊(m − t)/2⌋).
   */
  const scenario = (liars: (e: number) => fc.Arbitrary<number>) =>
    fc
      .record({
        chunks: fc.integer({ min: 1, max: 32 }),
        t: fc.integer({ min: 1, max: 20 }),
        spare: fc.integer({ min: 0, max: 20 }),
      })
      .chain(({ chunks, t, spare }) => {
        const m = t + spare;
        const e = Math.floor(spare / 2);
        return fc
          .record({
            secret: fc.uint8Array({ minLength: 2 * chunks, maxLength: 2 * chunks }),
            xs: fc.uniqueArray(fc.integer({ min: 1, max: MAX_X }), { minLength: m, maxLength: m }),
            k: liars(e),
          })
          .chain(({ secret, xs, k }) =>
            fc.record({
              secret: fc.constant(secret),
              t: fc.constant(t),
              e: fc.constant(e),
              xs: fc.constant(xs),
              positions: fc.shuffledSubarray(
                xs.map((_, i) => i),
                { minLength: k, maxLength: k },
              ),
              lies: fc.array(lie(chunks), { minLength: k, maxLength: k }),
            }),
          );
      });

  type Scenario = {
    secret: Uint8Array;
    t: number;
    e: number;
    xs: number[];
    positions: number[];
    lies: [number, number][][];
  };
  const build = ({ secret, t, xs, positions, lies }: Scenario): { received: Share[]; liars: number[] } => {
    const received = split(secret, t, xs);
    positions.forEach((i, n) => (received[i] = corrupt(received[i]!, lies[n]!)));
    return { received, liars: [...positions].sort((a, b) => a - b) };
  };
  /** Holds `check` over 300 scenarios with `liars(e)` liars, each built into the shares received and who lied. */
  const forScenarios = (
    liars: (e: number) => fc.Arbitrary<number>,
    check: (s: Scenario, built: ReturnType<typeof build>) => void,
  ) =>
    fc.assert(
      fc.property(scenario(liars), (s) => check(s, build(s))),
      { numRuns: 300 },
    );
  const upToE = (e: number) => fc.integer({ min: 0, max: e });

  it('up to ⌊(m − t)/2⌋ liars: decodeShares returns the secret and exactly the liars', () => {
    forScenarios(upToE, (s, { received, liars }) => {
      const before = copyShares(received);
      expect(decodeShares(received, s.t, s.secret.length)).toEqual({ secret: s.secret, bad: liars });
      expect(received).toEqual(before); // inputs untouched
    });
  });

  it('up to ⌊(m − t)/2⌋ liars: reconstructVerified returns the secret and the liars, taking the fast path iff the first t are honest', () => {
    forScenarios(upToE, (s, { received, liars }) => {
      const { verify, seen } = hashCommitment(s.secret);
      expect(reconstructVerified(received, s.t, s.secret.length, verify)).toEqual({ secret: s.secret, bad: liars });
      if (liars.some((i) => i < s.t)) {
        // The fast path was rejected by verify, or combine itself found a chunk at 2^16.
        if (seen.length === 1) expect(code(() => combine(received, s.t, s.secret.length))).toBe('E_SECAGG_SHARES');
        else expect(seen).toHaveLength(2);
        expect(seen.at(-1)).toEqual(s.secret);
      } else {
        expect(seen).toEqual([s.secret]);
      }
    });
  });

  it('⌊(m − t)/2⌋ + 1 liars: decodeShares throws or returns a different secret; reconstructVerified never returns a wrong one', () => {
    // If every chunk decoded right, all e + 1 liars would be named, over the bound, so it throws.
    // A wrong chunk f' agrees with f on at least m − 2e − 1 ≥ t − 1 of the x_i; had it also f'(0) = f(0),
    // f' − f would have t roots and f' = f. So a returned answer always has a wrong secret.
    forScenarios(
      (e) => fc.constant(e + 1),
      (s, { received, liars }) => {
        const len = s.secret.length;
        let decoded: { secret: Uint8Array; bad: number[] } | undefined;
        const c = code(() => (decoded = decodeShares(received, s.t, len)));
        if (c !== undefined) expect(c).toBe('E_SECAGG_SHARES');
        else {
          expect(decoded!.secret).not.toEqual(s.secret);
          expect(decoded!.bad.length).toBeLessThanOrEqual(s.e);
          // Still a codeword within e of what was received: the shares not named lie on one polynomial vector with this secret.
          expect(
            consistentSecret(
              received.filter((_, i) => !decoded!.bad.includes(i)),
              s.t,
            ),
          ).toEqual(decoded!.secret);
        }
        // The commitment still picks the right polynomial: the subset search finds an honest t-subset
        // whenever at most m − t shares lie and the trials it needs are within MAX_SUBSET_TRIALS.
        const { verify } = hashCommitment(s.secret);
        let verified: { secret: Uint8Array; bad: number[] } | undefined;
        const cv = code(() => (verified = reconstructVerified(received, s.t, len, verify)));
        if (cv !== undefined) expect(cv).toBe('E_SECAGG_SHARES');
        else expect(verified!.secret).toEqual(s.secret);
        const spare = s.xs.length - s.t;
        if (liars.length <= spare && trialsUpTo(s.t, liars.length) <= MAX_SUBSET_TRIALS) expect(cv).toBeUndefined();
        if (liars.length > spare) expect(cv).toBe('E_SECAGG_SHARES');
      },
    );
  });
});

describe('reconstructVerified', () => {
  const secret = new Uint8Array(randomBytes(32));
  const xs = Array.from({ length: 11 }, (_, i) => 100 + 7 * i);
  const t = 5; // m = 11, e = 3
  const shares = split(secret, t, xs);

  it('no liars: combine of the first t, bad = [], one verify call', () => {
    const { verify, seen } = hashCommitment(secret);
    const r = reconstructVerified(shares, t, 32, verify);
    expect(r).toEqual({ secret, bad: [] });
    expect(r.secret).toEqual(combine(shares, t, 32));
    expect(seen).toHaveLength(1);
  });

  it('liars among the first t: verification rejects the fast path, the decoder fixes it and names them', () => {
    const received = copyShares(shares);
    received[0] = corrupt(received[0]!, [[3, 5]]);
    received[4] = corrupt(received[4]!, [
      [0, 1],
      [15, 2],
    ]);
    received[9] = corrupt(received[9]!, [[7, 9]]);
    const { verify, seen } = hashCommitment(secret);
    expect(reconstructVerified(received, t, 32, verify)).toEqual({ secret, bad: [0, 4, 9] });
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toEqual(secret);
  });

  it('liars only after the first t: the fast path is accepted and still names them, even beyond e', () => {
    const received = copyShares(shares);
    for (const i of [5, 6, 8, 10]) received[i] = corrupt(received[i]!, [[i, 1]]); // 4 > e = 3
    const { verify, seen } = hashCommitment(secret);
    expect(reconstructVerified(received, t, 32, verify)).toEqual({ secret, bad: [5, 6, 8, 10] });
    expect(seen).toHaveLength(1);
    expect(code(() => decodeShares(received, t, 32))).toBe('E_SECAGG_SHARES'); // too many for the decoder alone
  });

  it('checkSpares false: unneeded liars are not looked at, needed ones are still found by the fallback', () => {
    const after = copyShares(shares);
    for (const i of [5, 6, 8, 10]) after[i] = corrupt(after[i]!, [[i, 1]]);
    expect(reconstructVerified(after, t, 32, hashCommitment(secret).verify, { checkSpares: false })).toEqual({
      secret,
      bad: [],
    });
    const among = copyShares(shares);
    among[0] = corrupt(among[0]!, [[3, 5]]);
    expect(reconstructVerified(among, t, 32, hashCommitment(secret).verify, { checkSpares: false })).toEqual({
      secret,
      bad: [0],
    });
  });

  it('throws when nothing verifies, and accepts only a literal true', () => {
    expect(code(() => reconstructVerified(shares, t, 32, () => false))).toBe('E_SECAGG_SHARES');
    expect(code(() => reconstructVerified(shares, t, 32, () => 1 as unknown as boolean))).toBe('E_SECAGG_SHARES');
    const other = hashCommitment(new Uint8Array(32));
    expect(code(() => reconstructVerified(shares, t, 32, other.verify))).toBe('E_SECAGG_SHARES');
    // Fast path, the decoder's (same) answer, then each new t-subset of the first t + j, j = 1 … m − t: none tried twice.
    expect(other.seen).toHaveLength(2 + trialsUpTo(t, xs.length - t));
  });

  it('hands verify a copy, zeroed when it returns, and lets its errors through', () => {
    let held: Uint8Array | undefined;
    const r = reconstructVerified(shares, t, 32, (s) => {
      held = s;
      const ok = s.every((b, i) => b === secret[i]);
      s.fill(0xaa); // a careless callback cannot change the result
      return ok;
    });
    expect(r.secret).toEqual(secret);
    expect(held!.every((b) => b === 0)).toBe(true);
    const boom = new Error('verifier down');
    expect(() =>
      reconstructVerified(shares, t, 32, () => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it('respects maxErrors on the decoder path', () => {
    const received = copyShares(shares);
    received[1] = corrupt(received[1]!, [[2, 3]]);
    received[2] = corrupt(received[2]!, [[2, 3]]);
    const { verify } = hashCommitment(secret);
    expect(code(() => reconstructVerified(received, t, 32, verify, { maxErrors: 1 }))).toBe('E_SECAGG_SHARES');
    expect(reconstructVerified(received, t, 32, verify, { maxErrors: 2 })).toEqual({ secret, bad: [1, 2] });
  });

  it('beyond the decoder, the commitment picks the subset: t = 4 of m = 5 with one wrong share (e = 0)', () => {
    // n = 5, t = 4, every hospital revealing: one liar leaves the decoder nothing to correct with.
    const five = split(secret, 4, [1, 2, 3, 4, 5]);
    for (const liar of [0, 2, 4]) {
      const received = copyShares(five);
      received[liar] = corrupt(received[liar]!, [[liar, 1]]);
      expect(code(() => decodeShares(received, 4, 32))).toBe('E_SECAGG_SHARES');
      expect(reconstructVerified(received, 4, 32, hashCommitment(secret).verify)).toEqual({ secret, bad: [liar] });
      // maxErrors 0 allows no share left out: a needed wrong share is then fatal (a spare one never is).
      if (liar < 4)
        expect(code(() => reconstructVerified(received, 4, 32, hashCommitment(secret).verify, { maxErrors: 0 }))).toBe(
          'E_SECAGG_SHARES',
        );
    }
    // Two wrong of five: no 4 honest shares, nothing to find.
    const two = copyShares(five);
    two[1] = corrupt(two[1]!, [[0, 1]]);
    two[3] = corrupt(two[3]!, [[0, 1]]);
    expect(code(() => reconstructVerified(two, 4, 32, hashCommitment(secret).verify))).toBe('E_SECAGG_SHARES');
  });

  it('the search stops after MAX_SUBSET_TRIALS combinations', () => {
    // t = 30 and m = 40 with the first 10 shares wrong: the decoder corrects 5, and the honest subset
    // leaves out 10 of the first 40, beyond the trials (C(31, 1) + C(32, 2) + C(33, 3) alone pass 4096).
    const many = split(
      secret,
      30,
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    for (let i = 0; i < 10; i++) many[i] = corrupt(many[i]!, [[0, 1]]);
    const { verify, seen } = hashCommitment(secret);
    expect(code(() => reconstructVerified(many, 30, 32, verify))).toBe('E_SECAGG_SHARES');
    // The fast path, the decoder's answer if it found a (wrong) one, then one secret a trial: at most
    // MAX_SUBSET_TRIALS + 2. A trial whose wrong chunk 0 happens to decode to 2^16 (1 in 65,537: the polynomial's
    // coefficients are random) shows verify nothing, so a run may show a few fewer (more than 8: about 1e-16).
    expect(seen.length).toBeLessThanOrEqual(MAX_SUBSET_TRIALS + 2);
    expect(seen.length).toBeGreaterThanOrEqual(MAX_SUBSET_TRIALS - 8);
  });

  it('a budget shared between calls bounds the search across them', () => {
    const five = split(secret, 4, [1, 2, 3, 4, 5]);
    const received = copyShares(five);
    received[0] = corrupt(received[0]!, [[0, 1]]); // found on the first trial (leave out share 0)
    const budget = { trials: 1 };
    expect(reconstructVerified(received, 4, 32, hashCommitment(secret).verify, { budget }).secret).toEqual(secret);
    expect(budget.trials).toBe(0);
    // Spent: the same rebuild now finds nothing, trying nothing.
    const { verify, seen } = hashCommitment(secret);
    expect(code(() => reconstructVerified(received, 4, 32, verify, { budget }))).toBe('E_SECAGG_SHARES');
    expect(seen).toHaveLength(1); // the fast path only (the decoder corrects nothing at m − t = 1)
  });
});

describe('decodeShares: bounds', () => {
  const secret = new Uint8Array(randomBytes(32));
  const shares = split(secret, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]); // m = 9, t = 3, e = 3

  it('maxErrors lowers the correction radius, down to detection only at 0', () => {
    const two = copyShares(shares);
    two[3] = corrupt(two[3]!, [[0, 1]]);
    two[7] = corrupt(two[7]!, [[1, 1]]);
    expect(code(() => decodeShares(two, 3, 32, 1))).toBe('E_SECAGG_SHARES');
    expect(decodeShares(two, 3, 32, 2)).toEqual({ secret, bad: [3, 7] });
    expect(decodeShares(two, 3, 32, 100)).toEqual({ secret, bad: [3, 7] }); // capped at e
    expect(decodeShares(shares, 3, 32, 0)).toEqual({ secret, bad: [] });
    expect(code(() => decodeShares([corrupt(shares[0]!, [[0, 1]]), ...shares.slice(1)], 3, 32, 0))).toBe(
      'E_SECAGG_SHARES',
    );
  });

  it('counts a share as one liar however many chunks it lies in, and bounds liars across chunks', () => {
    const wide = copyShares(shares);
    wide[0] = corrupt(
      wide[0]!,
      Array.from({ length: 16 }, (_, c) => [c, c + 1] as const),
    );
    expect(decodeShares(wide, 3, 32)).toEqual({ secret, bad: [0] });
    // Chunk 0 lied about by shares 0, 1; chunk 1 by 2, 3: each chunk alone is within e = 3,
    // but four shares lie, more than any decoding within e can attribute.
    const spread = copyShares(shares);
    spread[0] = corrupt(spread[0]!, [[0, 1]]);
    spread[1] = corrupt(spread[1]!, [[0, 1]]);
    spread[2] = corrupt(spread[2]!, [[1, 1]]);
    spread[3] = corrupt(spread[3]!, [[1, 1]]);
    expect(code(() => decodeShares(spread, 3, 32))).toBe('E_SECAGG_SHARES');
  });

  it('throws when a chunk decodes to 2^16', () => {
    // y = x − 1 is f(x) = x − 1, whose constant term is −1 = 2^16; a liar at x = 3 does not change that.
    const received: Share[] = [1, 2, 3, 4, 5].map((x) => ({ x, y: yBytes([x === 3 ? 77 : x - 1, 5]) }));
    expect(code(() => decodeShares(received, 2, 4))).toBe('E_SECAGG_SHARES');
    // reconstructVerified's fallbacks skip it (and the subsets through it) rather than throw: the subsets
    // that keep the liar decode to other secrets, none of which verifies here.
    expect(code(() => reconstructVerified(received, 2, 4, hashCommitment(new Uint8Array(4)).verify))).toBe(
      'E_SECAGG_SHARES',
    );
  });

  it('m = 500, t = 260, 32-byte secret, 20 liars spread over all positions', () => {
    const xs = Array.from({ length: 500 }, (_, i) => 3 * i + 1);
    const big = split(secret, 260, xs);
    const liars = Array.from({ length: 20 }, (_, k) => 25 * k + (k % 7)); // 0, 26, 52, …: first t and after
    const received = copyShares(big);
    liars.forEach((i, k) => (received[i] = corrupt(received[i]!, [[k % 16, 1 + k]])));
    expect(decodeShares(received, 260, 32)).toEqual({ secret, bad: liars });
    const { verify, seen } = hashCommitment(secret);
    expect(reconstructVerified(received, 260, 32, verify)).toEqual({ secret, bad: liars });
    expect(seen).toHaveLength(2);
    expect(reconstructVerified(big, 260, 32, verify)).toEqual({ secret, bad: [] });
  });
});

describe('decodeShares and reconstructVerified: bad input', () => {
  const secret = new Uint8Array(randomBytes(32));
  const shares = split(secret, 3, [1, 2, 3, 4, 5]);
  const ok = (): boolean => true;
  const both = (s: readonly Share[], t: number, len: number, maxErrors?: number): Array<string | undefined> => [
    code(() => decodeShares(s, t, len, maxErrors)),
    code(() => reconstructVerified(s, t, len, ok, { maxErrors })),
  ];
  const rejected = ['E_SECAGG_SHARES', 'E_SECAGG_SHARES'];

  it('rejects what combine rejects', () => {
    expect(both(shares, 3, 32)).toEqual([undefined, undefined]);
    expect(both(shares.slice(0, 2), 3, 32)).toEqual(rejected); // m < t
    expect(both([shares[0]!, shares[1]!, shares[0]!], 3, 32)).toEqual(rejected); // duplicate x
    expect(both([...shares, { ...shares[4]!, x: 1 }], 3, 32)).toEqual(rejected); // duplicate beyond t
    expect(both([{ ...shares[0]!, x: 0 }, ...shares.slice(1)], 3, 32)).toEqual(rejected);
    expect(both([{ ...shares[0]!, x: MAX_X + 1 }, ...shares.slice(1)], 3, 32)).toEqual(rejected);
    expect(both([{ ...shares[0]!, x: 1.5 }, ...shares.slice(1)], 3, 32)).toEqual(rejected);
    expect(both([{ ...shares[0]!, x: '1' as unknown as number }, ...shares.slice(1)], 3, 32)).toEqual(rejected);
    expect(both([...shares.slice(0, 4), { ...shares[4]!, y: shares[4]!.y.subarray(3) }], 3, 32)).toEqual(rejected); // wrong y length
    expect(
      both([...shares.slice(0, 4), { ...shares[4]!, y: Array.from(shares[4]!.y) as unknown as Uint8Array }], 3, 32),
    ).toEqual(rejected);
    const bigY = shares[2]!.y.slice();
    bigY.set([0x01, 0x00, 0x01], 3 * 9); // chunk 9 = p
    expect(both([shares[0]!, shares[1]!, { x: 3, y: bigY }], 3, 32)).toEqual(rejected);
    expect(both(shares, 0, 32)).toEqual(rejected);
    expect(both(shares, 2.5, 32)).toEqual(rejected);
    expect(both(shares, 3, 31)).toEqual(rejected); // odd length
    expect(both(shares, 3, 30)).toEqual(rejected); // y length does not match
    expect(both(shares, 3, 0)).toEqual(rejected);
    expect(both(shares, 3, 4098)).toEqual(rejected);
    expect(both([null as unknown as Share, ...shares], 3, 32)).toEqual(rejected);
    expect(both('shares' as unknown as Share[], 3, 32)).toEqual(rejected);
  });

  it('caps the number of shares, since decoding is quadratic in it', () => {
    const many = split(
      new Uint8Array(2),
      1,
      Array.from({ length: MAX_DECODE_SHARES + 1 }, (_, i) => i + 1),
    );
    expect(both(many, 1, 2)).toEqual(rejected);
    expect(both(many.slice(0, 3), 1, 2)).toEqual([undefined, undefined]);
  });

  it('rejects a bad maxErrors or verify', () => {
    expect(both(shares, 3, 32, -1)).toEqual(rejected);
    expect(both(shares, 3, 32, 0.5)).toEqual(rejected);
    expect(both(shares, 3, 32, Number.NaN)).toEqual(rejected);
    expect(code(() => reconstructVerified(shares, 3, 32, 'yes' as unknown as () => boolean))).toBe('E_SECAGG_SHARES');
  });
});
