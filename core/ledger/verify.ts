/**
 * The auditor's check of a whole ledger: order, canonical form, hash chain,
 * the Merkle tree against its signed checkpoints and the witnesses'
 * cosignatures (verify-tree.ts), seals where no checkpoint vouches for the
 * rows, entry schemas, receipts, every recorded ε recomputed, a head kept
 * out of band, and hospitals' own copies and charges. Pure: the caller reads
 * the databases (coordinator/ledger-reader.ts) and passes rows in storage
 * order.
 *
 * Seals: a row covered by a checkpoint whose signature verifies and whose
 * root is the recomputed tree's root needs no seal check, since the
 * checkpoint's signature commits to its text (that is what makes a full
 * audit cheap). Every other row's seal is checked: rows after the latest
 * checkpoint, rows of a chain-format ledger (no checkpoint), and, when a
 * checkpoint does not match, every row after the last one that does, so a
 * changed entry is still named by its own seq.
 *
 * Each kind of failure has a stable code (VERIFY_CODES). For each code only
 * the lowest-seq occurrence is kept, and failures are reported by seq, then
 * in VERIFY_CODES order, so failures[0] names the first bad entry and the
 * most basic thing wrong with it (a changed text is a hash-mismatch before it
 * is an epsilon-mismatch). Spends neither cosigned nor receipted and charges
 * no entry records are notes, not failures: a hospital may crash before
 * cosigning, and a round may fail after a hospital charged for its training.
 */
import type { Mechanism } from '../privacy/spend.ts';
import { CohortError } from '../errors.ts';
import { canonicalJson } from './canonical.ts';
import { LEDGER_KEY_BYTES } from './ed25519.ts';
import { entryHash, MAX_ENTRY_CHARS, sealSignatureValid } from './seal.ts';
import { entryProblem } from './schema.ts';
import {
  GENESIS_HASH,
  type LedgerEntry,
  type LedgerHead,
  type Receipt,
  type RosterEntryBody,
  type SealedEntry,
} from './types.ts';
import { parseRosterChain, verifyRosterSuccessor, type RosterVersion } from '../roster/index.ts';
import { checkAcknowledged, checkHead, checkHospital, checkReceipts } from './verify-copies.ts';
import { checkTree, noTreeFindings, type StoredCosignature, type TreeFindings, type TreeState } from './verify-tree.ts';
import { keysByEntry } from './verify-keys.ts';
import type { KeyAt } from './verify-witness.ts';
import { checkJobs, Histories, recomputeSpends } from './verify-spends.ts';
import { Failures, hex, shown, type Checked, type VerifyFailure } from './verify-failures.ts';

export { VERIFY_CODES, type VerifyCode, type VerifyFailure } from './verify-failures.ts';
export type { StoredCosignature, TreeState } from './verify-tree.ts';

export interface VerifyReport {
  ok: boolean;
  /** Rows examined. */
  entries: number;
  /** The last row's position, hash and seal, to keep out of band (null for an empty ledger). */
  head: LedgerHead | null;
  /** Legacy receipts that verified (for an entry held, from a hospital it charges, under that hospital's key). */
  receiptsVerified: number;
  /** Checkpoint notes whose coordinator signature verified and whose root is the recomputed tree's at their size. */
  checkpointsVerified: number;
  /** Cosignatures (stored or in witness notes) that verified over the tree's root at their size. */
  cosignaturesVerified: number;
  /** Spends whose hospital validly cosigned a checkpoint covering their entry. */
  spendsWitnessed: number;
  /** Rows whose seal was checked (those no verified checkpoint covers). */
  sealsChecked: number;
  /** The largest verified checkpoint's size (null when none verified). */
  checkpointSize: number | null;
  /** Per hospital, the largest tree size it validly cosigned. */
  witnessed: Record<string, number>;
  /** Hospital spends recomputed and found equal (0 with recompute: false). */
  spendsRecomputed: number;
  /** At most one per code (its lowest seq), sorted by seq then code: failures[0] is the first bad entry. */
  failures: VerifyFailure[];
  notes: string[];
  /** What verifying the rows after this one needs (null when the ledger failed or is empty). */
  checkpoint: VerifyCheckpoint | null;
}

/**
 * What a verified ledger prefix leaves behind so that only the rows after
 * it need verifying: its last seq and hash (the chain continues from them),
 * the specs of the jobs it created, each hospital's mechanisms so far per
 * job (run-length: a job applies one mechanism), and the keys its grants
 * record. An auditor keeps it beside a saved head; what it vouches for is
 * what was verified when it was made, so rows before it are only re-checked
 * by a full verification.
 */
export interface VerifyCheckpoint {
  seq: number;
  hash: string;
  coordinatorKey: string;
  specs: Record<string, unknown>;
  prior: Record<string, Record<string, [Mechanism, number][]>>;
  hospitalKeys: Record<string, string>;
  /** The roster versions recorded so far, in order (absent in checkpoints made before rosters). */
  roster?: RosterVersion[];
  /**
   * The Merkle tree's right edge after `seq` (absent in states saved before
   * the tree): the next audit extends it with the new rows' leaves and
   * compares the root with the latest checkpoint's, without the old rows.
   */
  tree?: TreeState;
}

export interface HospitalLedgerInput {
  hospital: string;
  /** The entries this hospital kept (its copies of entries recording its spend). */
  entries: SealedEntry[];
  receipts: Receipt[];
  /** What its budget charged, per job and round. */
  charges: { jobId: string; round: number; mechanism: Mechanism }[];
}

export interface VerifyInput {
  /** The coordinator's rows in storage order, as read from its database. */
  entries: SealedEntry[];
  coordinatorKey: Uint8Array;
  receipts: Receipt[];
  /**
   * Hospital keys known from before `entries` (a saved state's, or the
   * ledger's own as core/ledger/grants.ts hospitalKeysOf reads them): the
   * grants and roster versions among the entries decide which key was in
   * force at each (verify-keys.ts), these only where they name none.
   */
  hospitalKeys: ReadonlyMap<string, Uint8Array>;
  /** A head saved earlier: detects truncation and rewritten history. */
  head?: LedgerHead;
  hospitalLedgers?: HospitalLedgerInput[];
  /** Recompute every ε (default true; the slow part when PLD results are not cached). */
  recompute?: boolean;
  /** Verify only `entries` after a checkpoint (they must start at its seq + 1 and chain from its hash). */
  from?: VerifyCheckpoint;
  /** Stored Merkle leaf hashes, parallel to `entries` (null where a row has none: not yet converted). */
  leaves?: (Uint8Array | null)[];
  /** Signed checkpoint notes (C2SP tlog-checkpoint), latest last: the latest is enough, earlier ones localize a mismatch. */
  checkpoints?: string[];
  /** Cosignatures as the coordinator stores them (the latest per witness is enough). */
  cosignatures?: StoredCosignature[];
  /** Notes witnesses kept (`cohort client checkpoint`): a checkpoint with their cosignature lines. */
  witnessNotes?: string[];
}

/**
 * Verifies a ledger. Throws E_LEDGER_KEY if `coordinatorKey` is not 32
 * bytes (a caller's mistake, not a finding about the ledger); every finding
 * about the data is a failure or a note in the report.
 */
export function verifyLedger(input: VerifyInput): VerifyReport {
  const key = input.coordinatorKey;
  if (!(key instanceof Uint8Array) || key.length !== LEDGER_KEY_BYTES)
    throw new CohortError('E_LEDGER_KEY', `coordinator key must be ${LEDGER_KEY_BYTES} bytes`);
  const failures = new Failures();
  const notes: string[] = [];
  const rows = input.entries;

  const from = input.from;
  if (from && from.coordinatorKey !== hex(key))
    failures.add(
      from.seq,
      'head-mismatch',
      `the checkpoint was made under key ${from.coordinatorKey.slice(0, 16)}…, not the key being verified with (${hex(key).slice(0, 16)}…)`,
    );
  checkOrder(rows, failures, (from?.seq ?? 0) + 1);
  const keys = keysByEntry(rows, from?.roster ?? [], input.hospitalKeys);
  const tree = treeFindings(input, key, keys.at, failures, notes);
  // Rows before this index are vouched for by a verified checkpoint.
  const vouched = Math.max(0, tree.covered - (from?.tree?.size ?? 0));
  const checked = checkRows(
    rows,
    key,
    failures,
    from ? { hash: from.hash, seq: from.seq } : { hash: GENESIS_HASH, seq: null },
    vouched,
  );
  // Later checks look entries up by seq; a duplicated seq keeps its first row (already a failure).
  const bySeq = new Map<number, Checked>();
  for (const c of checked) if (!bySeq.has(c.sealed.seq)) bySeq.set(c.sealed.seq, c);
  const ordered = [...bySeq.values()].sort((a, b) => a.sealed.seq - b.sealed.seq);
  const rowBySeq = new Map<number, SealedEntry>();
  for (const r of rows) if (!rowBySeq.has(r.seq)) rowBySeq.set(r.seq, r);

  const specs = new Map<string, unknown>(Object.entries(from?.specs ?? {}));
  checkJobs(ordered, specs, failures, notes);
  const roster = checkRosters(ordered, from?.roster ?? [], failures);
  const prior = new Histories(from?.prior ?? {});
  const spendsRecomputed = recomputeSpends(ordered, prior, input.recompute !== false, failures);
  const receipted = checkReceipts(bySeq, rowBySeq, input.receipts, keys.at, failures);
  const spendsWitnessed = checkAcknowledged(ordered, receipted, tree.witnessed, notes);
  for (const h of input.hospitalLedgers ?? []) checkHospital(h, ordered, rowBySeq, key, keys.at, failures, notes);
  if (input.head) checkHead(input.head, rowBySeq, key, failures);

  const list = failures.sorted();
  const state = { specs, prior, roster, tree: tree.tree, keys: keys.atEnd };
  return {
    ...reportHead(input, key, list),
    receiptsVerified: receipted.size,
    spendsRecomputed,
    checkpointsVerified: tree.checkpointsVerified,
    cosignaturesVerified: tree.cosignaturesVerified,
    spendsWitnessed,
    sealsChecked: Math.max(0, rows.length - vouched),
    checkpointSize: tree.checkpointSize,
    witnessed: Object.fromEntries(tree.witnessed),
    failures: list,
    notes,
    checkpoint: list.length === 0 ? stateAfter(input, key, state) : null,
  };
}

/**
 * The tree checks, unless the saved state predates the tree: then the new
 * rows are checked by their seals alone, and only a full verification can
 * tie the checkpoints to the rows before the state.
 */
function treeFindings(
  input: VerifyInput,
  key: Uint8Array,
  keyAt: KeyAt,
  failures: Failures,
  notes: string[],
): TreeFindings {
  const from = input.from;
  if (from && !from.tree) {
    notes.push(
      `the saved audit state (entry ${from.seq}) predates the Merkle tree: the new entries were checked by their seals, and no checkpoint can be tied to the entries before it; run a full verification (a new --checkpoint file) to save a tree`,
    );
    return noTreeFindings();
  }
  if (from?.tree && from.tree.size !== from.seq)
    failures.add(
      from.seq,
      'head-mismatch',
      `the saved tree has ${from.tree.size} leaves, not one per entry up to ${from.seq}`,
    );
  return checkTree(
    {
      rows: input.entries,
      leaves: input.leaves,
      coordinatorKey: key,
      keyAt,
      checkpoints: input.checkpoints,
      cosignatures: input.cosignatures,
      witnessNotes: input.witnessNotes,
      from: from?.tree,
    },
    failures,
    notes,
  );
}

function reportHead(input: VerifyInput, key: Uint8Array, list: VerifyFailure[]) {
  const last = input.entries.at(-1);
  return {
    ok: list.length === 0,
    entries: input.entries.length,
    head: last ? { seq: last.seq, hash: last.hash, signature: last.signature, coordinatorKey: hex(key) } : null,
  };
}

/** What the next incremental audit starts from (null for an empty ledger). */
function stateAfter(
  input: VerifyInput,
  key: Uint8Array,
  s: {
    specs: Map<string, unknown>;
    prior: Histories;
    roster: RosterVersion[];
    tree: TreeState | null;
    keys: Map<string, Uint8Array>;
  },
): VerifyCheckpoint | null {
  const last = input.entries.at(-1);
  const from = input.from;
  const tip = last ? { seq: last.seq, hash: last.hash } : from ? { seq: from.seq, hash: from.hash } : null;
  if (!tip) return null;
  return {
    ...tip,
    coordinatorKey: hex(key),
    specs: Object.fromEntries(s.specs),
    prior: s.prior.toRuns(),
    hospitalKeys: Object.fromEntries([...s.keys].map(([n, k]) => [n, hex(k)])),
    roster: s.roster,
    ...(s.tree ? { tree: s.tree } : {}),
  };
}

/**
 * seq must run 1, 2, 3, … in storage order. Where it does not, the failure
 * names the first seq out of place: the missing one for a gap, the one that
 * appears too late for a reordering.
 */
function checkOrder(rows: readonly SealedEntry[], failures: Failures, first: number): void {
  const present = new Set<number>();
  for (const r of rows) present.add(r.seq);
  const seen = new Set<number>();
  let expected = first;
  for (let i = 0; i < rows.length; i++) {
    const seq = rows[i]!.seq;
    if (!Number.isSafeInteger(seq) || seq < 1) {
      failures.add(expected, 'seq-gap', `row ${i + 1} has seq ${shown(seq)}, not a positive integer`);
      continue;
    }
    if (seen.has(seq)) failures.add(seq, 'duplicate-seq', `entry ${seq} is stored twice`);
    else if (seq > expected) {
      if (present.has(expected)) failures.add(expected, 'seq-order', `entry ${expected} is stored after entry ${seq}`);
      else
        failures.add(
          expected,
          'seq-gap',
          seq === expected + 1 ? `entry ${expected} is missing` : `entries ${expected} to ${seq - 1} are missing`,
        );
    } else if (seq < expected)
      failures.add(
        seq,
        'seq-order',
        seq < first
          ? `entry ${seq} comes before the checkpoint at ${first - 1}`
          : `entry ${seq} is stored after entry ${expected - 1}`,
      );
    seen.add(seq);
    expected = Math.max(expected, seq + 1);
  }
}

/**
 * Per row: canonical form, seq, hash, chain link, seal (from row index
 * `vouched` on: a verified checkpoint vouches for the rows before) and
 * schema. Returns the rows that parsed to well-formed entries.
 */
function checkRows(
  rows: readonly SealedEntry[],
  key: Uint8Array,
  failures: Failures,
  start: { hash: string; seq: number | null },
  vouched: number,
): Checked[] {
  const out: Checked[] = [];
  let prevHash = start.hash;
  let prevSeq: number | null = start.seq;
  for (const [i, row] of rows.entries()) {
    const seq = Number.isSafeInteger(row.seq) ? row.seq : null;
    const text = row.canonical;
    // The link is to the previous row's actual text, whatever hash it claims.
    const actual = typeof text === 'string' ? entryHash(text) : '';
    if (i >= vouched && !sealSignatureValid(row.hash, row.signature, key))
      failures.add(
        seq,
        'bad-signature',
        `entry ${seq}: seal does not verify under the coordinator key ${hex(key).slice(0, 16)}…`,
      );
    if (row.hash !== actual)
      failures.add(seq, 'hash-mismatch', `entry ${seq}: stored hash is not the SHA-256 of its text`);
    const parsed = parseCanonical(text);
    if (typeof parsed === 'string') {
      failures.add(
        seq,
        parsed === 'too large' ? 'entry-too-large' : 'not-canonical',
        `entry ${seq}: ${parsed === 'too large' ? `over ${MAX_ENTRY_CHARS} characters` : parsed}`,
      );
    } else {
      const entry = parsed.value as Partial<LedgerEntry> | null;
      const claimed = entry !== null && typeof entry === 'object' ? entry.seq : undefined;
      if (claimed !== row.seq)
        failures.add(seq, 'seq-mismatch', `row ${seq} holds the text of entry ${shown(claimed)}`);
      const link = entry !== null && typeof entry === 'object' ? entry.prevHash : undefined;
      if (link !== prevHash) {
        failures.add(
          seq,
          'prev-hash-mismatch',
          prevSeq === null
            ? `entry ${seq}: first entry's prevHash is not the genesis hash`
            : `entry ${seq}: prevHash is not the hash of entry ${prevSeq} stored before it`,
        );
      }
      const problem = entryProblem(parsed.value);
      if (problem !== null) failures.add(seq, 'bad-body', `entry ${seq}: ${problem}`);
      else if (seq !== null) out.push({ sealed: row, entry: parsed.value as LedgerEntry });
    }
    prevHash = actual;
    prevSeq = seq;
  }
  return out;
}

/** The value a text parses to if the text is its RFC 8785 form, else why not. */
function parseCanonical(text: unknown): { value: unknown } | string {
  if (typeof text !== 'string') return 'no canonical text';
  if (text.length > MAX_ENTRY_CHARS) return 'too large';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'text is not JSON';
  }
  let again: string;
  try {
    again = canonicalJson(value);
  } catch (err) {
    return `text has no canonical form (${(err as Error).message})`;
  }
  return again === text ? { value } : 'text is not in canonical form (RFC 8785)';
}

/**
 * Roster entries must form one chain from version 1, each version signed by
 * its quorum of the version before it (core/roster/ verifyRosterSuccessor,
 * each version once on the chain verified before it), and restate its body's
 * network, version and hash. Returns the chain so far.
 */
function checkRosters(
  entries: readonly Checked[],
  before: readonly RosterVersion[],
  failures: Failures,
): RosterVersion[] {
  const chain = [...before];
  for (const { sealed, entry } of entries) {
    if (entry.kind !== 'roster') continue;
    const b = entry.body as RosterEntryBody;
    try {
      // One step on the chain verified so far: each version is verified once, not the whole chain again.
      const version = parseRosterChain({ versions: [b.roster] }).versions[0]!;
      const head = verifyRosterSuccessor(chain.at(-1) ?? null, version);
      if (head.network !== b.network || head.version !== b.version || head.hash !== b.hash)
        throw new Error('network, version or hash differs from the version recorded');
      chain.push(version);
    } catch (err) {
      failures.add(
        sealed.seq,
        'bad-roster',
        `entry ${sealed.seq}: roster version ${b.version} does not extend the roster recorded before it: ${(err as Error).message}`,
      );
    }
  }
  return chain;
}
