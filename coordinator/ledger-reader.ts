/**
 * Read-only access to a ledger for auditors: the coordinator's database and
 * hospitals' state databases are opened read-only (never migrated or
 * written), and their entries turned into the rows `cohort ledger
 * show|export`, the HTTP endpoint and verification use.
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import type { HospitalSpend, LedgerEntry, LedgerHead, Receipt, RoundBody, SealedEntry } from '../core/ledger/types.ts';
import { hospitalKeysOf, type StoredCosignature } from '../core/ledger/index.ts';
import { entryProblem } from '../core/ledger/schema.ts';
import { LedgerTables } from './ledger-tables.ts';
import { openUntrusted } from './untrusted-db.ts';

export interface CoordinatorLedgerData {
  entries: SealedEntry[];
  receipts: Receipt[];
  /** The key recorded in the database (hex); an auditor should pin their own copy. */
  coordinatorKey: string | null;
  hospitalKeys: Map<string, string>;
  /** Stored Merkle leaf hashes, parallel to `entries` (absent in a chain-format database; null in a row not yet converted). */
  leaves?: (Uint8Array | null)[];
  /** Signed checkpoint notes, latest last: the sizes the cosignatures name, then the latest (none in a chain-format database). */
  checkpoints?: string[];
  /** The latest cosignature of each witness (none in a chain-format database). */
  cosignatures?: StoredCosignature[];
}

type Row = SealedEntry & { leaf?: Buffer | null };

export const hasTable = (db: Database.Database, table: string) =>
  db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;

/** Whether the ledger table has the leaf column (schema 10, the ledger as a transparency log). */
const hasLeaves = (db: Database.Database) =>
  (db.prepare(`PRAGMA table_info(ledger)`).all() as { name: string }[]).some((c) => c.name === 'leaf');

/**
 * What the tree checks read besides the rows: each witness's latest
 * cosignature, the checkpoints of the sizes they name (roots a cosignature
 * may cover if the rows changed since) and the latest checkpoint, which
 * covers the whole ledger. An older database has none of them. Each is one
 * statement whose cost does not rest on the tables' keys: the operator may
 * hand over tables rebuilt without them, where a lookup per row (a
 * correlated subquery, a query per size) scans the table each time.
 */
function readTreeTables(db: Database.Database): { checkpoints: string[]; cosignatures: StoredCosignature[] } {
  if (!hasTable(db, 'ledger_checkpoints') || !hasTable(db, 'ledger_cosignatures'))
    return { checkpoints: [], cosignatures: [] };
  const tables = new LedgerTables(db);
  const cosignatures = tables.latestCosignatures();
  const latest = tables.latestCheckpoint()?.size;
  const sizes = [...new Set([...cosignatures.map((c) => c.size), ...(latest === undefined ? [] : [latest])])];
  const rows = db
    .prepare(`SELECT size, note FROM ledger_checkpoints WHERE size IN (SELECT value FROM json_each(?)) ORDER BY size`)
    .all(JSON.stringify(sizes)) as { size: number; note: string }[];
  // One note per size, in order of size (a table rebuilt without its key may hold two).
  const notes = new Map<number, string>();
  for (const r of rows) if (!notes.has(r.size)) notes.set(r.size, r.note);
  return { checkpoints: [...notes.values()], cosignatures };
}

function ledgerData(db: Database.Database, rows: Row[], receipts: Receipt[]): CoordinatorLedgerData {
  const key = db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).get() as { value: string } | undefined;
  const entries = rows.map(({ seq, canonical, hash, signature }) => ({ seq, canonical, hash, signature }));
  return {
    entries,
    receipts,
    coordinatorKey: key?.value ?? null,
    // A row whose text is not text grants nothing (grants.ts): verification reports it.
    hospitalKeys: hospitalKeysOf(entries),
    ...(hasLeaves(db) ? { leaves: rows.map((r) => (r.leaf ? new Uint8Array(r.leaf) : null)) } : {}),
    ...readTreeTables(db),
  };
}

/** A read's failure as E_STORE naming the database (a CohortError stays as it is). */
export function unreadable(path: string, err: unknown): CohortError {
  if (err instanceof CohortError) return err;
  return new CohortError('E_STORE', `${path} has no readable ledger: ${(err as Error).message}`, { cause: err });
}

export function readCoordinatorLedger(path: string): CoordinatorLedgerData {
  const db = openUntrusted(path, 'coordinator database');
  try {
    const leaf = hasLeaves(db) ? ', leaf' : '';
    const rows = db.prepare(`SELECT seq, canonical, hash, signature${leaf} FROM ledger ORDER BY rowid`).all() as Row[];
    const receipts = db
      .prepare(`SELECT seq, hospital, signature FROM ledger_receipts ORDER BY seq, hospital`)
      .all() as Receipt[];
    return ledgerData(db, rows, receipts);
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    db.close();
  }
}

/**
 * headOf(readCoordinatorLedger(path)) reading only the last row and the key:
 * what `GET /ledger/head` answers, in time independent of the ledger's length.
 */
export function readCoordinatorHead(path: string): LedgerHead | null {
  const db = openUntrusted(path, 'coordinator database');
  try {
    const last = db.prepare(`SELECT seq, canonical, hash, signature FROM ledger ORDER BY rowid DESC LIMIT 1`).get() as
      SealedEntry | undefined;
    const key = db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).pluck().get() as string | undefined;
    return headOf({ entries: last ? [last] : [], receipts: [], coordinatorKey: key ?? null, hospitalKeys: new Map() });
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    db.close();
  }
}

/** The rows after `seq` (storage order), their receipts, and the row at `seq` itself: what a verification from a checkpoint reads. */
export function readCoordinatorLedgerAfter(
  path: string,
  seq: number,
): CoordinatorLedgerData & { tip: SealedEntry | null } {
  const db = openUntrusted(path, 'coordinator database');
  try {
    const leaf = hasLeaves(db) ? ', leaf' : '';
    const rows = db
      .prepare(`SELECT seq, canonical, hash, signature${leaf} FROM ledger WHERE seq > ? ORDER BY rowid`)
      .all(seq) as Row[];
    const receipts = db
      .prepare(`SELECT seq, hospital, signature FROM ledger_receipts WHERE seq > ? ORDER BY seq, hospital`)
      .all(seq) as Receipt[];
    const tip =
      (db.prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE seq = ?`).get(seq) as
        SealedEntry | undefined) ?? null;
    return { ...ledgerData(db, rows, receipts), tip };
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    db.close();
  }
}

/** What `ledgerRows` reads of a ledger: its entries, their receipts and the witnesses' latest cosignatures. */
export type LedgerRowsInput = Pick<CoordinatorLedgerData, 'entries' | 'receipts' | 'cosignatures'>;

export interface HospitalLedgerData {
  hospital: string;
  entries: SealedEntry[];
  receipts: Receipt[];
  charges: { jobId: string; round: number; mechanism: Mechanism }[];
  budget: { dataset: string; epsilon: number; delta: number; accountant: string }[];
}

/** A hospital's state database: the entries it kept and receipted, and what its budget charged. */
export function readHospitalLedger(path: string): HospitalLedgerData {
  const db = openUntrusted(path, 'hospital state database');
  try {
    const name = db.prepare(`SELECT value FROM ledger_meta WHERE key = 'hospital'`).get() as
      { value: string } | undefined;
    if (!name) throw new CohortError('E_STORE', `${path} holds no hospital ledger (no entry was ever received)`);
    const rows = db
      .prepare(`SELECT seq, canonical, hash, signature, receipt FROM ledger_entries ORDER BY seq`)
      .all() as (SealedEntry & { receipt: string | null })[];
    // A hospital without a budget keeps no charges: every spend recorded for it will then be reported as uncharged.
    const has = (table: string) =>
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
    const spends = has('spends')
      ? (db.prepare(`SELECT job_id, round, mechanism FROM spends ORDER BY id`).all() as {
          job_id: string;
          round: number;
          mechanism: string;
        }[])
      : [];
    const budget = has('budgets')
      ? (db
          .prepare(`SELECT dataset, epsilon, delta, accountant FROM budgets ORDER BY dataset`)
          .all() as HospitalLedgerData['budget'])
      : [];
    return {
      hospital: name.value,
      entries: rows.map(({ seq, canonical, hash, signature }) => ({ seq, canonical, hash, signature })),
      receipts: rows
        .filter((r) => r.receipt !== null)
        .map((r) => ({ seq: r.seq, hospital: name.value, signature: r.receipt! })),
      charges: spends.map((s) => ({
        jobId: s.job_id,
        round: s.round,
        mechanism: JSON.parse(s.mechanism) as Mechanism,
      })),
      budget,
    };
  } catch (err) {
    if (err instanceof CohortError) throw err;
    throw new CohortError('E_STORE', `${path} is not a readable hospital state database: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    db.close();
  }
}

export function headOf(data: CoordinatorLedgerData): LedgerHead | null {
  const last = data.entries.at(-1);
  return last && data.coordinatorKey
    ? { seq: last.seq, hash: last.hash, signature: last.signature, coordinatorKey: data.coordinatorKey }
    : null;
}

/**
 * A stored entry's text as the entry it must be, for the listings: the
 * operator may have written anything there, which `ledger verify` reports
 * and a listing refuses (E_LEDGER_ENTRY naming the row) rather than crash on.
 */
export function listedEntry(sealed: Partial<Pick<SealedEntry, 'seq'>> & Pick<SealedEntry, 'canonical'>): LedgerEntry {
  let value: unknown;
  try {
    value = JSON.parse(sealed.canonical);
  } catch {
    value = undefined;
  }
  const problem = entryProblem(value);
  if (problem)
    throw new CohortError(
      'E_LEDGER_ENTRY',
      `the row of entry ${sealed.seq ?? '?'} holds no ledger entry (${problem}): run cohort ledger verify`,
    );
  return value as LedgerEntry;
}

/** One row per entry, or per hospital spend of a round entry, for show/export. */
export interface LedgerRow {
  seq: number;
  at: string;
  kind: string;
  jobId: string;
  round: number;
  hospital: string;
  unit: string;
  mechanism: string;
  epsilon: number | null;
  cumulativeEpsilon: number | null;
  delta: number | null;
  bound: string;
  survivors: number | null;
  modelHash: string;
  receipted: boolean | null;
  /** Whether the hospital's latest stored cosignature covers the entry (as stored: `ledger verify` checks it). */
  witnessed: boolean | null;
  hash: string;
}

export function ledgerRows(data: LedgerRowsInput, filter: { job?: string; hospital?: string } = {}): LedgerRow[] {
  const receipted = new Set(data.receipts.map((r) => `${r.seq}/${r.hospital}`));
  const cosigned = new Map((data.cosignatures ?? []).map((c) => [c.witness, c.size]));
  const rows: LedgerRow[] = [];
  for (const sealed of data.entries) {
    const e = listedEntry(sealed);
    if (filter.job && e.jobId !== filter.job) continue;
    const base = {
      seq: e.seq,
      at: new Date(e.at).toISOString(),
      kind: e.kind,
      jobId: e.jobId,
      round: e.round,
      hash: sealed.hash,
    };
    const empty = {
      unit: '',
      mechanism: '',
      epsilon: null,
      cumulativeEpsilon: null,
      delta: null,
      bound: '',
      survivors: null,
      modelHash: '',
      receipted: null,
      witnessed: null,
    };
    if (e.kind === 'round') {
      const b = e.body as RoundBody;
      const spends = b.spends.filter((s) => !filter.hospital || s.hospital === filter.hospital);
      if (filter.hospital && spends.length === 0) continue;
      const common = { unit: b.unit, delta: b.delta || null, survivors: b.survivors.length, modelHash: b.modelHash };
      if (spends.length === 0) rows.push({ ...base, ...empty, ...common, hospital: '' });
      for (const s of spends)
        rows.push({
          ...base,
          ...empty,
          ...common,
          ...spendColumns(s),
          receipted: receipted.has(`${e.seq}/${s.hospital}`),
          witnessed: (cosigned.get(s.hospital) ?? 0) >= e.seq,
        });
      continue;
    }
    const b = e.body as unknown as Record<string, unknown>;
    const hospital = String(b.hospital ?? b.subject ?? '');
    if (filter.hospital && hospital !== filter.hospital) continue;
    rows.push({ ...base, ...empty, hospital, modelHash: String(b.modelHash ?? '') });
  }
  return rows;
}

function spendColumns(s: HospitalSpend) {
  const m = s.mechanism;
  const mechanism =
    m.kind === 'sampled-gaussian'
      ? `sampled-gaussian q=${m.q} sigma=${m.sigma} steps=${m.steps}`
      : m.kind === 'discrete-gaussian'
        ? `discrete-gaussian sigma=${m.sigma} steps=${m.steps}`
        : `distributed-discrete-gaussian n=${m.clients} sigma=${m.sigma} l2=${m.l2Sensitivity} dim=${m.dim}`;
  return {
    hospital: s.hospital,
    mechanism,
    epsilon: s.epsilon,
    cumulativeEpsilon: s.cumulativeEpsilon,
    bound: s.bound,
  };
}

const CSV_COLUMNS: (keyof LedgerRow)[] = [
  'seq',
  'at',
  'kind',
  'jobId',
  'round',
  'hospital',
  'unit',
  'mechanism',
  'epsilon',
  'cumulativeEpsilon',
  'delta',
  'bound',
  'survivors',
  'modelHash',
  'receipted',
  'witnessed',
  'hash',
];

/** RFC 4180 CSV; cells that a spreadsheet would read as a formula are prefixed with ' (OWASP CSV injection). */
export function toCsv(rows: readonly LedgerRow[]): string {
  const cell = (v: unknown): string => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
