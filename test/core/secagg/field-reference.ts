/**
 * Reference arithmetic in GF(65537) with BigInt, independent of
 * core/secagg/field.ts, and the byte layout of secrets and shares, for tests
 * that fabricate or check shares.
 */
import { P } from '../../../core/secagg/field.ts';
import type { Share } from '../../../core/secagg/shamir.ts';

export const Pn = BigInt(P);
export const modn = (a: bigint): bigint => ((a % Pn) + Pn) % Pn;
/** a^(p−2) mod p: the inverse of a non-zero a (Fermat). */
export const invn = (a: bigint): bigint => {
  let r = 1n;
  let b = modn(a);
  for (let e = Pn - 2n; e > 0n; e >>= 1n, b = (b * b) % Pn) if (e & 1n) r = (r * b) % Pn;
  return r;
};

/** A secret from 16-bit chunks, little-endian as shamir.ts reads them. */
export const chunksToBytes = (chunks: number[]): Uint8Array =>
  new Uint8Array(chunks.flatMap((c) => [c & 0xff, c >>> 8]));
/** A share's field elements: 3 little-endian bytes each. */
export const yValues = (s: Share): number[] =>
  Array.from({ length: s.y.length / 3 }, (_, c) => s.y[3 * c]! | (s.y[3 * c + 1]! << 8) | (s.y[3 * c + 2]! << 16));
export const yBytes = (values: number[]): Uint8Array =>
  new Uint8Array(values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, v >>> 16]));
