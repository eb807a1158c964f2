/** Helpers shared by the secagg crypto tests. */
import { CohortError } from '../../../core/errors.ts';

/** Hex (whitespace ignored, as printed in RFCs) to a plain Uint8Array. */
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The CohortError code `f` throws, undefined if it returns, or a marker for any other throw. */
export const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof CohortError ? e.code : `not a CohortError: ${String(e)}`;
  }
  return undefined;
};

/** Values of the wrong type for a byte-array parameter, as an untyped caller could pass them. */
export const NOT_BYTES: unknown[] = [
  undefined,
  null,
  0,
  'a'.repeat(32),
  Array(32).fill(0),
  { length: 32 },
  new ArrayBuffer(32),
  new Uint16Array(16),
];

/** Ed25519 group order L (RFC 8032 §5.1). */
export const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

/**
 * `signature` with S replaced by S + L: the same point equation holds, so
 * only the S < L check of RFC 8032 §5.1.7 step 1 refuses it (malleability).
 */
export function plusGroupOrder(signature: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!);
  let t = s + ED25519_L;
  const mauled = Uint8Array.from(signature);
  for (let i = 32; i < 64; i++, t >>= 8n) mauled[i] = Number(t & 0xffn);
  return mauled;
}
