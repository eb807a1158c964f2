/**
 * Ed25519 signatures (RFC 8032 §5.1) through @noble/curves: each hospital's
 * long-term identity key signs its round keys and its view of the survivors,
 * which is what makes SecAgg secure against an active server (Bonawitz et al.,
 * CCS 2017, rounds AdvertiseKeys and ConsistencyCheck of the active-adversary
 * protocol). Sign only canonical.ts's `signedBytes`.
 */
import { createPublicKey, verify as opensslVerify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { CohortError } from '../errors.ts';
import { Lru } from '../lru.ts';
import { checkBytes, isBytes } from './bytes.ts';
import { curveKeys, type KeyPair } from './curve-keys.ts';

export const ED25519_SECRET_BYTES = 32;
export const ED25519_PUBLIC_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

const keys = curveKeys(ed25519, ED25519_SECRET_BYTES, 'Ed25519');
/** A fresh identity key pair; the secret is the 32-byte RFC 8032 §5.1.5 seed, from node:crypto. */
export const ed25519KeyPair: () => KeyPair = keys.keyPair;
/** The public key of a 32-byte secret seed. Throws E_SECAGG_BAD_KEY unless secret is 32 bytes. */
export const ed25519PublicKey: (secret: Uint8Array) => Uint8Array = keys.publicKey;

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
 * Strict RFC 8032 §5.1.7 verification, not the lenient ZIP-215 rules:
 * non-canonical encodings of R or A, S >= L and small-order public keys are
 * refused, so a signature cannot be re-encoded into a second valid one and a
 * crafted low-order identity key cannot make one signature valid for many
 * messages.
 *
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
    // The strict-encoding rules are checked here with noble (cheap: two point
    // decodings, the key's cached); the curve arithmetic runs in OpenSSL,
    // ~8x faster, which matters to a server checking 2n signatures a round.
    const key = strictKey(publicKey);
    if (!key || !canonicalScalar(signature.subarray(32)) || !canonicalPoint(signature.subarray(0, 32))) return false;
    return opensslVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Order of the prime subgroup, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/**
 * Identity keys recur every round: their strict decoding and parsed form are
 * kept, least recently used first out (core/lru.ts says why one at a time).
 */
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Lru<string, KeyObject | null>(KEY_CACHE_LIMIT);

function strictKey(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey).toString('hex');
  const hit = keyCache.get(id);
  if (hit !== undefined) return hit;
  let key: KeyObject | null = null;
  if (canonicalPoint(publicKey) && !ed25519.Point.fromBytes(publicKey, false).isSmallOrder()) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  }
  keyCache.set(id, key);
  return key;
}

/** A strict (RFC 8032 §5.1.3) encoding of a curve point: y < p and a valid x. */
function canonicalPoint(bytes: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(bytes, false);
    return true;
  } catch {
    return false;
  }
}

/** S < L (RFC 8032 §5.1.7 step 1): rejects the S + L re-encoding of a signature. */
function canonicalScalar(s: Uint8Array): boolean {
  let v = 0n;
  for (let i = s.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(s[i]!);
  return v < L;
}
