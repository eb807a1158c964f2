/**
 * Vectors over Z_{2^k} (1 ≤ k ≤ 32) stored one element per Uint32Array word:
 * the group in which secure aggregation adds masked inputs (Bonawitz et al.
 * CCS 2017, §3: inputs and masks live in Z_R^m, here R = 2^k). A power of two
 * makes the reduction a bit mask, so the sum needs no division and no BigInt.
 */
import { CohortError } from '../errors.ts';

/**
 * The low k bits set, as an int32 (−1 for k = 32): `(a ± b) & mask` then
 * reduces mod 2^k in one operator and stays in V8's small-integer fast path.
 */
export function ringMask(bits: number): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) {
    throw new CohortError('E_CONFIG_INVALID', `"bits" expected integer in [1, 32], got ${bits}`);
  }
  return (2 ** bits - 1) | 0;
}

/**
 * Each word of `sum` as the signed integer it stands for in Z_{2^bits}, in
 * [−2^(bits−1), 2^(bits−1)): how a sum of centred encodings is read back
 * (quantize.ts, ddg-encode.ts). E_UPDATE_RANGE if a word is outside Z_{2^bits}.
 */
export function signedWords(sum: Uint32Array, bits: number): Float64Array {
  const modulus = 2 ** bits;
  const half = modulus / 2;
  const out = new Float64Array(sum.length);
  for (let i = 0; i < sum.length; i++) {
    const w = sum[i]!;
    if (w >= modulus) throw new CohortError('E_UPDATE_RANGE', `word ${i} is outside Z_2^${bits}`);
    out[i] = w >= half ? w - modulus : w;
  }
  return out;
}

function checkLengths(acc: Uint32Array, x: Uint32Array): void {
  if (acc.length !== x.length) {
    throw new CohortError('E_UPDATE_LENGTH', `vector of ${x.length} words added to one of ${acc.length}`);
  }
}

/** Same bits, as int32: sums of two int32 stay exact doubles and `& mask` keeps V8 in integer code. */
function asInt32(v: Uint32Array): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset, v.length);
}

/** acc ← acc + x in Z_{2^bits}. Returns acc. */
export function addInto(acc: Uint32Array, x: Uint32Array, bits = 32): Uint32Array {
  checkLengths(acc, x);
  addWords(asInt32(acc), asInt32(x), ringMask(bits));
  return acc;
}

/** acc ← acc − x in Z_{2^bits}. Returns acc. */
export function subInto(acc: Uint32Array, x: Uint32Array, bits = 32): Uint32Array {
  checkLengths(acc, x);
  subWords(asInt32(acc), asInt32(x), ringMask(bits));
  return acc;
}

/*
 * The unchecked kernels, over int32 views of the words, for callers that have
 * validated lengths and bits (addInto, subInto, prg.ts's addMaskInto): d[i] ←
 * (d[i] ± m[i]) & mask for i < d.length, with m.length ≥ d.length. The sum of
 * two int32 is exact in a double, and `& mask` reduces it mod 2^32 (ToInt32)
 * and mod 2^k in one step. Unrolled by eight because V8 (Node 20) runs this
 * loop about 1.6× faster than as a plain loop (see bench/secagg-prg.ts,
 * where it is most of the fused mask's cost beyond AES).
 */

export function addWords(d: Int32Array, m: Int32Array, mask: number): void {
  const n = d.length;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    d[j] = (d[j]! + m[j]!) & mask;
    d[j + 1] = (d[j + 1]! + m[j + 1]!) & mask;
    d[j + 2] = (d[j + 2]! + m[j + 2]!) & mask;
    d[j + 3] = (d[j + 3]! + m[j + 3]!) & mask;
    d[j + 4] = (d[j + 4]! + m[j + 4]!) & mask;
    d[j + 5] = (d[j + 5]! + m[j + 5]!) & mask;
    d[j + 6] = (d[j + 6]! + m[j + 6]!) & mask;
    d[j + 7] = (d[j + 7]! + m[j + 7]!) & mask;
  }
  for (; j < n; j++) d[j] = (d[j]! + m[j]!) & mask;
}

export function subWords(d: Int32Array, m: Int32Array, mask: number): void {
  const n = d.length;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    d[j] = (d[j]! - m[j]!) & mask;
    d[j + 1] = (d[j + 1]! - m[j + 1]!) & mask;
    d[j + 2] = (d[j + 2]! - m[j + 2]!) & mask;
    d[j + 3] = (d[j + 3]! - m[j + 3]!) & mask;
    d[j + 4] = (d[j + 4]! - m[j + 4]!) & mask;
    d[j + 5] = (d[j + 5]! - m[j + 5]!) & mask;
    d[j + 6] = (d[j + 6]! - m[j + 6]!) & mask;
    d[j + 7] = (d[j + 7]! - m[j + 7]!) & mask;
  }
  for (; j < n; j++) d[j] = (d[j]! - m[j]!) & mask;
}
