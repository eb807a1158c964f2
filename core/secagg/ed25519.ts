/**
 * Ed25519 signatures (RFC 8032 §5.1) through @noble/curves: each hospital's
 * long-term identity key signs its round keys and its view of the survivors,
 * which is what makes SecAgg secure against an active server (Bonawitz et al.,
 * CCS 2017, rounds AdvertiseKeys and ConsistencyCheck of the active-adversary
 * protocol). Sign only canonical.ts's `signedBytes`.
 */
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { CohortError } from '../errors.ts';
import { checkBytes, isBytes, moveToUint8Array } from './bytes.ts';

export const ED25519_SECRET_BYTES = 32;
export const ED25519_PUBLIC_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/**
 * Strict RFC 8032 §5.1.7 verification rather than noble's ZIP-215 default:
 * non-canonical encodings of R or A and small-order public keys are refused,
 * so a signature cannot be re-encoded into a second valid one and a crafted
 * low-order identity key cannot make one signature valid for many messages.
 */
const STRICT = { zip215: false } as const;

/** A fresh identity key pair; the secret is the 32-byte RFC 8032 §5.1.5 seed, from node:crypto. */
export function ed25519KeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = moveToUint8Array(randomBytes(ED25519_SECRET_BYTES));
  return { secretKey, publicKey: ed25519PublicKey(secretKey) };
}

/** The public key of a 32-byte secret seed. Throws E_SECAGG_BAD_KEY unless secret is 32 bytes. */
export function ed25519PublicKey(secret: Uint8Array): Uint8Array {
  checkBytes(secret, ED25519_SECRET_BYTES, 'Ed25519 secret key', 'E_SECAGG_BAD_KEY');
  return ed25519.getPublicKey(secret);
}

/**
 * The 64-byte signature of `message` (deterministic, RFC 8032 §5.1.6).
 * Throws E_SECAGG_BAD_KEY unless secret is 32 bytes, E_SECAGG_BAD_INPUT
 * unless message is a Uint8Array.
 */
export function sign(secret: Uint8Array, message: Uint8Array): Uint8Array {
  checkBytes(secret, ED25519_SECRET_BYTES, 'Ed25519 secret key', 'E_SECAGG_BAD_KEY');
  if (!isBytes(message)) throw new CohortError('E_SECAGG_BAD_INPUT', 'message must be a Uint8Array');
  return ed25519.sign(message, secret);
}

/**
 * True iff `signature` is a valid strict-RFC 8032 signature of `message` under
 * `publicKey`. Never throws: a malformed key, message or signature (wrong
 * type or length, not a curve point) is simply not a valid signature, so a
 * peer's garbage takes the same path as a forgery.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isBytes(publicKey) || publicKey.length !== ED25519_PUBLIC_BYTES) return false;
  if (!isBytes(message)) return false;
  if (!isBytes(signature) || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey, STRICT);
  } catch {
    return false;
  }
}
