/**
 * Exact integer arithmetic for the discrete samplers: ⌊√n⌋ on bigints, and,
 * in doubles without bigints for the hot path of discrete-gaussian-karney.ts,
 * a bound on ⌊i²·q/2^F⌋ and the reduction of a random word to [0, m).
 *
 * Why doubles can do this exactly: a double holds every integer below 2^53,
 * so a product of two integers below 2^26.5 (or sums of a few below 2^52 and
 * 2^53) is exact; multiplying by a power of two only moves the exponent, so
 * x·2^e is exact for such x (no overflow or underflow at the magnitudes here);
 * and Math.floor of an exact value is exact. Operands wider than 53 bits are
 * split into base-2^26 limbs, as in schoolbook multi-precision arithmetic
 * (Knuth, TAOCP vol. 2, §4.3.1). Nothing here rounds: every step is an integer
 * operation on integers below 2^53, or an exact floor of one scaled by 2^e.
 */
import { CohortError } from '../errors.ts';
import { bitLength } from './random.ts';

const TWO_16 = 2 ** 16;
const INV_TWO_16 = 2 ** -16;
const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;
const TWO_32 = 2 ** 32;
const INV_TWO_32 = 2 ** -32;

/** Largest i accepted by squareTimesFloor: i² then has three base-2^26 limbs, the top one below 2^24. */
export const MAX_SQUARE_ROOT = 2 ** 38;
/** Largest i with i² < 2^53 (94906265² = 2^53 − 118490767). */
const MAX_EXACT_SQUARE_ROOT = 94_906_265;
/** squareTimesFloor's result is at most this much below the exact floor (it adds four floors). */
export const SQUARE_TIMES_FLOOR_DEFICIT = 3;

/** ⌊√n⌋ for a bigint n ≥ 0 (Newton's method from above). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1); // > √n
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * A fixed-point multiplier q/2^F with q in [2^51, 2^52) split into base-2^26
 * limbs q = q1·2^26 + q0, and the powers of two that scale the columns of a
 * product with a three-limb integer down by 2^F.
 */
export interface FixedMultiplier {
  readonly q: bigint;
  readonly shift: number;
  readonly q1: number;
  readonly q0: number;
  /** 2^(78−F), 2^(52−F), 2^(26−F), 2^−F. */
  readonly s3: number;
  readonly s2: number;
  readonly s1: number;
  readonly s0: number;
}

/** The multiplier q/2^shift; q must lie in [2^51, 2^52) and shift in [−200, 200] (scales stay normal doubles). */
export function fixedMultiplier(q: bigint, shift: number): FixedMultiplier {
  if (q < 1n << 51n || q >= 1n << 52n || !Number.isSafeInteger(shift) || Math.abs(shift) > 200) {
    throw new CohortError(
      'E_INTERNAL',
      `fixedMultiplier expects q in [2^51, 2^52) and |shift| <= 200, got ${q}, ${shift}`,
    );
  }
  const qn = Number(q);
  const q1 = Math.floor(qn * INV_TWO_26);
  return {
    q,
    shift,
    q1,
    q0: qn - q1 * TWO_26,
    s3: 2 ** (78 - shift),
    s2: 2 ** (52 - shift),
    s1: 2 ** (26 - shift),
    s0: 2 ** -shift,
  };
}

/**
 * A lower bound X on ⌊i²·q/2^F⌋ with X ≤ ⌊i²·q/2^F⌋ ≤ X + 3, for an integer
 * 0 ≤ i < MAX_SQUARE_ROOT, provided i²·q/2^F < 2^53 (the caller's bound; each
 * term below is at most that). i² is formed exactly in three limbs d2, d1,
 * d0; the product with q1, q0 falls into four columns of weight 2^78, 2^52,
 * 2^26 and 1, each a sum of at most two products below 2^52; each column is
 * scaled by 2^−F and floored, and the sum of four floors is at most 3 below
 * the floor of the sum (three floors when i² < 2^53, which has no third limb).
 */
export function squareTimesFloor(i: number, m: FixedMultiplier): number {
  if (i <= MAX_EXACT_SQUARE_ROOT) {
    // i² < 2^53 is exact as it stands: two limbs, d2 = 0.
    const sq = i * i;
    const s1 = Math.floor(sq * INV_TWO_26);
    const s0 = sq - s1 * TWO_26;
    return Math.floor(s1 * m.q1 * m.s2) + Math.floor((s1 * m.q0 + s0 * m.q1) * m.s1) + Math.floor(s0 * m.q0 * m.s0);
  }
  const h = Math.floor(i * INV_TWO_26); // < 2^12
  const l = i - h * TWO_26; // < 2^26
  const ll = l * l; // < 2^52
  const llHigh = Math.floor(ll * INV_TWO_26);
  const d0 = ll - llHigh * TWO_26;
  const mid = 2 * h * l + llHigh; // < 2^39 + 2^26
  const carry = Math.floor(mid * INV_TWO_26);
  const d1 = mid - carry * TWO_26;
  const d2 = h * h + carry; // < 2^24 + 2^14
  const { q1, q0 } = m;
  return (
    Math.floor(d2 * q1 * m.s3) +
    Math.floor((d2 * q0 + d1 * q1) * m.s2) +
    Math.floor((d1 * q0 + d0 * q1) * m.s1) +
    Math.floor(d0 * q0 * m.s0)
  );
}

/** m ≤ 2^32 split as high·2^16 + low, and 2^32 mod m: the constants of scaleWord. */
export interface WordScaler {
  readonly m: number;
  readonly high: number;
  readonly low: number;
  readonly reject: number;
}

/** The scaler of words to [0, m), for an integer 1 ≤ m ≤ 2^32. */
export function wordScaler(m: number): WordScaler {
  if (!Number.isSafeInteger(m) || m < 1 || m > TWO_32)
    throw new CohortError('E_INTERNAL', `wordScaler expects an integer in [1, 2^32], got ${m}`);
  const high = Math.floor(m * INV_TWO_16);
  return { m, high, low: m - high * TWO_16, reject: TWO_32 % m };
}

/**
 * Lemire's multiply-and-reject ("Fast random integer generation in an
 * interval", ACM TOMACS 29(1), 2019): for a 32-bit word w, ⌊w·m/2^32⌋ unless
 * w·m mod 2^32 < 2^32 mod m, then −1 (draw again). Exactly ⌊2^32/m⌋ words
 * map to each result in [0, m), so a uniform word gives a uniform result.
 * w·m < 2^64 is formed as w·high·2^16 + w·low, each part below 2^48.
 */
export function scaleWord(w: number, s: WordScaler): number {
  const a = w * s.high;
  const aHigh = Math.floor(a * INV_TWO_16);
  const c = (a - aHigh * TWO_16) * TWO_16 + w * s.low; // < 2^32 + 2^48
  const cHigh = Math.floor(c * INV_TWO_32);
  return c - cHigh * TWO_32 < s.reject ? -1 : aHigh + cHigh;
}
