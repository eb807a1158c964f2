/**
 * Reference arithmetic in GF(65537) with BigInt, independent of
 * core/secagg/field.ts, for tests that fabricate or check shares.
 */
import { P } from '../../../core/secagg/field.ts';

export const Pn = BigInt(P);
export const modn = (a: bigint): bigint => ((a % Pn) + Pn) % Pn;
/** a^(p−2) mod p: the inverse of a non-zero a (Fermat). */
export const invn = (a: bigint): bigint => {
  let r = 1n;
  let b = modn(a);
  for (let e = Pn - 2n; e > 0n; e >>= 1n, b = (b * b) % Pn) if (e & 1n) r = (r * b) % Pn;
  return r;
};
