/**
 * Pseudonyms and per-patient date shifts, both keyed by the site's secret
 * (a file the hospital keeps: client/intake/secret.ts). Neither the secret nor
 * the values it keys ever leave this module's callers' memory.
 *
 * Pseudonym = HMAC-SHA256(secret, join key) (RFC 2104 with SHA-256; vectors in
 * RFC 4231). Without the secret a pseudonym cannot be recomputed from a
 * guessed MRN, unlike a bare hash of a low-entropy identifier.
 */
import { createHmac } from 'node:crypto';
import { CohortError } from '../errors.ts';

/** Shortest site secret accepted: 256 bits, the HMAC-SHA256 block-size-safe key length. */
export const MIN_SECRET_BYTES = 32;

/** HMAC-SHA256(key, message) as raw bytes. */
export function hmacSha256(key: Uint8Array, message: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

export interface Pseudonymizer {
  /** Lowercase hex HMAC-SHA256 of the join key. */
  pseudonym(value: string): string;
  /** Offset in [-maxDays, maxDays] days for the patient with this pseudonym. */
  shiftDays(pseudonym: string, maxDays: number): number;
}

// The shift key is derived, so a date offset and a pseudonym never share an HMAC input space.
const SHIFT_LABEL = 'cohort/date-shift/v1';

export function pseudonymizer(secret: Uint8Array): Pseudonymizer {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES) {
    throw new CohortError('E_INTAKE_SECRET', `site secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const key = Uint8Array.from(secret);
  const shiftKey = hmacSha256(key, SHIFT_LABEL);
  return {
    pseudonym: (value) => hmacSha256(key, value).toString('hex'),
    shiftDays: (pseudonym, maxDays) => {
      // 48 bits modulo (2 maxDays + 1) <= 7301: bias below 2^-35, irrelevant here.
      const h = hmacSha256(shiftKey, pseudonym).readUIntBE(0, 6);
      return (h % (2 * maxDays + 1)) - maxDays;
    },
  };
}
