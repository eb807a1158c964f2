/**
 * In-place iterative radix-2 complex FFT (Cooley & Tukey, "An Algorithm for
 * the Machine Calculation of Complex Fourier Series", Math. Comp. 19, 1965),
 * the one transform the PLD accountant needs to compose a privacy loss
 * distribution with itself (pld-pmf.ts).
 *
 * Hand-written rather than taken from npm (fft.js would do) because the
 * accountant raises every coefficient to a power of up to ~10⁴, so a relative
 * error in a coefficient is multiplied by that power: the twiddle factors here
 * are each computed directly with Math.cos/Math.sin, never by a recurrence
 * whose rounding grows with the index, and the code is short enough to test
 * exhaustively against the naive DFT (test/core/privacy/pld.test.ts). Forward and
 * inverse rounding error is O(ε·log N) relative to the vector's L2 norm
 * (Gentleman & Sande, "Fast Fourier Transforms: for fun and profit", 1966).
 */
import { CohortError } from '../errors.ts';
import { Lru } from '../lru.ts';

/** Largest transform accepted: 2^26 points is 1 GiB of re/im doubles. */
export const MAX_FFT_SIZE = 2 ** 26;

/** The smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Transforms (re, im) in place: X_k = Σ_j x_j e^{∓2πi jk/N}, the minus sign
 * forward; the inverse also divides by N, so inverse(forward(x)) = x. The
 * length must be a power of two up to MAX_FFT_SIZE and the same for both
 * arrays; anything else is a caller bug (E_INTERNAL).
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n || n < 1 || n > MAX_FFT_SIZE || (n & (n - 1)) !== 0) {
    throw new CohortError(
      'E_INTERNAL',
      `fft: expected equal power-of-two lengths <= ${MAX_FFT_SIZE}, got ${n} and ${im.length}`,
    );
  }
  if (n === 1) return;

  bitReverse(re, im);
  const { cos, sin } = twiddles(n, inverse);
  for (let size = 2; size <= n; size *= 2) {
    const h = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0, t = 0; j < h; j++, t += stride) {
        const wr = cos[t]!;
        const wi = sin[t]!;
        const a = start + j;
        const b = a + h;
        const br = re[b]!;
        const bi = im[b]!;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[a] = ar + xr;
        im[a] = ai + xi;
        re[b] = ar - xr;
        im[b] = ai - xi;
      }
    }
  }

  if (inverse) {
    const scale = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i]! *= scale;
      im[i]! *= scale;
    }
  }
}

/** Bit-reversal permutation, so fft's butterflies read and write in place. */
function bitReverse(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j |= bit;
    if (i < j) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
}

/**
 * Twiddle tables kept between transforms: the accountant transforms the same
 * few sizes again and again (every step count of a job's spend, two
 * transforms per composition), and a table costs n/2 cos/sin calls to build.
 * A kept table holds the same numbers a fresh build would, so results are
 * bit-for-bit those of a fresh build. Bounded by bytes: 32 MiB, the tables
 * of one direction of a 2^22-point transform (the default grid limit).
 */
const twiddleCache = new Lru<string, { cos: Float64Array; sin: Float64Array }>(
  32 * 2 ** 20,
  (t) => t.cos.byteLength + t.sin.byteLength,
);

/** Forgets the kept tables. */
export function clearTwiddles(): void {
  twiddleCache.clear();
}

/** Twiddles w_k = e^{∓2πi k/n} for k < n/2, each from its own cos/sin call; read-only, as they are shared. */
function twiddles(n: number, inverse: boolean): { cos: Float64Array; sin: Float64Array } {
  return twiddleCache.getOrSet(`${n}${inverse ? 'i' : 'f'}`, () => {
    const half = n >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    const sign = inverse ? 1 : -1;
    for (let k = 0; k < half; k++) {
      const angle = (2 * Math.PI * k) / n;
      cos[k] = Math.cos(angle);
      sin[k] = sign * Math.sin(angle);
    }
    return { cos, sin };
  });
}
