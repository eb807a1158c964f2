/**
 * An auditor's verification of ledger files: a coordinator database (its
 * rows, leaf hashes, latest checkpoint and latest cosignature per witness),
 * a saved head or audit state, hospitals' copies, and checkpoint notes
 * witnesses kept. `cohort ledger verify`, the ledger HTTP server, the
 * dashboard and the simulations all verify through here.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseRosterChain } from '../core/roster/index.ts';
import { writeAtomically } from '../edge/atomic-file.ts';
import { CohortError } from '../core/errors.ts';
import { formatIssues } from '../core/parse-issues.ts';
import { mechanismSchema } from '../core/ledger/schema.ts';
import {
  entryHash,
  verifyLedger,
  type VerifyCheckpoint,
  type VerifyFailure,
  type VerifyInput,
  type VerifyReport,
} from '../core/ledger/index.ts';
import type { LedgerHead } from '../core/ledger/types.ts';
import {
  readCoordinatorLedger,
  readCoordinatorLedgerAfter,
  readHospitalLedger,
  type CoordinatorLedgerData,
} from './ledger-reader.ts';
import { fileText, readCappedFile } from '../edge/capped-file.ts';
import { recomputeParallel } from '../edge/ledger-recompute.ts';
import { Failures } from '../core/ledger/verify-failures.ts';
import { hospitalKeysOf } from '../core/ledger/grants.ts';
import { MAX_NOTE_CHARS } from '../core/ledger/checkpoint.ts';
import { MAX_CANONICAL_DEPTH } from '../core/ledger/canonical.ts';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const headSchema = z.strictObject({
  seq: z.number().int().min(1),
  hash: hex(64),
  signature: hex(128),
  coordinatorKey: hex(64),
});
const HEAD_FILE = {
  what: 'saved head',
  // About 300 bytes.
  maxBytes: 64 * 1024,
  schema: headSchema,
  madeBy: 'cohort ledger head --json',
} as const;

/**
 * A saved head or checkpoint: read within its cap, parsed as JSON and checked
 * against its schema; anything else is E_CONFIG_INVALID naming the file and
 * the command that makes such a file.
 */
function readLedgerFile<S extends z.ZodType>(
  path: string,
  o: { what: string; maxBytes: number; schema: S; madeBy: string },
): z.infer<S> {
  const text = fileText(readCappedFile(path, { maxBytes: o.maxBytes, what: o.what, code: 'E_CONFIG_INVALID' }));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `cannot read the ${o.what} ${path}: ${(err as Error).message}`);
  }
  // Deeper than any entry's value (a spec is one) could be: JSON.stringify, writing the state back, would overflow the stack.
  if (!nestedWithin(raw, MAX_CANONICAL_DEPTH + 4))
    throw new CohortError('E_CONFIG_INVALID', `${path} is not a ${o.what} (${o.madeBy}): nested too deep`);
  const r = o.schema.safeParse(raw);
  if (!r.success)
    throw new CohortError('E_CONFIG_INVALID', `${path} is not a ${o.what} (${o.madeBy}): ${formatIssues(r.error)}`);
  return r.data;
}

/** Whether `v` nests arrays and objects at most `max` deep, walked without recursion (it may be deeper than the stack). */
function nestedWithin(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [x, depth] = next;
    if (typeof x !== 'object' || x === null) continue;
    if (depth >= max) return false;
    for (const y of Object.values(x)) stack.push([y, depth + 1]);
  }
  return true;
}

const keyBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

// Mechanisms are checked by the ledger's own schema: a checkpoint is input like any file.
const mechanismRuns = z.array(z.tuple([mechanismSchema, z.number().int().min(1)]));
const checkpointSchema = z.strictObject({
  seq: z.number().int().min(1),
  hash: hex(64),
  coordinatorKey: hex(64),
  specs: z.record(z.string(), z.unknown()),
  prior: z.record(z.string(), z.record(z.string(), mechanismRuns)),
  hospitalKeys: z.record(z.string(), hex(64)),
  // The roster versions recorded so far, checked as a chain (core/roster/) when the checkpoint is read.
  roster: z.array(z.unknown()).max(1000).optional(),
  // The Merkle tree's right edge (absent in states saved before the tree): one 32-byte hash per set bit of size.
  tree: z
    .strictObject({
      size: z.number().int().min(0),
      frontier: z.array(z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/)).max(53),
    })
    .optional(),
});
const CHECKPOINT_FILE = {
  what: 'ledger checkpoint',
  // Every job's spec and mechanism runs, and the roster chain.
  maxBytes: 256 * 1024 * 1024,
  schema: checkpointSchema,
  madeBy: 'cohort ledger verify --checkpoint',
} as const;

/** An audit state file (`ledger verify --checkpoint`, `ledger fetch --checkpoint`); E_CONFIG_INVALID if it is not one. */
export function readCheckpoint(path: string): VerifyCheckpoint {
  const { roster, ...rest } = readLedgerFile(path, CHECKPOINT_FILE);
  if (!roster || roster.length === 0) return rest;
  try {
    return { ...rest, roster: parseRosterChain({ versions: roster }).versions };
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `${path}: its roster is not a roster chain: ${(err as Error).message}`);
  }
}

/**
 * `ledger verify --checkpoint FILE`: with no file yet, a full verification
 * that leaves one; with one, only the rows after it (and that the row it
 * ends at is still the one it names), leaving the next. Hospitals' copies
 * and saved heads are compared in a full verification.
 */
export function verifyFromCheckpoint(o: {
  db: string;
  checkpoint: string;
  coordinatorKey?: string;
  recompute?: boolean;
  witness?: string[];
}): VerifyReport & { pinned: boolean; from: number } {
  if (o.coordinatorKey !== undefined && !/^[0-9a-f]{64}$/.test(o.coordinatorKey))
    throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
  if (!existsSync(o.checkpoint)) {
    const full = verifyFiles({
      db: o.db,
      ...(o.coordinatorKey ? { coordinatorKey: o.coordinatorKey } : {}),
      ...(o.witness ? { witness: o.witness } : {}),
      ...(o.recompute === undefined ? {} : { recompute: o.recompute }),
    });
    if (full.ok && full.checkpoint) writeAtomically(o.checkpoint, `${JSON.stringify(full.checkpoint)}\n`);
    return { ...full, from: 0 };
  }
  const cp = readCheckpoint(o.checkpoint);
  if (o.coordinatorKey !== undefined && o.coordinatorKey !== cp.coordinatorKey)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `--coordinator-key differs from the key the checkpoint ${o.checkpoint} was made under`,
    );
  const { data, tipFailure } = readAfterCheckpoint(o.db, cp);
  const report = verifyAfterCheckpoint(data, cp, o);
  const merged = tipFailure
    ? { ...report, ok: false, failures: [tipFailure, ...report.failures], checkpoint: null }
    : report;
  if (merged.ok && merged.checkpoint) writeAtomically(o.checkpoint, `${JSON.stringify(merged.checkpoint)}\n`);
  return { ...merged, pinned: true, from: cp.seq };
}

/**
 * The rows after `cp` (what an incremental audit reads: `ledger verify
 * --checkpoint` and the dashboard), and why the row it ends at no longer
 * is the entry it names (truncated, or history rewritten), or null.
 */
export function readAfterCheckpoint(
  db: string,
  cp: VerifyCheckpoint,
): { data: ReturnType<typeof readCoordinatorLedgerAfter>; tipFailure: VerifyFailure | null } {
  const data = readCoordinatorLedgerAfter(db, cp.seq);
  const tip = data.tip;
  const tipFailure: VerifyFailure | null = !tip
    ? {
        seq: cp.seq,
        code: 'head-missing',
        message: `the checkpoint ends at entry ${cp.seq}, which the ledger no longer holds (truncated)`,
      }
    : tip.hash !== cp.hash || entryHash(tip.canonical) !== cp.hash
      ? {
          seq: cp.seq,
          code: 'head-mismatch',
          message: `entry ${cp.seq} is not the entry the checkpoint names (history rewritten)`,
        }
      : null;
  return { data, tipFailure };
}

/** The rows readAfterCheckpoint read, verified from `cp` under the key and hospital keys it pins. */
export function verifyAfterCheckpoint(
  data: CoordinatorLedgerData,
  cp: VerifyCheckpoint,
  o: { recompute?: boolean; witness?: string[] } = {},
): VerifyReport {
  return verifyLedger({
    entries: data.entries,
    coordinatorKey: keyBytes(cp.coordinatorKey),
    receipts: data.receipts,
    hospitalKeys: new Map(
      [...Object.entries(cp.hospitalKeys), ...hospitalKeysOf(data.entries, cp.roster)].map(([n, k]) => [
        n,
        keyBytes(k),
      ]),
    ),
    ...treeInputs(data, o.witness),
    from: cp,
    recompute: o.recompute ?? true,
  });
}

/** A witness's note (`cohort client checkpoint`), read within the size of a signed note. */
function readWitnessNote(path: string): string {
  return fileText(
    readCappedFile(path, { maxBytes: MAX_NOTE_CHARS, what: 'witness checkpoint note', code: 'E_CONFIG_INVALID' }),
  );
}

/** The tree's inputs: stored leaves, checkpoints and cosignatures, and the notes witnesses kept. */
function treeInputs(
  data: CoordinatorLedgerData,
  witness: readonly string[] | undefined,
): Pick<VerifyInput, 'leaves' | 'checkpoints' | 'cosignatures' | 'witnessNotes'> {
  return {
    ...(data.leaves ? { leaves: data.leaves } : {}),
    checkpoints: data.checkpoints ?? [],
    cosignatures: data.cosignatures ?? [],
    witnessNotes: (witness ?? []).map(readWitnessNote),
  };
}

/** What to verify (verifyFiles, verifyData, verifyFilesParallel): `cohort ledger verify`'s files and flags. */
export interface VerifyFilesOptions {
  db: string;
  hospitalLedger?: string[];
  head?: string;
  coordinatorKey?: string;
  recompute?: boolean;
  witness?: string[];
}

/** Verifies a coordinator database (and hospitals' copies) the way `cohort ledger verify` does. */
export function verifyFiles(o: VerifyFilesOptions): VerifyReport & { pinned: boolean } {
  return verifyData(readCoordinatorLedger(o.db), o);
}

/** verifyFiles on a ledger already read (the dashboard reads it once for its rows and its verification). */
export function verifyData(data: CoordinatorLedgerData, o: VerifyFilesOptions): VerifyReport & { pinned: boolean } {
  const head: LedgerHead | undefined = o.head ? readLedgerFile(o.head, HEAD_FILE) : undefined;
  // The key an auditor pinned (flag, or the saved head) wins over the one stored beside the entries.
  const pinnedKey = o.coordinatorKey ?? head?.coordinatorKey;
  if (pinnedKey !== undefined && !/^[0-9a-f]{64}$/.test(pinnedKey))
    throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
  const key = pinnedKey ?? data.coordinatorKey;
  if (!key) throw new CohortError('E_STORE', `${o.db} records no ledger key and none was given (--coordinator-key)`);
  const report = verifyLedger({
    entries: data.entries,
    coordinatorKey: keyBytes(key),
    receipts: data.receipts,
    hospitalKeys: new Map([...data.hospitalKeys].map(([n, k]) => [n, keyBytes(k)])),
    ...treeInputs(data, o.witness),
    ...(head ? { head } : {}),
    hospitalLedgers: (o.hospitalLedger ?? [])
      .map(readHospitalLedger)
      .map(({ hospital, entries, receipts, charges }) => ({ hospital, entries, receipts, charges })),
    recompute: o.recompute ?? true,
  });
  return { ...report, pinned: pinnedKey !== undefined };
}

/**
 * verifyFiles with every ε recomputed on `workers` threads
 * (edge/ledger-recompute.ts) instead of on this one: the rest of the audit
 * (order, chain, tree, checkpoints, cosignatures, seals, receipts, copies)
 * runs here with recompute off, and the two halves' failures merge with the
 * same rule verifyLedger applies (lowest seq per code). The state a caller
 * saves is kept only if both halves pass.
 */
export async function verifyFilesParallel(
  o: VerifyFilesOptions & { workers: number },
): Promise<VerifyReport & { pinned: boolean }> {
  const data = readCoordinatorLedger(o.db);
  const structural = verifyData(data, { ...o, recompute: false });
  if (o.recompute === false) return structural;
  const eps = await recomputeParallel(
    data.entries.map((e) => ({ seq: e.seq, canonical: e.canonical })),
    { workers: o.workers },
  );
  const failures = new Failures();
  for (const f of [...structural.failures, ...eps.failures]) failures.add(f.seq, f.code, f.message);
  const list = failures.sorted();
  return {
    ...structural,
    ok: list.length === 0,
    failures: list,
    spendsRecomputed: eps.spendsRecomputed,
    checkpoint: list.length === 0 ? structural.checkpoint : null,
  };
}
