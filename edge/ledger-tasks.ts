/**
 * The work an auditor's ledger threads do (edge/ledger-pool.ts runs it in
 * worker threads; tests call it directly): one job group's ε recomputed, and
 * complete Merkle subtrees hashed. Pure functions of their input.
 *
 * A recompute task gets the rows of a set of jobs (edge/ledger-recompute.ts
 * routes them) and checks what verifyLedger's own pass over those rows
 * checks before recomputing: each row's text is the RFC 8785 form of what it
 * parses to, within MAX_ENTRY_CHARS, and its stored leaf (when given) is
 * leafHash of that text (the "content" half of an audit). Rows that pass
 * and fit their kind's schema are then recomputed exactly as verifyLedger
 * recomputes them (recomputeSpends over the rows in seq order, the first
 * well-formed row of a seq kept), so the failures are the ones it reports.
 */
import { hash } from 'node:crypto';
import { CohortError } from '../core/errors.ts';
import { canonicalJson } from '../core/ledger/canonical.ts';
import { leafHash } from '../core/ledger/merkle.ts';
import { entryProblem } from '../core/ledger/schema.ts';
import { MAX_ENTRY_CHARS } from '../core/ledger/seal.ts';
import type { LedgerEntry, SealedEntry } from '../core/ledger/types.ts';
import { Failures, type Checked, type VerifyFailure } from '../core/ledger/verify-failures.ts';
import { Histories, recomputeSpends } from '../core/ledger/verify-spends.ts';

/** One stored row as an auditor reads it: its seq, its canonical text and, from a tree-format database, its leaf hash. */
export interface LedgerRow {
  seq: number;
  canonical: string;
  leaf?: Uint8Array;
}

/** The content checks' codes (verifyLedger's own for the same findings). */
export type ContentCode = 'entry-too-large' | 'not-canonical' | 'leaf-mismatch';
export type ContentFailure = VerifyFailure & { code: ContentCode };

export interface RecomputeTaskInput {
  rows: LedgerRow[];
  /** The jobs routed here; a well-formed round entry of another job means the routing was wrong (null: every job is here). */
  jobs: string[] | null;
}

export interface RecomputeTaskResult {
  spendsRecomputed: number;
  /** recomputeSpends' failures (epsilon-mismatch), lowest seq per code. */
  failures: VerifyFailure[];
  /** Lowest seq per code. */
  content: ContentFailure[];
  /** A round entry of a job not routed here was found: nothing was recomputed, the caller must route again. */
  misrouted: boolean;
}

/** The value a text parses to if the text is its RFC 8785 form, else the failure (verify.ts parseCanonical, same messages). */
function parseCanonical(text: unknown): { value: unknown } | { code: ContentCode; why: string } {
  if (typeof text !== 'string') return { code: 'not-canonical', why: 'no canonical text' };
  if (text.length > MAX_ENTRY_CHARS) return { code: 'entry-too-large', why: `over ${MAX_ENTRY_CHARS} characters` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'not-canonical', why: 'text is not JSON' };
  }
  let again: string;
  try {
    again = canonicalJson(value);
  } catch (err) {
    return { code: 'not-canonical', why: `text has no canonical form (${(err as Error).message})` };
  }
  return again === text ? { value } : { code: 'not-canonical', why: 'text is not in canonical form (RFC 8785)' };
}

function sameBytes(a: Uint8Array, b: unknown): boolean {
  return b instanceof Uint8Array && a.length === b.length && Buffer.compare(a, b) === 0;
}

export function recomputeTask(input: RecomputeTaskInput): RecomputeTaskResult {
  // Kept apart from recomputeSpends' failures: verifyFilesParallel checks content in its own structural pass.
  const content = new Failures();
  const jobs = input.jobs === null ? null : new Set(input.jobs);
  const bySeq = new Map<number, Checked>();
  let misrouted = false;
  for (const row of input.rows) {
    const seq = Number.isSafeInteger(row.seq) ? row.seq : null;
    if (row.leaf !== undefined && typeof row.canonical === 'string' && !sameBytes(leafHash(row.canonical), row.leaf))
      content.add(seq, 'leaf-mismatch', `entry ${seq}: stored leaf hash is not the leaf hash of its text`);
    const parsed = parseCanonical(row.canonical);
    if ('code' in parsed) {
      content.add(seq, parsed.code, `entry ${seq}: ${parsed.why}`);
      continue;
    }
    if (seq === null || entryProblem(parsed.value) !== null) continue;
    const entry = parsed.value as LedgerEntry;
    if (entry.kind === 'round' && jobs !== null && !jobs.has(entry.jobId)) misrouted = true;
    // recomputeSpends reads only the row's seq; the first well-formed row of a seq is the one verifyLedger keeps.
    if (!bySeq.has(seq)) bySeq.set(seq, { sealed: row as unknown as SealedEntry, entry });
  }
  const failures = new Failures();
  let spendsRecomputed = 0;
  if (!misrouted) {
    const ordered = [...bySeq.values()].sort((a, b) => a.sealed.seq - b.sealed.seq);
    spendsRecomputed = recomputeSpends(ordered, new Histories({}), true, failures);
  }
  return { spendsRecomputed, failures: failures.sorted(), content: content.sorted() as ContentFailure[], misrouted };
}

export interface SubtreeTaskInput {
  /** Leaf hashes, 32 bytes each, packed (a SharedArrayBuffer: every thread reads the same copy). */
  leaves: Uint8Array;
  /** Leaf index of each subtree's first leaf; each a multiple of `size`. */
  starts: number[];
  /** Leaves per subtree, a power of two. */
  size: number;
}

/**
 * The RFC 9162 hash of each complete subtree of `size` leaves starting at
 * `starts[i]`, packed 32 bytes each: the same SHA-256(0x01 || left ||
 * right) as core/ledger/merkle.ts nodeHash, written into one scratch buffer
 * and one level buffer instead of a new array per node.
 */
export function subtreeRoots(input: SubtreeTaskInput): Uint8Array {
  const { leaves, starts, size } = input;
  if (!Number.isSafeInteger(size) || size < 1 || (size & (size - 1)) !== 0)
    throw new CohortError('E_LEDGER_PROOF', `a subtree has a power of two of leaves, not ${size}`);
  if (starts.some((s) => !Number.isSafeInteger(s) || s < 0 || s % size !== 0 || (s + size) * 32 > leaves.length))
    throw new CohortError(
      'E_LEDGER_PROOF',
      `a subtree start is not an aligned index of the ${leaves.length / 32} leaves`,
    );
  const out = new Uint8Array(starts.length * 32);
  const scratch = Buffer.alloc(65);
  scratch[0] = 0x01;
  const level = Buffer.alloc(size * 32);
  const packed = Buffer.from(leaves.buffer, leaves.byteOffset, leaves.byteLength);
  starts.forEach((start, s) => {
    packed.copy(level, 0, start * 32, (start + size) * 32);
    // Buffer.copy rather than set(subarray(...)): no view object made per node.
    for (let n = size; n > 1; n /= 2) {
      for (let i = 0; i < n / 2; i++) {
        level.copy(scratch, 1, i * 64, i * 64 + 64);
        hash('sha256', scratch, 'buffer').copy(level, i * 32);
      }
    }
    out.set(level.subarray(0, 32), s * 32);
  });
  return out;
}

/** The tasks a ledger thread runs, by name. */
export const LEDGER_TASKS = { recompute: recomputeTask, subtrees: subtreeRoots } as const;
export type LedgerTaskName = keyof typeof LEDGER_TASKS;
export type LedgerTaskInput<K extends LedgerTaskName> = Parameters<(typeof LEDGER_TASKS)[K]>[0];
export type LedgerTaskOutput<K extends LedgerTaskName> = ReturnType<(typeof LEDGER_TASKS)[K]>;

export interface LedgerRequest {
  id: number;
  task: LedgerTaskName;
  input: unknown;
}
/** A thread's message: loaded, or a task's value or typed error. */
export type LedgerReply =
  { ready: true } | { id: number; value: unknown } | { id: number; error: { code: string; message: string } };
