/**
 * Key derivation: HKDF-SHA256 (RFC 5869) through node:crypto, and the SecAgg
 * key schedule built on it — every symmetric key of a session (share
 * encryption, pairwise masks, self masks; Bonawitz et al., CCS 2017) comes
 * from `deriveKey`, so each is bound to its purpose, job, round and parties.
 */
import { hkdfSync } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { checkBytes, checkMaxBytes } from './bytes.ts';
import { encodeFields } from './canonical.ts';

/** SHA-256 output size, HashLen in RFC 5869. */
export const HASH_BYTES = 32;
/** RFC 5869 §2.3: HKDF-Expand yields at most 255 · HashLen bytes. */
export const MAX_OKM_BYTES = 255 * HASH_BYTES;
/** OpenSSL, and so node:crypto, refuses an HKDF info longer than 1024 bytes. */
export const MAX_INFO_BYTES = 1024;
/** Largest input keying material or salt accepted: far above any key, bounds the work per call. */
export const MAX_IKM_BYTES = 1 << 16;
/** Bytes of the input to `deriveKey`: an X25519 shared secret or a 32-byte seed. */
export const SHARED_BYTES = 32;
/** Domain tag heading every `info` of the key schedule; distinct from SIGNED_TAG. */
export const KDF_TAG = 'cohort/secagg/v1/kdf';

export const KEY_PURPOSES = ['share-aead', 'pairwise-mask', 'self-mask'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export interface KeyContext {
  purpose: KeyPurpose;
  jobId: string;
  round: number;
  /** First party (e.g. the lesser of two client names); optional. */
  a?: string;
  /** Second party or extra binding; optional. */
  b?: string;
  /** Output bytes; default 32. */
  length?: number;
}

const EMPTY = new Uint8Array(0);

/**
 * HKDF-SHA256 (RFC 5869 §2): Extract with `salt`, then Expand with `info` to
 * `length` bytes. Throws E_SECAGG_BAD_INPUT unless ikm and salt are
 * Uint8Arrays of at most MAX_IKM_BYTES, info one of at most MAX_INFO_BYTES and
 * length an integer in [1, MAX_OKM_BYTES].
 */
export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  checkMaxBytes(ikm, MAX_IKM_BYTES, 'HKDF input keying material');
  checkMaxBytes(salt, MAX_IKM_BYTES, 'HKDF salt');
  checkMaxBytes(info, MAX_INFO_BYTES, 'HKDF info');
  if (!Number.isInteger(length) || length < 1 || length > MAX_OKM_BYTES) {
    throw new CohortError('E_SECAGG_BAD_INPUT', `HKDF length must be an integer in [1, ${MAX_OKM_BYTES}]`);
  }
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}

/**
 * The key for `context` from a 32-byte shared secret or seed:
 * HKDF-SHA256(ikm = shared, salt = empty, info = keyInfo(context), length).
 *
 * The salt is empty (RFC 5869 §3.1 makes it optional) because the parties
 * share no independent random value to put there; all binding goes into info,
 * which §3.2 reserves for exactly that. Throws E_SECAGG_BAD_KEY unless shared
 * is a 32-byte Uint8Array, E_SECAGG_BAD_INPUT for an invalid context.
 */
export function deriveKey(shared: Uint8Array, context: KeyContext): Uint8Array {
  checkBytes(shared, SHARED_BYTES, 'shared secret', 'E_SECAGG_BAD_KEY');
  const info = keyInfo(context);
  return hkdf(shared, EMPTY, info, context.length ?? 32);
}

/**
 * HKDF info of `context`: canonical.ts's encoding of
 * [KDF_TAG, purpose, jobId, round, a or absent, b or absent, length].
 *
 * The purpose separates keys: the same shared secret never yields the same key
 * for two uses. The length is bound too, since HKDF-Expand's shorter output is
 * a prefix of its longer one; without it a 16-byte key would leak half of the
 * 32-byte key for the same context.
 */
export function keyInfo(context: KeyContext): Uint8Array {
  if (typeof context !== 'object' || context === null)
    throw new CohortError('E_SECAGG_BAD_INPUT', 'key context must be an object');
  const { purpose, jobId, round, a, b } = context;
  const length = context.length ?? 32;
  if (!(KEY_PURPOSES as readonly unknown[]).includes(purpose)) {
    throw new CohortError('E_SECAGG_BAD_INPUT', `key purpose must be one of ${KEY_PURPOSES.join(', ')}`);
  }
  if (typeof jobId !== 'string') throw new CohortError('E_SECAGG_BAD_INPUT', 'key context jobId must be a string');
  if (!Number.isSafeInteger(round) || round < 0)
    throw new CohortError('E_SECAGG_BAD_INPUT', 'key context round must be a non-negative integer');
  for (const party of [a, b]) {
    if (party !== undefined && typeof party !== 'string')
      throw new CohortError('E_SECAGG_BAD_INPUT', 'key context parties must be strings');
  }
  if (!Number.isInteger(length) || length < 1 || length > MAX_OKM_BYTES) {
    throw new CohortError('E_SECAGG_BAD_INPUT', `key length must be an integer in [1, ${MAX_OKM_BYTES}]`);
  }
  const info = encodeFields([KDF_TAG, purpose, jobId, round, a ?? null, b ?? null, length]);
  if (info.length > MAX_INFO_BYTES)
    throw new CohortError('E_SECAGG_BAD_INPUT', `key context encodes to more than ${MAX_INFO_BYTES} bytes`);
  return info;
}
