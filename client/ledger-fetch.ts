/**
 * Reading the ledger from a running coordinator over an authenticated
 * connection (the `ledger.read` action): an auditor gets every entry, a
 * hospital its own (core/ledger/scope.ts), and the reader says which it
 * expects (a page of the other scope is refused, E_LEDGER_SCOPE). Pages are
 * fetched until the end and checked here, under the key the reader pinned
 * when it has one.
 *
 * The whole ledger is read against the transparency log: after the first
 * page, the coordinator's latest signed checkpoint and its witnesses'
 * cosignatures are asked for (`ledger.prove`), pages are read until they
 * cover the checkpoint (rows past it are left for the next fetch), and the
 * tree of the rows must have the checkpoint's root: its signature then
 * vouches for every row it covers, so no seal is checked. An auditor that
 * kept the state of an earlier fetch reads only the rows after it, and the
 * checkpoint must extend the tree verified then (an RFC 9162 §2.1.4
 * consistency proof from that tree's size): a coordinator that rewrote an
 * entry before it, even with every checkpoint re-signed by its key, signed
 * two histories of those entries, and is caught without reading them again.
 */
import { CohortError } from '../core/errors.ts';
import {
  hospitalKeysOf,
  ledgerPageReplySchema,
  ledgerProofReplySchema,
  pageProblem,
  verifyLedger,
  verifySeal,
  type StoredCosignature,
  type TreeState,
  type VerifyCheckpoint,
  type VerifyFailure,
  type VerifyReport,
  type WireCosignature,
} from '../core/ledger/index.ts';
import { logOrigin, openCheckpoint, parseCheckpointBody, parseNote } from '../core/ledger/checkpoint.ts';
import { Frontier, type Hash } from '../core/ledger/merkle.ts';
import type { Receipt, SealedEntry } from '../core/ledger/types.ts';
import { request, type RequestOptions } from './request.ts';
import { extensionProblem } from './witness-check.ts';

/** The coordinator's answer to `ledger.prove`, as a fetch keeps it. */
export interface FetchedProof {
  /** The tree size the consistency proof starts from (0 for a fetch from the start). */
  fromSize: number;
  /** The latest checkpoint, a signed note; the fetch holds the rows up to its size and no more. */
  checkpoint: string;
  size: number;
  consistency: string[];
  /** Each witness's latest cosignature (absent from coordinators before they were sent). */
  cosignatures: WireCosignature[];
}

export interface FetchedLedger {
  coordinatorKey: string;
  /** 'all': the whole ledger (or one job's part of it); 'own': a hospital's entries. */
  scope: 'all' | 'own';
  jobId: string | null;
  /** The entries are those after this seq (0: from the start). */
  afterSeq: number;
  entries: SealedEntry[];
  receipts: Receipt[];
  /** The checkpoint the entries were read against (the whole ledger only; null otherwise). */
  proof: FetchedProof | null;
}

/** Where an incremental fetch starts: the last entry and the tree size an earlier audit verified. */
export interface FetchFrom {
  seq: number;
  size: number;
}

/** Most pages one fetch follows: a coordinator that always says "more" cannot keep the reader looping. */
export const MAX_LEDGER_PAGES = 100_000;

function malformed(
  code: 'E_LEDGER_ENTRY' | 'E_LEDGER_PROOF',
  what: string,
  issues: { path: PropertyKey[]; code: string }[],
) {
  // The schema's own field paths and issue codes: no text the coordinator chose reaches the auditor's terminal.
  const named = issues.slice(0, 10).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`);
  return new CohortError(code, `the coordinator's ${what} is malformed: ${named.join('; ')}`);
}

/** The latest checkpoint, a consistency proof from `fromSize` and the cosignatures (`ledger.prove`), validated. */
async function fetchProof(conn: RequestOptions, fromSize: number): Promise<FetchedProof> {
  let json: unknown;
  let refused = false;
  try {
    json = (await request(conn, { action: 'ledger.prove', fromSize })).json;
  } catch (err) {
    if (!(err instanceof CohortError && err.code === 'E_LEDGER_PROOF') || fromSize === 0) throw err;
    // No proof from a size its tree no longer reaches: its checkpoint is still read, and the check names the smaller tree.
    refused = true;
    json = (await request(conn, { action: 'ledger.prove', fromSize: 0 })).json;
  }
  const r = ledgerProofReplySchema.safeParse(json);
  if (!r.success) throw malformed('E_LEDGER_PROOF', 'proof reply', r.error.issues);
  // Its signature is the verification's to judge; a note without a readable size is refused here (E_LEDGER_CHECKPOINT).
  const { size } = parseCheckpointBody(parseNote(r.data.checkpoint).body);
  return {
    fromSize,
    checkpoint: r.data.checkpoint,
    size,
    consistency: refused ? [] : r.data.consistency,
    cosignatures: r.data.cosignatures ?? [],
  };
}

/**
 * The refusal of a page whose scope is not the one the reader asked for. The
 * coordinator picks the scope by the reader's role, so an answer of another
 * scope is a coordinator that lies or a reader that is not what it thinks:
 * above all, a hospital's own entries given to an auditor would be checked
 * seal by seal only (no chain, no checkpoint) and hide every other entry.
 */
function scopeRefusal(asked: 'all' | 'own'): CohortError {
  return new CohortError(
    'E_LEDGER_SCOPE',
    asked === 'all'
      ? "the coordinator answered with only your own entries (a hospital's view, checkable seal by seal only), not the whole ledger: an auditor or admin is being refused the ledger; a hospital reads its own entries with --own"
      : 'the coordinator answered with the whole ledger, not your own entries: read it without --own',
  );
}

/**
 * The ledger (or one job's part) after `from.seq` (default: all of it). The
 * whole ledger is read against the latest checkpoint, asked for with a
 * consistency proof from `from.size`: pages up to its size are kept.
 * `scope` is what the reader expects: 'all' (an auditor or admin, the
 * default) or 'own' (a hospital); a page of the other scope is
 * E_LEDGER_SCOPE (scopeRefusal), never a weaker check.
 */
export async function fetchLedger(
  conn: RequestOptions,
  jobId: string | null = null,
  from: FetchFrom | null = null,
  scope: 'all' | 'own' = 'all',
): Promise<FetchedLedger> {
  const start = from?.seq ?? 0;
  const out: FetchedLedger = {
    coordinatorKey: '',
    scope,
    jobId,
    afterSeq: start,
    entries: [],
    receipts: [],
    proof: null,
  };
  let after = start;
  for (let pages = 0; pages < MAX_LEDGER_PAGES; pages++) {
    const r = ledgerPageReplySchema.safeParse(
      (await request(conn, { action: 'ledger.read', afterSeq: after, ...(jobId ? { jobId } : {}) })).json,
    );
    if (!r.success) throw malformed('E_LEDGER_ENTRY', 'ledger page', r.error.issues);
    const p = r.data;
    if (p.scope !== scope) throw scopeRefusal(scope);
    if (out.coordinatorKey && p.coordinatorKey !== out.coordinatorKey)
      throw new CohortError('E_LEDGER_KEY', 'the coordinator changed its ledger key between pages');
    const problem = pageProblem(p, after);
    if (problem) throw new CohortError('E_LEDGER_ENTRY', `the coordinator's ledger: ${problem}`);
    out.coordinatorKey = p.coordinatorKey;
    // Asked once the first page shows the whole ledger is readable: its size is at least every row read so far.
    if (pages === 0 && p.scope === 'all' && jobId === null) out.proof = await fetchProof(conn, from?.size ?? 0);
    const end = out.proof?.size ?? Infinity;
    out.entries.push(...p.entries.filter((e) => e.seq <= end));
    out.receipts.push(...p.receipts.filter((x) => x.seq <= end));
    after = p.lastSeq;
    if (!p.more || after >= end) return out;
  }
  throw new CohortError('E_LEDGER_ENTRY', `the coordinator's ledger did not end within ${MAX_LEDGER_PAGES} pages`);
}

export interface FetchCheck {
  ok: boolean;
  entries: number;
  /** How far it could be checked: the whole chain, or each entry's hash and seal only (a part of the ledger has gaps by design). */
  checked: 'chain' | 'entries';
  /** Seqs whose hash or seal is wrong (entries mode), or the full verification report (chain mode). */
  badEntries: number[];
  report: VerifyReport | null;
  /** Whether the key came from the reader (flag or saved state), not from the coordinator's own reply. */
  pinned: boolean;
  /** The entries checked are those after this seq (an incremental fetch), 0 from the start. */
  from: number;
  /** Whether the checkpoint extends the tree verified before (null: no saved state, nothing to extend). */
  consistent: boolean | null;
}

const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const unb64 = (h: string): Hash => new Uint8Array(Buffer.from(h, 'base64'));

/** Refuses a --coordinator-key that is not an Ed25519 public key in hex (before any connection is made). */
export function checkKeyFlag(hex: string | undefined): void {
  if (hex !== undefined && !/^[0-9a-f]{64}$/.test(hex))
    throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
}

/**
 * Verifies what was fetched: the whole chain when it is the whole ledger
 * (after `from`, the state an earlier fetch or `ledger verify --checkpoint`
 * saved), else every entry on its own.
 */
export function checkFetched(f: FetchedLedger, pinnedKey?: string, from?: VerifyCheckpoint): FetchCheck {
  checkKeyFlag(pinnedKey);
  const pinned = pinnedKey !== undefined || from !== undefined;
  if (f.scope === 'all' && f.jobId === null) return checkWhole(f, pinnedKey, from, pinned);
  if (from)
    throw new CohortError('E_CONFIG_INVALID', 'an incremental fetch needs the whole ledger (an auditor or admin)');
  const key = bytes(pinnedKey ?? f.coordinatorKey);
  const badEntries = f.entries.filter((e) => !verifySeal(e, key)).map((e) => e.seq);
  return {
    ok: badEntries.length === 0,
    entries: f.entries.length,
    checked: 'entries',
    badEntries,
    report: null,
    pinned,
    from: 0,
    consistent: null,
  };
}

function checkWhole(
  f: FetchedLedger,
  pinnedKey: string | undefined,
  from: VerifyCheckpoint | undefined,
  pinned: boolean,
): FetchCheck {
  if (from && (!from.tree || f.afterSeq !== from.seq || f.proof?.fromSize !== from.tree.size))
    throw new CohortError(
      'E_CONFIG_INVALID',
      `the fetch did not start where the saved audit state ends (entry ${from.seq})`,
    );
  const key = bytes(pinnedKey ?? from?.coordinatorKey ?? f.coordinatorKey);
  const keys = new Map([...Object.entries(from?.hospitalKeys ?? {}), ...hospitalKeysOf(f.entries, from?.roster)]);
  const report = verifyLedger({
    entries: f.entries,
    coordinatorKey: key,
    receipts: f.receipts,
    hospitalKeys: new Map([...keys].map(([n, k]) => [n, bytes(k)])),
    ...(f.proof
      ? { checkpoints: [f.proof.checkpoint], cosignatures: f.proof.cosignatures.map(storedCosignature) }
      : {}),
    ...(from ? { from } : {}),
  });
  const split = from?.tree && f.proof ? consistencyFailure(from.tree, f.proof, key) : null;
  const merged = split ? { ...report, ok: false, failures: [split, ...report.failures], checkpoint: null } : report;
  return {
    ok: merged.ok,
    entries: f.entries.length,
    checked: 'chain',
    badEntries: [],
    report: merged,
    pinned,
    from: from?.seq ?? 0,
    consistent: from ? split === null : null,
  };
}

function storedCosignature(c: WireCosignature): StoredCosignature {
  return { witness: c.witness, size: c.size, timestamp: c.timestamp, signature: unb64(c.signature) };
}

/**
 * The failure when the fetched checkpoint does not extend the tree an
 * earlier audit verified (null when it does). Both trees were signed by the
 * coordinator's key (the saved one was checked against a signed checkpoint
 * when it was saved), so a checkpoint that is smaller, or that no
 * consistency proof ties to the saved root, is a second history of the
 * entries verified before: split-view. An unsigned checkpoint proves
 * nothing either way; the verification reports it (bad-checkpoint).
 */
export function consistencyFailure(saved: TreeState, proof: FetchedProof, key: Uint8Array): VerifyFailure | null {
  const c = openCheckpoint(proof.checkpoint, logOrigin(key), key);
  if (!c) return null;
  let oldRoot: Hash;
  try {
    oldRoot = Frontier.restore(saved.size, saved.frontier.map(unb64)).root();
  } catch {
    return null; // an unusable saved tree is the verification's head-mismatch
  }
  const ext = extensionProblem({ size: saved.size, root: oldRoot }, c, proof.consistency);
  if (ext === null) return null;
  const message =
    ext === 'smaller'
      ? `the coordinator's latest checkpoint (size ${c.size}) is smaller than the tree of ${saved.size} entries verified before: entries it signed are gone`
      : `the checkpoint of size ${c.size} does not extend the tree of ${saved.size} entries verified before (no consistency proof from root ${Buffer.from(oldRoot).toString('base64').slice(0, 12)}…): the coordinator signed another history of entries 1 to ${saved.size}`;
  return { seq: saved.size, code: 'split-view', message };
}
