/**
 * Sealing ledger entries and receipting them. Two signed messages, each
 * domain-separated so a signature of one can never be replayed as the other
 * (or as any other message the same key signs, e.g. SecAgg's):
 *
 * - the coordinator's seal over an entry: Ed25519 over the 81 ASCII bytes
 *   "cohort/ledger/v1\n" + hash, where hash is the 64 lowercase hex digits
 *   of SHA-256 over the UTF-8 bytes of the entry's canonical JSON (RFC 8785).
 *   The canonical text includes prevHash, so a seal commits to the whole
 *   history before it.
 * - a hospital's receipt: Ed25519 over the UTF-8 bytes of
 *   "cohort/ledger-receipt/v1\n" + seq (decimal) + "\n" + hash + "\n" + hospital.
 *   seq and hash have fixed formats without newlines and the hospital name
 *   comes last, so the fields can be read back unambiguously.
 *
 * The verify functions never throw: a malformed stored value is simply not
 * valid. The sign functions throw typed errors, since their inputs are the
 * caller's own.
 */
import { createHash } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { canonicalJson } from './canonical.ts';
import { ledgerSign, ledgerVerify } from './ed25519.ts';
import { entryProblem, MAX_LEDGER_NAME } from './schema.ts';
import type { LedgerEntry, Receipt, SealedEntry } from './types.ts';

export const SEAL_DOMAIN = 'cohort/ledger/v1\n';
export const RECEIPT_DOMAIN = 'cohort/ledger-receipt/v1\n';
/**
 * Longest canonical text of one entry (UTF-16 units). Entries are a few
 * hundred bytes to a few KB; a job-created entry carries its spec, which the
 * spec schema bounds to ~13 MB at its extreme (100,000 features of 128
 * characters), so this admits every valid spec and refuses anything larger.
 */
export const MAX_ENTRY_CHARS = 16 * 1024 * 1024;

const HASH_HEX = /^[0-9a-f]{64}$/;
const SIGNATURE_HEX = /^[0-9a-f]{128}$/;
const LONE_SURROGATE = /\p{Cs}/u;

/** SHA-256 (64 lowercase hex digits) of the UTF-8 bytes of `canonical`. */
export function entryHash(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function sealMessage(hash: string): Buffer {
  return Buffer.from(SEAL_DOMAIN + hash, 'latin1');
}

/**
 * The entry as stored: its canonical text, hash and the seal signed with
 * `secretKey` (32-byte seed). Throws E_LEDGER_ENTRY if the entry fails its
 * kind's schema or round consistency (the checks verifyLedger applies) or
 * its text exceeds MAX_ENTRY_CHARS, E_LEDGER_ENCODING if it has no
 * canonical JSON form, E_LEDGER_KEY for a malformed key.
 */
export function sealEntry(entry: LedgerEntry, secretKey: Uint8Array): SealedEntry {
  const canonical = canonicalJson(entry);
  if (canonical.length > MAX_ENTRY_CHARS)
    throw new CohortError(
      'E_LEDGER_ENTRY',
      `entry ${entry.seq} is ${canonical.length} characters, over the limit of ${MAX_ENTRY_CHARS}`,
    );
  // Checked on the canonical form's parse, exactly what a verifier will see.
  const problem = entryProblem(JSON.parse(canonical));
  if (problem !== null) throw new CohortError('E_LEDGER_ENTRY', `entry ${String(entry.seq)}: ${problem}`);
  const hash = entryHash(canonical);
  const signature = toHex(ledgerSign(secretKey, sealMessage(hash)));
  return { seq: entry.seq, canonical, hash, signature };
}

/**
 * True iff `sealed.hash` is the SHA-256 of `sealed.canonical` and its seal
 * verifies under `coordinatorKey` (32 bytes). Says nothing about the
 * entry's place in the chain or its contents: verifyLedger checks those.
 */
export function verifySeal(sealed: SealedEntry, coordinatorKey: Uint8Array): boolean {
  if (typeof sealed?.canonical !== 'string' || sealed.canonical.length > MAX_ENTRY_CHARS) return false;
  return (
    sealed.hash === entryHash(sealed.canonical) && sealSignatureValid(sealed.hash, sealed.signature, coordinatorKey)
  );
}

/** The seal check alone: `signature` signs `hash` under the key (whatever text the hash is of). */
export function sealSignatureValid(hash: unknown, signature: unknown, coordinatorKey: Uint8Array): boolean {
  if (
    typeof hash !== 'string' ||
    !HASH_HEX.test(hash) ||
    typeof signature !== 'string' ||
    !SIGNATURE_HEX.test(signature)
  )
    return false;
  return ledgerVerify(coordinatorKey, sealMessage(hash), fromHex(signature));
}

/**
 * The bytes a hospital signs to receipt entry `seq` with hash `hash`.
 * Throws E_LEDGER_ENTRY unless seq is a positive safe integer, hash 64
 * lowercase hex digits and hospital a non-empty well-formed string of at
 * most MAX_LEDGER_NAME units (a lone surrogate would encode as U+FFFD and
 * let two names share one message).
 */
export function receiptMessage(seq: number, hash: string, hospital: string): Uint8Array {
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw new CohortError('E_LEDGER_ENTRY', `receipt seq must be a positive integer, got ${String(seq)}`);
  if (typeof hash !== 'string' || !HASH_HEX.test(hash))
    throw new CohortError('E_LEDGER_ENTRY', 'receipt hash must be 64 lowercase hex digits');
  if (
    typeof hospital !== 'string' ||
    hospital.length === 0 ||
    hospital.length > MAX_LEDGER_NAME ||
    LONE_SURROGATE.test(hospital)
  ) {
    throw new CohortError(
      'E_LEDGER_ENTRY',
      `receipt hospital must be a well-formed name of 1 to ${MAX_LEDGER_NAME} characters`,
    );
  }
  const b = Buffer.from(`${RECEIPT_DOMAIN}${seq}\n${hash}\n${hospital}`, 'utf8');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * `hospital`'s receipt of `sealed`, signed with its identity seed. Throws
 * E_LEDGER_ENTRY if `sealed.hash` is not the hash of `sealed.canonical`
 * (a hospital acknowledges the text it checked, never a bare hash) or for
 * receiptMessage's reasons, E_LEDGER_KEY for a malformed key.
 */
export function signReceipt(sealed: SealedEntry, hospital: string, secretKey: Uint8Array): Receipt {
  if (typeof sealed?.canonical !== 'string' || sealed.hash !== entryHash(sealed.canonical))
    throw new CohortError('E_LEDGER_ENTRY', `entry ${String(sealed?.seq)}: hash does not match its canonical text`);
  const signature = toHex(ledgerSign(secretKey, receiptMessage(sealed.seq, sealed.hash, hospital)));
  return { seq: sealed.seq, hospital, signature };
}

/**
 * True iff `receipt` is for `sealed` (same seq) and signs its stated hash
 * under `hospitalKey` (32 bytes) for the hospital it names. Whether the hash
 * is that of the canonical text is verifySeal's question.
 */
export function verifyReceipt(receipt: Receipt, sealed: SealedEntry, hospitalKey: Uint8Array): boolean {
  if (receipt?.seq !== sealed?.seq || typeof receipt.signature !== 'string' || !SIGNATURE_HEX.test(receipt.signature))
    return false;
  let message: Uint8Array;
  try {
    message = receiptMessage(sealed.seq, sealed.hash, receipt.hospital);
  } catch {
    return false;
  }
  return ledgerVerify(hospitalKey, message, fromHex(receipt.signature));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

function fromHex(hex: string): Uint8Array {
  const b = Buffer.from(hex, 'hex');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
