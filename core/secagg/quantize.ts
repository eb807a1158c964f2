/**
 * Fixed-point encoding of real-valued updates into Z_{2^k}, the ring the
 * secure sum works in (Bonawitz et al. CCS 2017, §3; Bell et al. CCS 2020,
 * §5 on choosing k), and decoding of the sum of up to n such encodings.
 *
 * Each coordinate is clipped to [−c, c], scaled by an integer s, rounded
 * randomly to an integer and stored two's-complement mod 2^k. Randomised
 * rounding (floor(v) + [u < frac(v)]) keeps every client's encoding unbiased,
 * E[q] = x·s, so rounding errors average out in the sum instead of adding up
 * a systematic drift; each client's error is still below 1/s per coordinate.
 *
 * Headroom, so the sum of n encodings never wraps: after clipping |x·s| ≤ c·s
 * and rounding up adds at most 1, so |q| ≤ c·s + 1 and |Σ q| ≤ n·(c·s + 1).
 * Decoding reads words as signed in [−2^(k−1), 2^(k−1)), so we need
 * n·(c·s + 1) ≤ 2^(k−1) − 1, i.e. s ≤ ((2^(k−1) − 1)/n − 1)/c, and take the
 * largest integer s that satisfies it (scaleFor).
 */
import { randomFillSync } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { ringMask, signedWords } from './ring.ts';

export interface QuantParams {
  /** k: the ring is Z_{2^k}, 2 ≤ k ≤ 32. */
  bits: number;
  /** c: every coordinate is clipped to [−c, c] before scaling. */
  clip: number;
  /** n: the most encodings that will ever be summed. */
  maxClients: number;
}

/** Random words drawn per randomFillSync call, to amortise its per-call cost over many coordinates. */
const RANDOM_BATCH = 4096;
const TWO_POW_32 = 2 ** 32;

/** The largest integer scale s with n·(c·s + 1) ≤ 2^(k−1) − 1 (see the module comment). */
export function scaleFor(p: QuantParams): number {
  const { bits, clip, maxClients } = p;
  if (!Number.isInteger(bits) || bits < 2 || bits > 32) {
    throw new CohortError('E_CONFIG_INVALID', `"bits" expected integer in [2, 32], got ${bits}`);
  }
  if (!Number.isFinite(clip) || !(clip > 0)) {
    throw new CohortError('E_CONFIG_INVALID', `"clip" expected finite number > 0, got ${clip}`);
  }
  if (!Number.isSafeInteger(maxClients) || maxClients < 1) {
    throw new CohortError('E_CONFIG_INVALID', `"maxClients" expected integer >= 1, got ${maxClients}`);
  }
  const s = Math.floor(((2 ** (bits - 1) - 1) / maxClients - 1) / clip);
  if (!(s >= 1)) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `no headroom: ${maxClients} clients with clip ${clip} overflow Z_2^${bits} (scale ${s} < 1)`,
    );
  }
  // A clip so small that s leaves the safe integers would make x·s inexact.
  if (!Number.isSafeInteger(s))
    throw new CohortError('E_CONFIG_INVALID', `"clip" ${clip} is too small for an exact scale`);
  return s;
}

/**
 * Encodes x into Z_{2^k}. `rng` returns uniforms in [0, 1) for the rounding
 * and exists for tests; by default the uniforms are 32-bit CSPRNG words / 2^32,
 * whose granularity biases each rounding by less than 2^−32.
 */
export function quantize(x: Float32Array, p: QuantParams, rng?: () => number): Uint32Array {
  return quantizeInto(x, new Uint32Array(x.length), p, rng);
}

/**
 * As quantize, written over x's own memory: the result is a view of x's
 * buffer, and x's floats are overwritten (some of them even if it throws).
 * For a caller whose x is a scratch copy, so that a 10^7-coordinate update
 * is encoded without a second 40 MB vector (core/secagg/input.ts).
 */
export function quantizeInPlace(x: Float32Array, p: QuantParams, rng?: () => number): Uint32Array {
  return quantizeInto(x, new Uint32Array(x.buffer, x.byteOffset, x.length), p, rng);
}

/** The encoding loop; `out` may alias x, since each x[i] is read before out[i] is written. */
function quantizeInto(x: Float32Array, out: Uint32Array, p: QuantParams, rng?: () => number): Uint32Array {
  const s = scaleFor(p);
  const mask = ringMask(p.bits);
  const c = p.clip;
  const random = rng === undefined ? new Uint32Array(Math.min(RANDOM_BATCH, x.length)) : undefined;
  let r = random?.length ?? 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (!Number.isFinite(xi)) throw new CohortError('E_UPDATE_NONFINITE', `coordinate ${i} is ${xi}`);
    const v = (xi > c ? c : xi < -c ? -c : xi) * s;
    const f = Math.floor(v);
    let u: number;
    if (random === undefined) {
      u = rng!();
    } else {
      if (r === random.length) {
        randomFillSync(random);
        r = 0;
      }
      u = random[r++]! / TWO_POW_32;
    }
    // |q| ≤ c·s + 1 < 2^31, so q is an int32 and `& mask` is its two's complement mod 2^k.
    const q = f + (u < v - f ? 1 : 0);
    out[i] = q & mask;
  }
  random?.fill(0);
  return out;
}

/**
 * Decodes a sum of at most `maxClients` encodings: each word is read as a
 * signed integer in [−2^(k−1), 2^(k−1)) and divided by the scale.
 */
export function dequantizeSum(sum: Uint32Array, p: QuantParams): Float64Array {
  const s = scaleFor(p);
  const out = signedWords(sum, p.bits);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / s;
  return out;
}
