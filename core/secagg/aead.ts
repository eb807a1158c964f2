/**
 * Authenticated encryption of the Shamir shares one client sends another
 * through the server (Bonawitz et al., CCS 2017, round ShareKeys): AES-256-GCM
 * (NIST SP 800-38D) through node:crypto.
 *
 * Wire format: nonce (12 bytes) || ciphertext || tag (16 bytes).
 *
 * Nonces are random. SP 800-38D §8.3 allows 2^32 random 96-bit nonces per key;
 * a SecAgg share key (kdf.ts, purpose 'share-aead') is fresh per pair of
 * clients, job and round and seals a handful of messages, so a nonce
 * collision is out of reach.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { checkBytes, checkMaxBytes, isBytes, moveToUint8Array } from './bytes.ts';

export const KEY_BYTES = 32;
/** SP 800-38D §5.2.1.1: 96-bit IVs are the efficient, recommended length. */
export const NONCE_BYTES = 12;
/** Full 128-bit tag; see `open` for why shorter tags are refused. */
export const TAG_BYTES = 16;
/** Largest plaintext or associated data accepted: shares are ~100 bytes; this bounds allocation. */
export const MAX_PLAINTEXT_BYTES = 1 << 20;
export const MAX_AAD_BYTES = 1 << 20;

const ALGORITHM = 'aes-256-gcm';

/**
 * Encrypts and authenticates `plaintext`, authenticating `aad` too, under a
 * fresh random nonce. Throws E_SECAGG_BAD_KEY unless key is 32 bytes,
 * E_SECAGG_BAD_INPUT unless plaintext and aad are Uint8Arrays within the limits.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return sealWithNonce(key, randomBytes(NONCE_BYTES), plaintext, aad);
}

/**
 * `seal` with a caller-chosen nonce. Internal: exists so tests can check the
 * published GCM vectors; protocol code must call `seal`, since reusing a
 * nonce under one key forfeits both confidentiality and integrity in GCM.
 */
export function sealWithNonce(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkBytes(key, KEY_BYTES, 'AEAD key', 'E_SECAGG_BAD_KEY');
  checkBytes(nonce, NONCE_BYTES, 'AEAD nonce', 'E_SECAGG_BAD_INPUT');
  checkMaxBytes(plaintext, MAX_PLAINTEXT_BYTES, 'plaintext');
  checkMaxBytes(aad, MAX_AAD_BYTES, 'associated data');
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(NONCE_BYTES + body.length + last.length + TAG_BYTES);
  out.set(nonce, 0);
  out.set(body, NONCE_BYTES);
  out.set(last, NONCE_BYTES + body.length);
  out.set(tag, NONCE_BYTES + body.length + last.length);
  return out;
}

/**
 * Decrypts `sealed` (as produced by `seal`) if and only if it authenticates
 * under `key` and `aad`; no plaintext is released otherwise. Throws
 * E_SECAGG_BAD_KEY unless key is 32 bytes, and E_SECAGG_DECRYPT, with a fixed
 * message and no cause, on every other failure: wrong type, too short, too
 * long, or a bad tag. A peer learns nothing about why, and node's error text
 * never reaches a log or the wire.
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  checkBytes(key, KEY_BYTES, 'AEAD key', 'E_SECAGG_BAD_KEY');
  if (
    !isBytes(sealed) ||
    !isBytes(aad) ||
    aad.length > MAX_AAD_BYTES ||
    sealed.length < NONCE_BYTES + TAG_BYTES ||
    sealed.length > NONCE_BYTES + MAX_PLAINTEXT_BYTES + TAG_BYTES
  ) {
    throw decryptError();
  }
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  let head: Uint8Array | undefined;
  try {
    // authTagLength pins the tag at 16 bytes: without it node accepts a
    // truncated tag (down to 4 bytes), and a forger would need far fewer tries
    // (SP 800-38D §5.2.1.2, Appendix C).
    const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    head = decipher.update(body);
    const tail = decipher.final();
    if (tail.length === 0) return moveToUint8Array(head);
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    head.fill(0);
    tail.fill(0);
    return out;
  } catch {
    // GCM's update() has already released unauthenticated plaintext: wipe it.
    head?.fill(0);
    throw decryptError();
  }
}

function decryptError(): CohortError {
  return new CohortError('E_SECAGG_DECRYPT');
}
