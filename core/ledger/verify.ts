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
import { roundMechanism } from '../job/privacy.ts';
import { parseJobSpec } from '../job/spec.ts';
import type { JobSpec } from '../job/spec.ts';
import type { Mechanism } from '../privacy/spend.ts';
import { CohortError } from '../errors.ts';
import { canonicalJson } from './canonical.ts';
import { LEDGER_KEY_BYTES } from './ed25519.ts';
import { entryHash, MAX_ENTRY_CHARS, sealSignatureValid, verifyReceipt, verifySeal } from './seal.ts';
import { entryProblem } from './schema.ts';
import { roundSpends } from './spend.ts';
import {
  GENESIS_HASH,
  type HospitalSpend,
  type JobCreatedBody,
  type LedgerEntry,
  type LedgerHead,
  type Receipt,
  type RosterEntryBody,
  type RoundBody,
  type SealedEntry,
} from './types.ts';
import { parseRosterChain, verifyRosterChain, type RosterVersion } from '../roster/index.ts';

/** Every failure code, in the order failures at one seq are reported. */
export const VERIFY_CODES = [
  'duplicate-seq', // two rows with one seq
  'seq-gap', // a seq missing from 1..N
  'seq-order', // rows not in ascending seq order
  'entry-too-large', // canonical text over MAX_ENTRY_CHARS
  'not-canonical', // text is not JSON, or not the RFC 8785 form of what it parses to
  'seq-mismatch', // the text's seq is not its row's
  'hash-mismatch', // stored hash is not SHA-256 of the text
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
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

export interface VerifyFailure {
  seq: number | null;
  code: VerifyCode;
  message: string;
}

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

/** Examples listed in a note before "…". */
const NOTE_EXAMPLES = 5;

const RANK = new Map<string, number>(VERIFY_CODES.map((c, i) => [c, i]));

class Failures {
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
interface Checked {
  sealed: SealedEntry;
  entry: LedgerEntry;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

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
 * Each hospital's mechanisms so far, per job. Histories from a checkpoint stay
 * run-length encoded until an entry touches them, so verifying a few new rows
 * does not unpack (or re-encode) the history of every job ever run.
 */
class Histories {
  private readonly runs: Map<string, Map<string, [Mechanism, number][]>>;
  private readonly touched = new Map<string, Map<string, Mechanism[]>>();

  constructor(seed: Record<string, Record<string, [Mechanism, number][]>>) {
    this.runs = new Map(Object.entries(seed).map(([job, byHospital]) => [job, new Map(Object.entries(byHospital))]));
  }

  get(job: string, hospital: string): Mechanism[] {
    let byHospital = this.touched.get(job);
    if (!byHospital) this.touched.set(job, (byHospital = new Map()));
    let list = byHospital.get(hospital);
    if (!list) {
      const runs = this.runs.get(job)?.get(hospital) ?? [];
      this.runs.get(job)?.delete(hospital);
      byHospital.set(hospital, (list = runs.flatMap(([m, n]) => Array.from({ length: n }, () => m))));
    }
    return list;
  }

  toRuns(): Record<string, Record<string, [Mechanism, number][]>> {
    const out: Record<string, Record<string, [Mechanism, number][]>> = {};
    for (const [job, byHospital] of this.runs) for (const [h, runs] of byHospital) (out[job] ??= {})[h] = runs;
    for (const [job, byHospital] of this.touched)
      for (const [h, list] of byHospital) (out[job] ??= {})[h] = runsOf(list);
    return out;
  }
}

/** Mechanisms as runs of equal ones: a job's history is one run per hospital. Parsed from canonical text, so JSON.stringify is their canonical form. */
function runsOf(ms: readonly Mechanism[]): [Mechanism, number][] {
  const runs: [Mechanism, number][] = [];
  let last = '';
  for (const m of ms) {
    const c = JSON.stringify(m);
    if (runs.length > 0 && c === last) runs.at(-1)![1]++;
    else runs.push([m, 1]);
    last = c;
  }
  return runs;
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
 * A job-created entry's specHash must hash its spec, and each round's
 * spends must apply the mechanism that spec gives (core/job/privacy.ts
 * roundMechanism), at its δ and accountant: the coordinator cannot charge a
 * cheaper mechanism than the one its hospitals ran without this showing.
 */
function checkJobs(
  entries: readonly Checked[],
  recorded: Map<string, unknown>,
  failures: Failures,
  notes: string[],
): void {
  // Each job's mechanism per kind of round (training, or the final evaluation's release), computed once.
  const specs = new Map<string, { spec: JobSpec; mechanisms: Map<string, Mechanism | string> }>(
    [...recorded].map(([id, spec]) => [id, { spec: spec as JobSpec, mechanisms: new Map() }]),
  );
  const unknownJobs = new Set<string>();
  for (const { sealed, entry } of entries) {
    const seq = sealed.seq;
    if (entry.kind === 'job-created') {
      const b = entry.body as JobCreatedBody;
      let specHash = '';
      try {
        specHash = entryHash(canonicalJson(b.spec));
      } catch {
        // The entry's text is canonical, so its spec is too; unreachable in practice.
      }
      if (specHash !== b.specHash)
        failures.add(seq, 'spec-hash-mismatch', `entry ${seq}: specHash is not the hash of the spec it records`);
      specs.set(entry.jobId, { spec: b.spec as JobSpec, mechanisms: new Map() });
      recorded.set(entry.jobId, b.spec);
      continue;
    }
    if (entry.kind !== 'round') continue;
    const body = entry.body as RoundBody;
    if (body.unit === 'none') continue;
    const job = specs.get(entry.jobId);
    if (!job) {
      unknownJobs.add(entry.jobId);
      continue;
    }
    const p = (job.spec as Partial<JobSpec> | null)?.privacy;
    if (!p) {
      failures.add(
        seq,
        'mechanism-mismatch',
        `entry ${seq}: job ${entry.jobId}'s recorded spec has no privacy guarantee, yet the round charges a spend`,
      );
      continue;
    }
    if (p.unit !== body.unit || p.delta !== body.delta || p.accountant !== body.accountant) {
      failures.add(
        seq,
        'mechanism-mismatch',
        `entry ${seq}: unit, delta or accountant differs from job ${entry.jobId}'s recorded spec`,
      );
      continue;
    }
    const kind = entry.round > ((job.spec as Partial<JobSpec>).rounds ?? Infinity) ? 'evaluation' : 'training';
    let mechanism = job.mechanisms.get(kind);
    if (mechanism === undefined) job.mechanisms.set(kind, (mechanism = mechanismOf(job.spec, entry.round)));
    if (typeof mechanism === 'string') {
      failures.add(
        seq,
        'mechanism-mismatch',
        `entry ${seq}: job ${entry.jobId}'s recorded spec gives no mechanism for round ${entry.round} (${mechanism})`,
      );
      continue;
    }
    let off: { hospital: string } | undefined;
    try {
      const want = canonicalJson(mechanism);
      off = body.spends.find((s) => canonicalJson(s.mechanism) !== want);
    } catch {
      off = { hospital: 'a hospital' }; // a mechanism with no canonical form is not the spec's
    }
    if (off)
      failures.add(
        seq,
        'mechanism-mismatch',
        `entry ${seq}: ${off.hospital} is charged another mechanism than job ${entry.jobId}'s spec applies`,
      );
  }
  if (unknownJobs.size > 0)
    notes.push(
      `round entries of ${unknownJobs.size} job(s) with no job-created entry before them (e.g. ${[...unknownJobs].slice(0, NOTE_EXAMPLES).join(', ')}): their mechanisms were not checked against a spec`,
    );
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

function mechanismOf(spec: JobSpec, round: number): Mechanism | string {
  try {
    // Re-validated: a recorded spec is data from the database, not a trusted JobSpec.
    return roundMechanism(parseJobSpec(spec), round);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Every recorded HospitalSpend against roundSpends on its recorded mechanism
 * and the same hospital's mechanisms in the job's earlier round entries.
 * Compared exactly (as canonical JSON, so also no field added or missing):
 * the coordinator ran the same deterministic code on the same inputs.
 */
function recomputeSpends(
  entries: readonly Checked[],
  prior: Histories,
  recompute: boolean,
  failures: Failures,
): number {
  let equal = 0;
  for (const { sealed, entry } of entries) {
    if (entry.kind !== 'round') continue;
    const body = entry.body as RoundBody;
    if (body.spends.length === 0) continue;
    for (const s of body.spends) {
      const mine = prior.get(entry.jobId, s.hospital);
      if (!recompute) {
        // Without recomputation the history is still kept, for a checkpoint.
        mine.push(s.mechanism);
        continue;
      }
      let expected: HospitalSpend | undefined;
      try {
        [expected] = roundSpends({
          survivors: [s.hospital],
          mechanism: s.mechanism,
          prior: new Map([[s.hospital, mine]]),
          delta: body.delta,
          accountant: body.accountant,
        });
      } catch (err) {
        failures.add(
          sealed.seq,
          'epsilon-mismatch',
          `entry ${sealed.seq}: ${s.hospital}'s spend cannot be recomputed: ${(err as Error).message}`,
        );
      }
      if (expected && !sameSpend(expected, s)) {
        failures.add(
          sealed.seq,
          'epsilon-mismatch',
          `entry ${sealed.seq}: ${s.hospital}'s ${firstDifference(expected, s)}`,
        );
      } else if (expected) equal++;
      mine.push(s.mechanism);
    }
  }
  return equal;
}

const SPEND_FIGURES = [
  'hospital',
  'epsilon',
  'rdpEpsilon',
  'pldEpsilon',
  'cumulativeEpsilon',
  'cumulativeRdpEpsilon',
  'cumulativePldEpsilon',
  'bound',
] as const;

/** Field by field with ===; the schema has already refused any other field, and the mechanism is what was recomputed from. */
function sameSpend(a: HospitalSpend, b: HospitalSpend): boolean {
  return SPEND_FIGURES.every((f) => a[f] === b[f]);
}

function firstDifference(expected: HospitalSpend, recorded: HospitalSpend): string {
  const fields = new Set([...Object.keys(expected), ...Object.keys(recorded)]) as Set<keyof HospitalSpend>;
  for (const f of fields) {
    const a = expected[f];
    const b = recorded[f];
    if (JSON.stringify(a) !== JSON.stringify(b))
      return `${f} is recorded as ${JSON.stringify(b)}, recomputed as ${JSON.stringify(a)}`;
  }
  return 'spend differs from its recomputation';
}

/**
 * Receipts: each for an entry the ledger holds, from a hospital that entry
 * charges, signed by that hospital's key. Spends nobody receipted are noted.
 */
function checkReceipts(
  entries: readonly Checked[],
  bySeq: ReadonlyMap<number, Checked>,
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  receipts: readonly Receipt[],
  keys: ReadonlyMap<string, Uint8Array>,
  failures: Failures,
  notes: string[],
): number {
  const receipted = new Set<string>();
  for (const r of receipts) {
    const seq = Number.isSafeInteger(r.seq) ? r.seq : null;
    const row = seq === null ? undefined : rowBySeq.get(seq);
    if (!row) {
      failures.add(
        seq,
        'receipt-unknown-entry',
        `receipt by ${shown(r.hospital)} for entry ${shown(r.seq)}, which the ledger does not hold (deleted or truncated?)`,
      );
      continue;
    }
    const checked = bySeq.get(row.seq);
    // A malformed entry is already a failure; its receipts cannot be judged against its spends.
    if (checked && !spenders(checked.entry).includes(r.hospital)) {
      failures.add(
        seq,
        'receipt-not-a-spender',
        `entry ${seq} records no spend of ${shown(r.hospital)}, who receipted it`,
      );
      continue;
    }
    const hospitalKey = keys.get(r.hospital);
    if (!hospitalKey) {
      failures.add(
        seq,
        'receipt-unknown-hospital',
        `entry ${seq}: no key is known for ${shown(r.hospital)}, who receipted it`,
      );
      continue;
    }
    if (!verifyReceipt(r, row, hospitalKey))
      failures.add(seq, 'bad-receipt', `entry ${seq}: ${shown(r.hospital)}'s receipt does not verify under its key`);
    else receipted.add(`${seq}\n${r.hospital}`);
  }
  const missing: string[] = [];
  let spends = 0;
  let unreceipted = 0;
  for (const { sealed, entry } of entries) {
    for (const h of spenders(entry)) {
      spends++;
      if (receipted.has(`${sealed.seq}\n${h}`)) continue;
      unreceipted++;
      if (missing.length <= NOTE_EXAMPLES) missing.push(`${sealed.seq}/${h}`);
    }
  }
  if (unreceipted > 0)
    notes.push(
      `${unreceipted} of ${spends} spends have no valid receipt from their hospital (entry/hospital: ${examples(missing)})`,
    );
  return receipted.size;
}

function spenders(entry: LedgerEntry): string[] {
  return entry.kind === 'round' ? (entry.body as RoundBody).spends.map((s) => s.hospital) : [];
}

function examples(xs: readonly string[]): string {
  return xs.length > NOTE_EXAMPLES ? `${xs.slice(0, NOTE_EXAMPLES).join(', ')}, …` : xs.join(', ');
}

/**
 * A hospital's copy: every entry it kept must be byte-identical to the
 * coordinator's at that seq, its receipts must verify against its copies,
 * and every spend the coordinator records for it must match a charge of its
 * budget (same job, round and mechanism; each charge matches one spend).
 */
function checkHospital(
  h: HospitalLedgerInput,
  entries: readonly Checked[],
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  key: Uint8Array,
  keys: ReadonlyMap<string, Uint8Array>,
  failures: Failures,
  notes: string[],
): void {
  const kept = new Map<number, SealedEntry>();
  for (const e of h.entries) {
    kept.set(e.seq, e);
    const mine = rowBySeq.get(e.seq);
    if (!mine) {
      failures.add(
        e.seq,
        'hospital-disagrees',
        `${h.hospital} holds entry ${shown(e.seq)}, which the coordinator's ledger lacks${verifySeal(e, key) ? ' although it is sealed by the coordinator key (deleted or truncated)' : ''}`,
      );
    } else if (mine.canonical !== e.canonical || mine.hash !== e.hash || mine.signature !== e.signature) {
      const sealed = verifySeal(e, key);
      failures.add(
        e.seq,
        'hospital-disagrees',
        `${h.hospital}'s copy of entry ${shown(e.seq)} differs from the coordinator's${sealed ? '; its copy is sealed by the coordinator key, so the coordinator sealed two versions or its copy was rewritten' : '; its copy is not sealed by the coordinator key'}`,
      );
    }
  }
  const hospitalKey = keys.get(h.hospital);
  for (const r of h.receipts) {
    const copy = kept.get(r.seq);
    if (!copy)
      failures.add(
        r.seq,
        'receipt-unknown-entry',
        `${h.hospital} keeps a receipt for entry ${shown(r.seq)} but no copy of it`,
      );
    else if (!hospitalKey)
      failures.add(
        r.seq,
        'receipt-unknown-hospital',
        `no key is known for ${h.hospital}, whose copy of entry ${shown(r.seq)} is receipted`,
      );
    else if (r.hospital !== h.hospital || !verifyReceipt(r, copy, hospitalKey))
      failures.add(
        r.seq,
        'bad-receipt',
        `${h.hospital}'s own receipt of entry ${shown(r.seq)} does not verify under its key`,
      );
  }
  const charges = new Map<string, { jobId: string; round: number; n: number }>();
  for (const c of h.charges) {
    const k = chargeKey(c.jobId, c.round, c.mechanism);
    if (k === null) continue; // a charge with no JSON form matches no spend; noted below with the others
    const seen = charges.get(k);
    if (seen) seen.n++;
    else charges.set(k, { jobId: c.jobId, round: c.round, n: 1 });
  }
  const unreadable = h.charges.length - [...charges.values()].reduce((n, c) => n + c.n, 0);
  let uncopied = 0;
  for (const { sealed, entry } of entries) {
    if (entry.kind !== 'round') continue;
    const spend = (entry.body as RoundBody).spends.find((s) => s.hospital === h.hospital);
    if (!spend) continue;
    if (!kept.has(sealed.seq)) uncopied++;
    const charge = charges.get(chargeKey(entry.jobId, entry.round, spend.mechanism) ?? '');
    if (charge && charge.n > 0) charge.n--;
    else
      failures.add(
        sealed.seq,
        'hospital-uncharged',
        `entry ${sealed.seq} records a spend of ${h.hospital} (job ${entry.jobId}, round ${entry.round}) that its budget never charged`,
      );
  }
  if (uncopied > 0)
    notes.push(
      `${h.hospital} keeps no copy of ${uncopied} entries recording its spend (not received, or it crashed before storing them)`,
    );
  const unmatched = [...charges.values()].flatMap((c) =>
    Array.from({ length: c.n }, () => `job ${c.jobId} round ${c.round}`),
  );
  if (unmatched.length > 0)
    notes.push(
      `${h.hospital}: ${unmatched.length} charge(s) charged locally but not in any released sum (e.g. dropped after training): ${examples(unmatched)}`,
    );
  if (unreadable > 0)
    notes.push(`${h.hospital}: ${unreadable} charge(s) with a mechanism that has no JSON form, matched to no spend`);
}

/** One key per (job, round, mechanism); null when the charge read from a hospital's database has no canonical form. */
function chargeKey(jobId: string, round: number, m: Mechanism): string | null {
  try {
    return canonicalJson([jobId, round, m]);
  } catch {
    return null;
  }
}

/**
 * A head saved earlier must still be in the ledger, with the same hash,
 * signed under the key being verified with: a truncated ledger lacks its
 * seq, a rewritten one has another hash there (or another key).
 */
function checkHead(
  head: LedgerHead,
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  key: Uint8Array,
  failures: Failures,
): void {
  const seq = Number.isSafeInteger(head.seq) ? head.seq : null;
  if (head.coordinatorKey !== hex(key))
    failures.add(
      seq,
      'head-mismatch',
      `the saved head was signed under key ${shown(head.coordinatorKey).slice(0, 16)}…, not the key being verified with (${hex(key).slice(0, 16)}…)`,
    );
  if (!sealSignatureValid(head.hash, head.signature, key))
    failures.add(seq, 'head-bad-signature', `the saved head's signature does not verify under the coordinator key`);
  const row = seq === null ? undefined : rowBySeq.get(seq);
  if (!row)
    failures.add(
      seq,
      'head-missing',
      `the saved head is entry ${shown(head.seq)}, which the ledger no longer holds (truncated)`,
    );
  else if (typeof row.canonical !== 'string' || entryHash(row.canonical) !== head.hash)
    failures.add(seq, 'head-mismatch', `entry ${seq} is not the entry the saved head names (history rewritten)`);
}

/** A value read from a file or a row, for a message: it may hold anything, even an object String() cannot convert. */
function shown(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : `(${v === null ? 'null' : typeof v})`;
}
