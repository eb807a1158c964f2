/**
 * A key's fingerprint for the signing ceremony: hospitals read these to each
 * other out of band (phone, a meeting) to check that the roster lists the
 * keys they actually hold.
 *
 * First 16 bytes of SHA-256 over the 32 key bytes, as eight groups of four
 * hex digits ("a1b2-c3d4-…"). Margin: an attacker who wants a key of their
 * own to show an honest hospital's fingerprint needs a second preimage of a
 * 128-bit truncated SHA-256, ~2^128 work; a birthday collision (~2^64) only
 * gives two keys of the attacker's own with one fingerprint, which fools no
 * one. Comparing only the first groups by eye cuts the margin to 16 bits per
 * group compared: operators must compare all eight.
 */
import { createHash } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { hexToBytes } from './hash.ts';

export const FINGERPRINT_BYTES = 16;

/** The fingerprint of a 32-byte Ed25519 public key (bytes or 64 hex digits). Throws E_ROSTER_INVALID for anything else. */
export function rosterFingerprint(key: Uint8Array | string): string {
  const bytes = typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key) ? hexToBytes(key) : key;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32)
    throw new CohortError('E_ROSTER_INVALID', 'a fingerprint is of a 32-byte key (or 64 hex digits)');
  const hex = createHash('sha256')
    .update(bytes)
    .digest('hex')
    .slice(0, 2 * FINGERPRINT_BYTES);
  return hex.match(/.{4}/g)!.join('-');
}
