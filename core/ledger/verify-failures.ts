/**
 * What a ledger verification reports and the helpers every check shares: the
 * stable failure codes, the set keeping each code's first occurrence, and how
 * values and examples are shown in messages.
 */
import type { LedgerEntry, RoundBody, SealedEntry } from './types.ts';

/** Every failure code, in the order failures at one seq are reported. */
export const VERIFY_CODES = [
  'duplicate-seq', // two rows with one seq
  'seq-gap', // a seq missing from 1..N
  'seq-order', // rows not in ascending seq order
  'entry-too-large', // canonical text over MAX_ENTRY_CHARS
  'not-canonical', // text is not JSON, or not the RFC 8785 form of what it parses to
  'seq-mismatch', // the text's seq is not its row's
  'hash-mismatch', // stored hash is not SHA-256 of the text
  'leaf-mismatch', // stored Merkle leaf hash is not leafHash of the text (RFC 9162: SHA-256(0x00 || text))
  'prev-hash-mismatch', // prevHash is not the previous row's hash (GENESIS_HASH for the first)
  'bad-signature', // the seal does not verify under the coordinator key
  'bad-body', // fails its kind's schema or round consistency (core/ledger/schema.ts)
  'bad-roster', // a roster version that does not extend the ones recorded before it with its quorum (core/roster/)
  'spec-hash-mismatch', // a job-created entry's specHash is not the hash of its spec
  'mechanism-mismatch', // a spend's mechanism, unit, δ or accountant differs from the job's recorded spec
  'epsilon-mismatch', // a recorded figure differs from roundSpends' recomputation
  'receipt-unknown-entry', // a receipt for a seq the ledger does not hold
  'receipt-not-a-spender', // a receipt from a hospital the entry records no spend of
  'receipt-unknown-hospital', // no key is known for the receipting hospital
  'bad-receipt', // a receipt's signature does not verify
  'hospital-disagrees', // a hospital's copy of an entry differs from the coordinator's, or the coordinator lacks it
  'hospital-uncharged', // the coordinator records a spend the hospital never charged to its budget
  'head-missing', // the saved head's seq is not in the ledger (truncated)
  'head-mismatch', // the saved head's hash or key differs from the ledger's (rewritten)
  'head-bad-signature', // the saved head's signature does not verify
  'bad-checkpoint', // a checkpoint note is malformed or not signed by the coordinator key under the log's origin
  'checkpoint-mismatch', // a signed checkpoint's root is not the tree's root at its size, or its size exceeds the rows (truncated)
  'split-view', // a witness cosigned a root at some size that is not the tree's root there (the coordinator showed it another tree)
  'bad-cosignature', // a cosignature that verifies over no checkpoint known at its size, or by no known hospital key
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

export interface VerifyFailure {
  seq: number | null;
  code: VerifyCode;
  message: string;
}

/** Examples listed in a note before "…". */
export const NOTE_EXAMPLES = 5;

const RANK = new Map<string, number>(VERIFY_CODES.map((c, i) => [c, i]));

export class Failures {
  private readonly byCode = new Map<VerifyCode, VerifyFailure>();

  add(raw: number | null, code: VerifyCode, message: string): void {
    // A seq read from a hospital's copy or a receipt may be anything; only an integer orders failures.
    const seq = Number.isSafeInteger(raw) ? raw : null;
    const seen = this.byCode.get(code);
    if (seen && (seq === null || (seen.seq !== null && seen.seq <= seq))) return;
    this.byCode.set(code, { seq, code, message });
  }

  sorted(): VerifyFailure[] {
    const key = (f: VerifyFailure) => (f.seq === null ? Number.MAX_SAFE_INTEGER : f.seq);
    return [...this.byCode.values()].sort((a, b) => key(a) - key(b) || RANK.get(a.code)! - RANK.get(b.code)!);
  }
}

/** A row whose text parsed to a well-formed entry. */
export interface Checked {
  sealed: SealedEntry;
  entry: LedgerEntry;
}

export const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** The hospitals a round entry charges. */
export function spenders(entry: LedgerEntry): string[] {
  return entry.kind === 'round' ? (entry.body as RoundBody).spends.map((s) => s.hospital) : [];
}

/** Up to NOTE_EXAMPLES items of a list, for a note. */
export function examples(xs: readonly string[]): string {
  return xs.length > NOTE_EXAMPLES ? `${xs.slice(0, NOTE_EXAMPLES).join(', ')}, …` : xs.join(', ');
}

/** A value read from a file or a row, for a message: it may hold anything, even an object String() cannot convert. */
export function shown(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : `(${v === null ? 'null' : typeof v})`;
}
