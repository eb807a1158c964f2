/**
 * The hospital's Ed25519 identity key on disk: the one long-lived secret of a
 * client, so the file is created owner-only, never overwritten, and refused
 * on read if others may read it or if its halves do not belong together.
 *
 * Format (JSON): {"kind":"cohort-ed25519","secretKey":<64 hex>,"publicKey":<64 hex>}
 * where secretKey is the RFC 8032 §5.1.5 seed.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CohortError } from '../core/errors.ts';
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { constantTimeEqual, ed25519PublicKey, zeroize } from '../core/secagg/index.ts';
import { fileText, readCappedFile } from './capped-file.ts';
import { PRIVATE_FILE_MODE } from './private-file.ts';

export const IDENTITY_KEY_KIND = 'cohort-ed25519';
/** The file holds ~170 bytes; anything much larger is not an identity key. */
export const MAX_IDENTITY_FILE_BYTES = 4096;
/** Largest PEM file read (a certificate chain or a key). */
export const MAX_PEM_FILE_BYTES = 1 << 20;
/** Largest JSON configuration file read (a job spec or a policy), as large as a spec may be on the wire (edge/wire/codec.ts). */
export const MAX_JSON_FILE_BYTES = 4 * 1024 * 1024;

const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/);
const identityFileSchema = z.strictObject({
  kind: z.literal(IDENTITY_KEY_KIND),
  secretKey: hex32,
  publicKey: hex32,
});

/**
 * Writes `identity` (a fresh key pair by default) to `path` with mode 0600 and
 * returns it. Throws E_CONFIG_INVALID if the file already exists (an identity
 * is never silently replaced: peers know this hospital by its public key) or
 * cannot be created.
 *
 * The hex strings of the secret (here and in readIdentityKey) cannot be wiped:
 * JavaScript strings are immutable, so they linger until the engine reuses
 * their memory. Byte buffers are wiped.
 */
export function writeIdentityKey(path: string, identity: Identity = ed25519KeyPair()): Identity {
  checkPair(identity.secretKey, identity.publicKey, path);
  const json = JSON.stringify({
    kind: IDENTITY_KEY_KIND,
    secretKey: toHex(identity.secretKey),
    publicKey: toHex(identity.publicKey),
  });
  try {
    // 'wx' fails if the path exists (O_CREAT | O_EXCL), so the mode always applies to a file we created.
    writeFileSync(path, `${json}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (err) {
    const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
    throw new CohortError(
      'E_CONFIG_INVALID',
      exists ? `refusing to overwrite the identity key file ${path}` : `cannot create the identity key file ${path}`,
      { cause: err },
    );
  }
  return identity;
}

/**
 * Reads and validates the identity key at `path`. Throws E_CONFIG_INVALID if
 * the file is missing, not a regular file, readable or writable by group or
 * others (POSIX only), over MAX_IDENTITY_FILE_BYTES, not in the format above,
 * or if publicKey is not the public key of secretKey. Messages name the file
 * and the faulty field, never a key.
 */
export function readIdentityKey(path: string): Identity {
  const raw = readBounded(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText(raw));
  } catch {
    throw invalid(path, 'not JSON');
  } finally {
    raw.fill(0);
  }
  const result = identityFileSchema.safeParse(parsed);
  if (!result.success) {
    // Name the fields at fault, never their values: one of them may be the secret.
    const fields = result.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys' ? ['unexpected fields'] : [i.path.join('.') || 'not an object'],
    );
    throw invalid(path, `not a ${IDENTITY_KEY_KIND} key (${[...new Set(fields)].join(', ')})`);
  }
  const secretKey = fromHex(result.data.secretKey);
  const publicKey = fromHex(result.data.publicKey);
  try {
    checkPair(secretKey, publicKey, path);
  } catch (err) {
    zeroize(secretKey);
    throw err;
  }
  return { secretKey, publicKey };
}

function readBounded(path: string): Buffer {
  return readCappedFile(path, {
    maxBytes: MAX_IDENTITY_FILE_BYTES,
    what: 'identity key file',
    code: 'E_CONFIG_INVALID',
    private: true,
  });
}

function checkPair(secretKey: Uint8Array, publicKey: Uint8Array, path: string): void {
  let derived: Uint8Array;
  try {
    derived = ed25519PublicKey(secretKey);
  } catch {
    throw invalid(path, 'malformed secret key');
  }
  if (!constantTimeEqual(derived, publicKey)) throw invalid(path, 'public key does not match the secret key');
}

function invalid(path: string, why: string): CohortError {
  return new CohortError('E_CONFIG_INVALID', `identity key file ${path}: ${why}`);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

function fromHex(hex: string): Uint8Array {
  const buf = Buffer.from(hex, 'hex');
  const out = Uint8Array.from(buf);
  buf.fill(0);
  return out;
}

/**
 * An Ed25519 public key from a file holding either 64 hex digits (as `cohort
 * keys generate` prints) or a cohort identity key file, whose public half is
 * returned (the file is read as readIdentityKey reads it, mode checks
 * included). Throws E_CONFIG_INVALID naming the file if it is missing, over
 * MAX_IDENTITY_FILE_BYTES, or neither.
 */
export function readPublicKeyFile(path: string): Uint8Array {
  const text = fileText(
    readCappedFile(path, { maxBytes: MAX_IDENTITY_FILE_BYTES, what: 'public key file', code: 'E_CONFIG_INVALID' }),
  ).trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  if (text.startsWith('{')) return readIdentityKey(path).publicKey;
  throw new CohortError('E_CONFIG_INVALID', `${path} holds neither a 64-hex-digit public key nor a cohort key file`);
}

/**
 * The identity at `path`, created there first if the file does not exist
 * (the coordinator's ledger key beside its database, like an SSH host key).
 */
export function loadOrCreateIdentityKey(path: string): Identity {
  if (!existsSync(path)) return writeIdentityKey(path);
  return readIdentityKey(path);
}

/** A PEM file, read once at start; a missing, special, oversized or non-PEM file is a configuration error naming it. */
export function readPem(path: string): Buffer {
  const pem = readCappedFile(path, { maxBytes: MAX_PEM_FILE_BYTES, what: 'PEM file', code: 'E_CONFIG_INVALID' });
  if (!pem.toString('latin1').includes('-----BEGIN '))
    throw new CohortError('E_CONFIG_INVALID', `${path} is not a PEM file`);
  return pem;
}

/** A JSON configuration file (job spec, policy); unreadable, special, over MAX_JSON_FILE_BYTES or not JSON is a typed error naming it. */
export function readJsonFile(path: string, code: 'E_CONFIG_INVALID' | 'E_JOB_SPEC' = 'E_CONFIG_INVALID'): unknown {
  const text = fileText(
    readCappedFile(path, {
      maxBytes: MAX_JSON_FILE_BYTES,
      what: code === 'E_JOB_SPEC' ? 'job spec' : 'JSON file',
      code,
    }),
  );
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CohortError(code, `cannot read ${path} as JSON: ${(err as Error).message}`);
  }
}

/** A certificate chain and its key from PEM files (--tls-cert, --tls-key: both or neither), or undefined for neither. */
export function tlsPairFromFiles(o: { tlsCert?: string; tlsKey?: string }): { cert: Buffer; key: Buffer } | undefined {
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey))
    throw new CohortError('E_CONFIG_INVALID', '--tls-cert and --tls-key go together');
  return o.tlsCert ? { cert: readPem(o.tlsCert), key: readPem(o.tlsKey!) } : undefined;
}

/** A client's TLS settings from PEM files: the pinned CA, and for mutual TLS a certificate with its key. */
export function clientTlsFromFiles(o: {
  ca?: string;
  tlsCert?: string;
  tlsKey?: string;
}): { ca: Buffer; cert?: Buffer; key?: Buffer } | undefined {
  if (!o.ca) {
    if (o.tlsCert || o.tlsKey)
      throw new CohortError(
        'E_CONFIG_INVALID',
        '--tls-cert and --tls-key need --ca (wss:// with the coordinator pinned)',
      );
    return undefined;
  }
  return { ca: readPem(o.ca), ...tlsPairFromFiles(o) };
}
