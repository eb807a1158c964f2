/**
 * The randomized Hadamard rotation applied to an update before it is
 * discretised for the distributed discrete Gaussian (KLS21: Kairouz, Liu,
 * Steinke, ICML 2021, arXiv:2102.06387, §4.2 on flattening; Lemma 29):
 *   x ↦ H·D·x / √L,
 * x zero-padded to the next power of two L, D a diagonal of random signs,
 * H the L×L Sylvester–Hadamard matrix (entries ±1, H·H = L·I). The map is
 * orthonormal, so L2 norms, hence the clip and the privacy sensitivity, are
 * unchanged; and each output coordinate is Σ_j ±x_j/√L with independent
 * signs, sub-Gaussian with variance proxy ‖x‖²/L (Hoeffding). That
 * "flatness" spreads a spiky update evenly over the coordinates, which is
 * what lets the modulus be sized by ‖x‖/√L rather than by ‖x‖
 * (ddg-params.ts). The inverse is D·H·y / √L, truncated to the original
 * length.
 *
 * The signs must be the same for every client and the server in a round, so
 * they come from a public 32-byte seed (fresh per session attempt, agreed by
 * commit-reveal before the clients encode their updates, seed.ts): HKDF-SHA256(seed, info = ROTATION_INFO) keys the
 * AES-CTR PRG of prg.ts, one sign per keystream bit. The HKDF step
 * separates this stream from any mask a caller might derive from the same
 * seed. Flatness holds over the choice of signs, so it protects the modulus
 * only for data chosen without knowledge of the seed.
 *
 * Cost: O(L log L) with the in-place fast Walsh–Hadamard transform on a
 * Float64Array; at L = 2^20 about 40 ms on the development machine.
 */
import { CohortError } from '../errors.ts';
import { hkdf } from './kdf.ts';
import { expandMask, SEED_BYTES } from './prg.ts';

/** Largest padded length accepted (2^24): 128 MiB of Float64 per vector. */
export const MAX_ROTATION_LENGTH = 2 ** 24;
/** HKDF info of the sign stream: binds the PRG key to this use. */
export const ROTATION_INFO = 'cohort/ddg/v1/rotation-signs';

const INFO_BYTES = new TextEncoder().encode(ROTATION_INFO);
const EMPTY = new Uint8Array(0);
/** Butterflies on blocks this long run in cache (32 KiB of Float64) before the long strides. */
const BLOCK = 4096;

/** The next power of two ≥ d, for 1 ≤ d ≤ MAX_ROTATION_LENGTH; E_CONFIG_INVALID otherwise. */
export function paddedLength(d: number): number {
  if (!Number.isSafeInteger(d) || d < 1 || d > MAX_ROTATION_LENGTH) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `rotation length expected an integer in [1, ${MAX_ROTATION_LENGTH}], got ${String(d)}`,
    );
  }
  let l = 1;
  while (l < d) l *= 2;
  return l;
}

function checkSeed(seed: unknown): asserts seed is Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
    throw new CohortError('E_SECAGG_BAD_INPUT', `rotation seed must be a Uint8Array of ${SEED_BYTES} bytes`);
  }
}

/** Stages h = lo, 2·lo, … < hi of the transform on x[start, start + span). */
function butterflies(x: Float64Array, start: number, span: number, lo: number, hi: number): void {
  for (let h = lo; h < hi; h *= 2) {
    for (let i = start; i < start + span; i += 2 * h) {
      for (let j = i, end = i + h; j < end; j++) {
        const a = x[j]!;
        const b = x[j + h]!;
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
}

/**
 * In place: x ← H·x, the unnormalised Walsh–Hadamard transform in Sylvester
 * (natural) order, for x.length a power of two. Returns x.
 */
export function fwht(x: Float64Array): Float64Array {
  const n = x.length;
  if (n === 0 || (n & (n - 1)) !== 0)
    throw new CohortError('E_CONFIG_INVALID', `Hadamard length must be a power of two, got ${n}`);
  // The stages commute; doing the short ones block by block keeps them in cache.
  const block = Math.min(BLOCK, n);
  for (let start = 0; start < n; start += block) butterflies(x, start, block, 1, block);
  butterflies(x, 0, n, block, n);
  return x;
}

/** The public signs of one round: bit j of the stream is 1 where D_jj = −1. */
function signWords(seed: Uint8Array, length: number): Uint32Array {
  checkSeed(seed);
  const key = hkdf(seed, EMPTY, INFO_BYTES, SEED_BYTES);
  try {
    return expandMask(key, Math.ceil(length / 32));
  } finally {
    key.fill(0);
  }
}

/** y ← D·y in place, for the signs in `words`. */
function applySigns(y: Float64Array, words: Uint32Array): void {
  for (let j = 0; j < y.length; j++) if ((words[j >>> 5]! >>> (j & 31)) & 1) y[j] = -y[j]!;
}

/**
 * H·D·pad(x)/√L: the rotated vector, of length L = paddedLength(x.length).
 * Throws E_CONFIG_INVALID for an empty or too long x, E_UPDATE_NONFINITE
 * for NaN or ±∞ in x, E_SECAGG_BAD_INPUT for a seed that is not 32 bytes.
 */
export function rotate(x: Float32Array | Float64Array, seed: Uint8Array): Float64Array {
  if (!(x instanceof Float32Array || x instanceof Float64Array))
    throw new CohortError('E_CONFIG_INVALID', 'rotation input must be a Float32Array or Float64Array');
  const length = paddedLength(x.length);
  const y = new Float64Array(length);
  for (let j = 0; j < x.length; j++) {
    const v = x[j]!;
    if (!Number.isFinite(v)) throw new CohortError('E_UPDATE_NONFINITE', `coordinate ${j} is ${v}`);
    y[j] = v;
  }
  applySigns(y, signWords(seed, length));
  fwht(y);
  const norm = 1 / Math.sqrt(length);
  for (let j = 0; j < length; j++) y[j]! *= norm;
  return y;
}

/**
 * The inverse of `rotate`: D·H·y/√L truncated to the first `dim`
 * coordinates; y.length must be paddedLength(dim). Throws E_UPDATE_LENGTH
 * for a length mismatch and the errors of `rotate`.
 */
export function unrotate(y: Float64Array, seed: Uint8Array, dim: number): Float64Array {
  if (!(y instanceof Float64Array)) throw new CohortError('E_CONFIG_INVALID', 'rotated vector must be a Float64Array');
  const length = paddedLength(dim);
  if (y.length !== length)
    throw new CohortError(
      'E_UPDATE_LENGTH',
      `rotated vector has ${y.length} values, expected ${length} for dimension ${dim}`,
    );
  const words = signWords(seed, length);
  const x = Float64Array.from(y);
  for (let j = 0; j < length; j++)
    if (!Number.isFinite(x[j]!)) throw new CohortError('E_UPDATE_NONFINITE', `coordinate ${j} is ${x[j]}`);
  fwht(x);
  const norm = 1 / Math.sqrt(length);
  for (let j = 0; j < length; j++) x[j]! *= norm;
  applySigns(x, words);
  return x.slice(0, dim);
}
