/**
 * The auditor's check of a whole ledger: order, canonical form, hash chain,
 * seals, entry schemas, receipts, every recorded ε recomputed, a head kept
 * out of band, and hospitals' own copies and charges. Pure: the caller reads
 * the databases (coordinator/ledger-reader.ts) and passes rows in storage
 * order.
 *
 * Each kind of failure has a stable code (VERIFY_CODES). For each code only
 * the lowest-seq occurrence is kept, and failures are reported by seq, then
 * in VERIFY_CODES order, so failures[0] names the first bad entry and the
 * most basic thing wrong with it (a changed text is a hash-mismatch before it
 * is an epsilon-mismatch). Missing receipts and charges no entry records are
 * notes, not failures: a hospital may crash before receipting, and a round
 * may fail after a hospital charged for its training.
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
import { parseRosterChain, verifyRosterChain, type RosterVersion } from '../roster/index.ts';
import { checkHead, checkHospital, checkReceipts } from './verify-copies.ts';
import { checkJobs, Histories, recomputeSpends } from './verify-spends.ts';
import { Failures, hex, shown, type Checked, type VerifyFailure } from './verify-failures.ts';

export { VERIFY_CODES, type VerifyCode, type VerifyFailure } from './verify-failures.ts';

export interface VerifyReport {
  ok: boolean;
  /** Rows examined. */
  entries: number;
  /** The last row's position, hash and seal, to keep out of band (null for an empty ledger). */
  head: LedgerHead | null;
  /** Coordinator receipts that verified (for an entry held, from a hospital it charges, under that hospital's key). */
  receiptsVerified: number;
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
  hospitalKeys: ReadonlyMap<string, Uint8Array>;
  /** A head saved earlier: detects truncation and rewritten history. */
  head?: LedgerHead;
  hospitalLedgers?: HospitalLedgerInput[];
  /** Recompute every ε (default true; the slow part when PLD results are not cached). */
  recompute?: boolean;
  /** Verify only `entries` after a checkpoint (they must start at its seq + 1 and chain from its hash). */
  from?: VerifyCheckpoint;
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
  const checked = checkRows(
    rows,
    key,
    failures,
    from ? { hash: from.hash, seq: from.seq } : { hash: GENESIS_HASH, seq: null },
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
  const receiptsVerified = checkReceipts(ordered, bySeq, rowBySeq, input.receipts, input.hospitalKeys, failures, notes);
  for (const h of input.hospitalLedgers ?? [])
    checkHospital(h, ordered, rowBySeq, key, input.hospitalKeys, failures, notes);
  if (input.head) checkHead(input.head, rowBySeq, key, failures);

  const last = rows.at(-1);
  const list = failures.sorted();
  const ok = list.length === 0;
  const tip = last ? { seq: last.seq, hash: last.hash } : from ? { seq: from.seq, hash: from.hash } : null;
  return {
    ok,
    entries: rows.length,
    head: last ? { seq: last.seq, hash: last.hash, signature: last.signature, coordinatorKey: hex(key) } : null,
    receiptsVerified,
    spendsRecomputed,
    failures: list,
    notes,
    checkpoint:
      ok && tip
        ? {
            ...tip,
            coordinatorKey: hex(key),
            specs: Object.fromEntries(specs),
            prior: prior.toRuns(),
            hospitalKeys: Object.fromEntries([...input.hospitalKeys].map(([n, k]) => [n, hex(k)])),
            roster,
          }
        : null,
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

/** Per row: canonical form, seq, hash, chain link, seal and schema. Returns the rows that parsed to well-formed entries. */
function checkRows(
  rows: readonly SealedEntry[],
  key: Uint8Array,
  failures: Failures,
  start: { hash: string; seq: number | null },
): Checked[] {
  const out: Checked[] = [];
  let prevHash = start.hash;
  let prevSeq: number | null = start.seq;
  for (const row of rows) {
    const seq = Number.isSafeInteger(row.seq) ? row.seq : null;
    const text = row.canonical;
    // The link is to the previous row's actual text, whatever hash it claims.
    const actual = typeof text === 'string' ? entryHash(text) : '';
    if (!sealSignatureValid(row.hash, row.signature, key))
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
 * its quorum of the version before it (core/roster/ verifyRosterChain), and
 * restate its body's network, version and hash. Returns the chain so far.
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
      const versions = parseRosterChain({ versions: [...chain, b.roster] }).versions;
      const head = verifyRosterChain({ versions });
      if (head.network !== b.network || head.version !== b.version || head.hash !== b.hash)
        throw new Error('network, version or hash differs from the version recorded');
      chain.push(versions.at(-1)!);
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
