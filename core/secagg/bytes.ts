/**
 * Byte-array hygiene for secrets (the habits of noble's utils.ts): comparison
 * whose timing does not depend on where two arrays differ, wiping secrets once
 * used, and the argument checks every primitive in core/secagg shares.
 */
import { timingSafeEqual } from 'node:crypto';
import { CohortError, type ErrorCode } from '../errors.ts';

export function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

/**
 * True iff `a` and `b` are Uint8Arrays with the same bytes. The lengths are
 * compared first, in variable time: in SecAgg every compared length (keys,
 * tags) is public. Never throws; a non-Uint8Array argument compares unequal,
 * so a missing key can never match.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!isBytes(a) || !isBytes(b) || a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Overwrites each array with zeros. null and undefined are skipped so cleanup
 * code can wipe optional secrets in one call. JavaScript gives no guarantee
 * that no copy survives elsewhere (engine, GC), so this narrows the exposure
 * window rather than closing it.
 */
export function zeroize(...arrays: (Uint8Array | null | undefined)[]): void {
  for (const a of arrays) {
    if (a === null || a === undefined) continue;
    if (!isBytes(a)) throw new CohortError('E_SECAGG_BAD_INPUT', 'zeroize expects Uint8Arrays');
    a.fill(0);
  }
}

/** Throws `code` unless `x` is a Uint8Array of exactly `length` bytes. */
export function checkBytes(x: unknown, length: number, what: string, code: ErrorCode): asserts x is Uint8Array {
  if (!isBytes(x)) throw new CohortError(code, `${what} must be a Uint8Array`);
  if (x.length !== length) throw new CohortError(code, `${what} must be ${length} bytes, got ${x.length}`);
}

/** Throws E_SECAGG_BAD_INPUT unless `x` is a Uint8Array of at most `max` bytes. */
export function checkMaxBytes(x: unknown, max: number, what: string): asserts x is Uint8Array {
  if (!isBytes(x)) throw new CohortError('E_SECAGG_BAD_INPUT', `${what} must be a Uint8Array`);
  if (x.length > max) throw new CohortError('E_SECAGG_BAD_INPUT', `${what} exceeds ${max} bytes`);
}

/** Copies `buf` (often a Node Buffer) into a plain Uint8Array and wipes the original. */
export function moveToUint8Array(buf: Uint8Array): Uint8Array {
  const out = Uint8Array.from(buf);
  buf.fill(0);
  return out;
}
