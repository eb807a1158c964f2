/**
 * Checkpoints of the ledger's Merkle tree and their cosignatures, in the
 * formats of the transparency-log ecosystem (Go's checksum database,
 * Sigstore, Sigsum), so that any C2SP tool can read them:
 *
 * - C2SP tlog-checkpoint: the body is three lines, the log's origin, the
 *   tree size in decimal and the root hash in standard base64.
 * - C2SP signed-note: the body, a blank line, then one line per signature,
 *   "— <key name> <base64(key ID || signature)>". An Ed25519 key's ID is
 *   the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key) and it
 *   signs the body's bytes. The coordinator signs with its ledger key under
 *   the log's origin as the key name.
 * - C2SP tlog-cosignature (cosignature/v1): a witness signs
 *   "cosignature/v1\ntime <t>\n" followed by the body, with key ID
 *   SHA-256(name || "\n" || 0x04 || public key)[:4], and its line carries
 *   key ID || t (8 bytes, big-endian) || signature. A hospital is a witness
 *   under the name witnessName(hospital).
 *
 * Parsers throw E_LEDGER_CHECKPOINT; verifiers return false for anything
 * that does not verify and never throw.
 */
import { createHash } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { ledgerSign, ledgerVerify, LEDGER_KEY_BYTES, LEDGER_SIGNATURE_BYTES } from './ed25519.ts';
import { HASH_BYTES, type Hash } from './merkle.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  /** The line's decoded bytes: key ID (4) then the algorithm's signature bytes. */
  bytes: Uint8Array;
}

/** A witness's cosignature of a checkpoint body: the time it claims and its Ed25519 signature. */
export interface Cosignature {
  name: string;
  /** Unix seconds. */
  timestamp: number;
  signature: Uint8Array;
}

const ALG_ED25519 = 0x01;
const ALG_COSIGNATURE_V1 = 0x04;
const EM_DASH_LINE = '\u2014 ';
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
/** Longest note cohort reads (a checkpoint is ~130 bytes; its signature lines ~100 each). */
export const MAX_NOTE_CHARS = 64 * 1024;
export const MAX_NOTE_SIGNATURES = 1024;
/** Key names and origins: non-empty, no whitespace and no '+' (C2SP signed-note). */
const KEY_NAME = /^[^\s+]{1,1024}$/u;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(message: string): CohortError {
  return new CohortError('E_LEDGER_CHECKPOINT', message);
}

function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function strictBase64(text: string): Uint8Array | null {
  if (!BASE64.test(text) || text.length % 4 !== 0) return null;
  const b = Buffer.from(text, 'base64');
  // Reject non-canonical padding bits: the decoded bytes must encode back to the same text.
  return b.toString('base64') === text ? bytes(b) : null;
}

/** The origin of the log whose entries are sealed by `coordinatorKey` (32 bytes). */
export function logOrigin(coordinatorKey: Uint8Array): string {
  return `cohort.ledger/${Buffer.from(coordinatorKey).toString('hex')}`;
}

const WITNESS_PREFIX = 'cohort.witness/';

/** A hospital's key name as a witness: its name, percent-encoded so no space or '+' remains. */
export function witnessName(hospital: string): string {
  return `${WITNESS_PREFIX}${encodeURIComponent(hospital).replaceAll('+', '%2B')}`;
}

/** The hospital a witness key name stands for (witnessName's inverse), or null when it is not a cohort witness name. */
export function hospitalOfWitness(name: string): string | null {
  if (!name.startsWith(WITNESS_PREFIX)) return null;
  try {
    const hospital = decodeURIComponent(name.slice(WITNESS_PREFIX.length));
    return witnessName(hospital) === name ? hospital : null;
  } catch {
    return null;
  }
}

/** The C2SP key ID: SHA-256(name || "\n" || algorithm || public key), first 4 bytes. */
export function keyId(name: string, algorithm: number, publicKey: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(name, 'utf8').update('\n').update(Uint8Array.of(algorithm));
  return bytes(h.update(publicKey).digest().subarray(0, 4));
}

/** The checkpoint's body text (tlog-checkpoint, no extension lines). */
export function checkpointBody(c: Checkpoint): string {
  if (!KEY_NAME.test(c.origin)) throw bad('a checkpoint origin is non-empty and has no whitespace or "+"');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw bad(`a checkpoint size must be a natural number`);
  if (!(c.root instanceof Uint8Array) || c.root.length !== HASH_BYTES) throw bad('a checkpoint root is 32 bytes');
  return `${c.origin}\n${c.size}\n${Buffer.from(c.root).toString('base64')}\n`;
}

/** Parses a checkpoint body; E_LEDGER_CHECKPOINT for any other shape (extension lines included: cohort writes none). */
export function parseCheckpointBody(body: string): Checkpoint {
  if (typeof body !== 'string' || body.length > MAX_NOTE_CHARS || !body.endsWith('\n'))
    throw bad('a checkpoint body is at most 64 KiB and ends with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 3) throw bad(`a checkpoint body has 3 lines, this one ${lines.length}`);
  const [origin, size, root] = lines as [string, string, string];
  if (!KEY_NAME.test(origin)) throw bad('a checkpoint origin is non-empty and has no whitespace or "+"');
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) throw bad('a checkpoint size is a decimal number');
  const r = strictBase64(root);
  if (!r || r.length !== HASH_BYTES) throw bad('a checkpoint root is 32 bytes in standard base64');
  return { origin, size: Number(size), root: r };
}

/** Splits a signed note into its body and signature lines; E_LEDGER_CHECKPOINT when malformed. */
export function parseNote(text: string): { body: string; signatures: NoteSignature[] } {
  if (typeof text !== 'string' || text.length > MAX_NOTE_CHARS) throw bad('a signed note is at most 64 KiB');
  // C2SP signed-note: no ASCII control characters other than newline (so no CR either).
  if (CONTROL.test(text)) throw bad('a signed note has no control characters but newlines');
  const split = text.lastIndexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) throw bad('a signed note is a body, a blank line and signature lines');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw bad(`a note has at most ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    if (!line.startsWith(EM_DASH_LINE)) throw bad('a signature line starts with an em dash and a space');
    const [name, sig, ...rest] = line.slice(EM_DASH_LINE.length).split(' ');
    const decoded = sig === undefined ? null : strictBase64(sig);
    if (rest.length > 0 || name === undefined || !KEY_NAME.test(name) || !decoded || decoded.length < 5)
      throw bad('a signature line is "— <name> <base64 of key ID and signature>"');
    return { name, bytes: decoded };
  });
  return { body, signatures };
}

function signatureLine(name: string, payload: Uint8Array): string {
  return `${EM_DASH_LINE}${name} ${Buffer.from(payload).toString('base64')}\n`;
}

/** The checkpoint as a note signed by the log's key (name: its origin). */
export function signCheckpoint(c: Checkpoint, secretKey: Uint8Array, publicKey: Uint8Array): string {
  const body = checkpointBody(c);
  const sig = ledgerSign(secretKey, bytes(Buffer.from(body, 'utf8')));
  const id = keyId(c.origin, ALG_ED25519, publicKey);
  return `${body}\n${signatureLine(c.origin, Buffer.concat([id, sig]))}`;
}

/**
 * The checkpoint a note states if it carries a valid signature by
 * `publicKey` under the name `origin` and its body names that origin;
 * otherwise null. Lines of other keys (cosignatures) are ignored here; a
 * line of this key that fails to verify refuses the whole note.
 */
export function openCheckpoint(note: string, origin: string, publicKey: Uint8Array): Checkpoint | null {
  let parsed: ReturnType<typeof parseNote>;
  let c: Checkpoint;
  try {
    parsed = parseNote(note);
    c = parseCheckpointBody(parsed.body);
  } catch {
    return null;
  }
  if (c.origin !== origin || !(publicKey instanceof Uint8Array) || publicKey.length !== LEDGER_KEY_BYTES) return null;
  const id = keyId(origin, ALG_ED25519, publicKey);
  const message = bytes(Buffer.from(parsed.body, 'utf8'));
  // C2SP signed-note: lines of other keys are ignored, but every line of this key must verify.
  const ours = parsed.signatures.filter((s) => s.name === origin && Buffer.compare(s.bytes.subarray(0, 4), id) === 0);
  const ok =
    ours.length > 0 &&
    ours.every(
      (s) => s.bytes.length === 4 + LEDGER_SIGNATURE_BYTES && ledgerVerify(publicKey, message, s.bytes.subarray(4)),
    );
  return ok ? c : null;
}

function cosignedMessage(body: string, timestamp: number): Uint8Array {
  return bytes(Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, 'utf8'));
}

/** A witness's cosignature of `body` at `timestamp` (Unix seconds). */
export function cosign(body: string, name: string, secretKey: Uint8Array, timestamp: number): Cosignature {
  parseCheckpointBody(body);
  if (!KEY_NAME.test(name)) throw bad('a witness name is non-empty and has no whitespace or "+"');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw bad('a cosignature time is a natural number');
  return { name, timestamp, signature: ledgerSign(secretKey, cosignedMessage(body, timestamp)) };
}

/** Whether `cosig` is `publicKey`'s cosignature/v1 of `body` under its name. */
export function verifyCosignature(body: string, cosig: Cosignature, publicKey: Uint8Array): boolean {
  if (!Number.isSafeInteger(cosig?.timestamp) || cosig.timestamp < 0) return false;
  if (!(cosig.signature instanceof Uint8Array) || cosig.signature.length !== LEDGER_SIGNATURE_BYTES) return false;
  return ledgerVerify(publicKey, cosignedMessage(body, cosig.timestamp), cosig.signature);
}

/** The cosignature as a signed-note line (key ID || time, 8 bytes big-endian || signature). */
export function cosignatureLine(cosig: Cosignature, publicKey: Uint8Array): string {
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(cosig.timestamp));
  return signatureLine(
    cosig.name,
    Buffer.concat([keyId(cosig.name, ALG_COSIGNATURE_V1, publicKey), t, cosig.signature]),
  );
}

/**
 * The cosignature a note line carries for witness `name` with `publicKey`
 * (its key ID must match), or null: what an auditor reads from a note a
 * witness kept.
 */
export function cosignatureOf(line: NoteSignature, publicKey: Uint8Array): Cosignature | null {
  const b = line?.bytes;
  if (!(b instanceof Uint8Array) || b.length !== 4 + 8 + LEDGER_SIGNATURE_BYTES) return null;
  if (!(publicKey instanceof Uint8Array) || typeof line.name !== 'string') return null;
  if (Buffer.compare(b.subarray(0, 4), keyId(line.name, ALG_COSIGNATURE_V1, publicKey)) !== 0) return null;
  const timestamp = Buffer.from(b.subarray(4, 12)).readBigUInt64BE();
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { name: line.name, timestamp: Number(timestamp), signature: b.subarray(12) };
}
