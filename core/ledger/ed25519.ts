/**
 * Ed25519 (RFC 8032 §5.1) for the ledger through node:crypto (OpenSSL), with
 * the raw 32-byte keys cohort uses everywhere (the secret is the §5.1.5
 * seed, as in core/secagg ed25519KeyPair and edge/keys.ts). OpenSSL signs
 * in ~30 µs and verifies in ~80 µs, several times faster than a pure-JS
 * implementation, which matters to an auditor checking 10^5 entries.
 *
 * Verification is strict where strictness is cheap: public keys are decoded
 * once (cached) and refused if non-canonical or of small order, S must be
 * below the group order L (RFC 8032 §5.1.7 step 1, which rules out the
 * S + L re-encoding of a signature), and OpenSSL accepts only the canonical
 * encoding of R because it compares the encoding of the recomputed R with
 * the signature's bytes.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as opensslSign,
  verify as opensslVerify,
  type KeyObject,
} from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { CohortError } from '../errors.ts';
import { Lru } from '../lru.ts';

export const LEDGER_KEY_BYTES = 32;
export const LEDGER_SIGNATURE_BYTES = 64;

/** DER prefixes wrapping a raw key: PKCS#8 for the seed, SPKI for the public key (RFC 8410 §7, §4). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Parsing a private key costs ~300 µs, ten times a signature, and the
 * coordinator signs every entry with one key: parsed keys are kept, looked
 * up by a hash of the seed so the cache holds no copy of any secret.
 */
const PRIVATE_CACHE_LIMIT = 8;
const privateCache = new Lru<string, KeyObject>(PRIVATE_CACHE_LIMIT);
/** Public keys likewise, least recently used out one at a time (core/lru.ts says why not all at once). */
const PUBLIC_CACHE_LIMIT = 4096;
const publicCache = new Lru<string, KeyObject | null>(PUBLIC_CACHE_LIMIT);

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function privateKey(secretKey: Uint8Array): KeyObject {
  if (!isBytes(secretKey) || secretKey.length !== LEDGER_KEY_BYTES)
    throw new CohortError('E_LEDGER_KEY', `Ed25519 secret key must be ${LEDGER_KEY_BYTES} bytes`);
  const id = createHash('sha256').update('cohort/ledger/key-cache\n').update(secretKey).digest('hex');
  const hit = privateCache.get(id);
  if (hit) return hit;
  const der = Buffer.concat([PKCS8_PREFIX, secretKey]);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
  privateCache.set(id, key);
  return key;
}

/** The KeyObject of a strictly encoded public key of large order, or null. */
function publicKey(raw: Uint8Array): KeyObject | null {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('hex');
  const hit = publicCache.get(id);
  if (hit !== undefined) return hit;
  let key: KeyObject | null = null;
  try {
    const point = ed25519.Point.fromBytes(raw, false);
    if (!point.isSmallOrder())
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  publicCache.set(id, key);
  return key;
}

/** The 64-byte deterministic signature of `message`. Throws E_LEDGER_KEY unless secretKey is 32 bytes, E_LEDGER_ENTRY unless message is a Uint8Array. */
export function ledgerSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  if (!isBytes(message)) throw new CohortError('E_LEDGER_ENTRY', 'the message to sign must be a Uint8Array');
  const sig = opensslSign(null, message, privateKey(secretKey));
  return new Uint8Array(sig.buffer, sig.byteOffset, sig.length);
}

/** The public key of a 32-byte seed. Throws E_LEDGER_KEY unless secretKey is 32 bytes. */
export function ledgerPublicKey(secretKey: Uint8Array): Uint8Array {
  const jwk = createPublicKey(privateKey(secretKey)).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
}

/** Order of the prime subgroup, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1), little-endian. */
const L_LE = (() => {
  let l = (1n << 252n) + 27742317777372353535851937790883648493n;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, l >>= 8n) out[i] = Number(l & 0xffn);
  return out;
})();

/** S < L, compared from the most significant byte. */
function canonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i]! !== L_LE[i]!) return s[i]! < L_LE[i]!;
  }
  return false;
}

/**
 * True iff `signature` is a valid strict RFC 8032 signature of `message`
 * under `publicKey`. Never throws: a malformed key or signature (wrong type
 * or length, not a curve point, small order) is simply not valid, so stored
 * garbage takes the same path as a forgery.
 */
export function ledgerVerify(publicKeyBytes: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isBytes(publicKeyBytes) || publicKeyBytes.length !== LEDGER_KEY_BYTES) return false;
  if (!isBytes(message) || !isBytes(signature) || signature.length !== LEDGER_SIGNATURE_BYTES) return false;
  if (!canonicalScalar(signature.subarray(32))) return false;
  const key = publicKey(publicKeyBytes);
  if (!key) return false;
  try {
    return opensslVerify(null, message, key, signature);
  } catch {
    return false;
  }
}
