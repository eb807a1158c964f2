/**
 * The hospital's own copy of the privacy-ledger entries that record its
 * spend, each with the receipt it signed, in its state database beside its
 * budget (better-sqlite3, WAL). An entry is receipted only if it is signed
 * by the coordinator's ledger key (pinned at first use), records for this
 * hospital exactly the mechanism it charged to its budget for that round,
 * and states the epsilon the accountant gives for it; otherwise it is kept
 * as disagreed, unreceipted, and `cohort ledger verify --hospital-ledger`
 * reports it. An auditor compares this copy with the coordinator's.
 *
 * It also keeps the latest ledger checkpoint this hospital cosigned as a
 * witness (client/ledger-sync.ts): the cosignature, not the receipt, is what
 * the coordinator now receives (issue 20); the receipt stays in this copy.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { StatePart, keyValueTable, openStateDb, pinnedValue } from './state-db.ts';
import { isDeepStrictEqual } from 'node:util';
import { CohortError } from '../core/errors.ts';
import type { Cosignature } from '../core/ledger/checkpoint.ts';
import { leafHash, type Hash } from '../core/ledger/merkle.ts';
import { roundSpends, signReceipt, verifySeal } from '../core/ledger/index.ts';
import type { LedgerEntry, Receipt, RoundBody, SealedEntry } from '../core/ledger/types.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import type { Identity } from '../core/secagg/index.ts';
import { lowerBound } from '../core/sorted.ts';

const SCHEMA = `
  ${keyValueTable('ledger_meta')}
  CREATE TABLE IF NOT EXISTS ledger_entries (
    seq INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    canonical TEXT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    receipt TEXT,
    problem TEXT,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS ledger_entries_by_job ON ledger_entries (job_id, seq);
  -- The latest ledger checkpoint this hospital cosigned as a witness (one row; added by issue 20, created on open).
  CREATE TABLE IF NOT EXISTS ledger_witnessed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    witness TEXT NOT NULL,
    public_key BLOB NOT NULL,
    timestamp INTEGER NOT NULL,
    signature BLOB NOT NULL,
    at INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO ledger_meta (key, value) VALUES ('entries_written', '0');
  -- Counts every entry stored, by any connection: the running spends kept in memory check it (LocalLedger.runningSpend).
  CREATE TRIGGER IF NOT EXISTS ledger_entries_written AFTER INSERT ON ledger_entries BEGIN
    UPDATE ledger_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'entries_written';
  END;
`;

/** One hospital's mechanisms in a job's entries kept here: parallel lists, ascending seq. */
interface RunningSpend {
  seqs: number[];
  mechanisms: Mechanism[];
}

/** Adds `entry`'s spend of `me` (if it records one) at its place by seq. */
function addSpend(spend: RunningSpend, seq: number, entry: LedgerEntry, me: string): void {
  const mine = (entry.body as RoundBody | undefined)?.spends?.find((x) => x.hospital === me);
  if (!mine) return;
  const at = lowerBound(spend.seqs, seq);
  if (spend.seqs[at] === seq) return;
  spend.seqs.splice(at, 0, seq);
  spend.mechanisms.splice(at, 0, mine.mechanism);
}

export interface AcceptedEntry {
  receipt: Receipt | null;
  /** Why the entry was not receipted (null when it was). */
  problem: string | null;
}

/** The latest ledger checkpoint this hospital cosigned as a witness. */
export interface Witnessed {
  size: number;
  root: Hash;
  /** The coordinator's signed note of the checkpoint, as received. */
  note: string;
  /** This hospital's cosignature of it (its name is witnessName(hospital)), and the key it verifies under. */
  cosignature: Cosignature;
  publicKey: Uint8Array;
}

interface WitnessedRow {
  size: number;
  root: Buffer;
  note: string;
  witness: string;
  public_key: Buffer;
  timestamp: number;
  signature: Buffer;
}

const WITNESSED = `SELECT size, root, note, witness, public_key, timestamp, signature FROM ledger_witnessed WHERE id = 1`;

const bytesOf = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

function witnessedOf(r: WitnessedRow | undefined): Witnessed | null {
  if (!r) return null;
  return {
    size: r.size,
    root: bytesOf(r.root),
    note: r.note,
    cosignature: { name: r.witness, timestamp: r.timestamp, signature: bytesOf(r.signature) },
    publicKey: bytesOf(r.public_key),
  };
}

/**
 * The checkpoint the hospital state database at `path` last cosigned (null:
 * none yet), read without creating or changing anything: for
 * `cohort client checkpoint`. E_STORE for a missing file or one that is not
 * a hospital state database.
 */
export function readWitnessed(path: string): Witnessed | null {
  if (!existsSync(path)) throw new CohortError('E_STORE', `no hospital state database at ${path}`);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = new Set(
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    if (!tables.has('ledger_meta') || !tables.has('ledger_entries')) throw new Error('it holds no ledger copy');
    // A state database from before witnessing (no table yet) has cosigned nothing.
    return tables.has('ledger_witnessed') ? witnessedOf(db.prepare(WITNESSED).get() as WitnessedRow | undefined) : null;
  } catch (err) {
    throw new CohortError('E_STORE', `${path} is not a cohort hospital state database: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    db?.close();
  }
}

export class LocalLedger extends StatePart {
  constructor(path: string, now: () => number = Date.now) {
    super(openStateDb(path, SCHEMA, 'hospital ledger'), now);
  }

  /** Pins the coordinator's ledger key at first sight; a different key later is refused. */
  pinCoordinatorKey(keyHex: string): void {
    const pinned = pinnedValue(this.db, 'ledger_meta', 'coordinator_key', keyHex);
    if (pinned !== keyHex)
      throw new CohortError(
        'E_LEDGER_MISMATCH',
        `the coordinator's ledger key changed (pinned ${pinned.slice(0, 16)}…, now ${keyHex.slice(0, 16)}…)`,
      );
  }

  coordinatorKey(): string | null {
    return (
      (
        this.db.prepare(`SELECT value FROM ledger_meta WHERE key = 'coordinator_key'`).get() as
          { value: string } | undefined
      )?.value ?? null
    );
  }

  /**
   * Checks a round entry against what this hospital charged (`charged`: its
   * budget's mechanism for that job and round, null if it charged nothing),
   * stores it, and signs a receipt when it agrees.
   */
  accept(sealed: SealedEntry, me: Identity & { name: string }, charged: Mechanism | null): AcceptedEntry {
    const key = this.coordinatorKey();
    if (!key) throw new CohortError('E_LEDGER_MISMATCH', 'no coordinator ledger key pinned');
    let entry: LedgerEntry;
    try {
      entry = JSON.parse(sealed.canonical) as LedgerEntry;
    } catch {
      throw new CohortError('E_LEDGER_MISMATCH', `entry ${sealed.seq} is not JSON`);
    }
    this.db.prepare(`INSERT OR IGNORE INTO ledger_meta (key, value) VALUES ('hospital', ?)`).run(me.name);
    // The copy kept here is the evidence: a second, different entry at the same position never replaces it.
    const kept = this.db
      .prepare(`SELECT hash, signature, receipt, problem FROM ledger_entries WHERE seq = ?`)
      .get(sealed.seq) as
      { hash: string; signature: string; receipt: string | null; problem: string | null } | undefined;
    if (kept) {
      if (kept.hash === sealed.hash && kept.signature === sealed.signature) {
        return {
          receipt: kept.receipt ? { seq: sealed.seq, hospital: me.name, signature: kept.receipt } : null,
          problem: kept.problem,
        };
      }
      return {
        receipt: null,
        problem: `the coordinator sent a different entry for position ${sealed.seq} than the one kept here`,
      };
    }
    const problem = this.check(sealed, entry, key, me.name, charged);
    const receipt = problem === null ? signReceipt(sealed, me.name, me.secretKey) : null;
    this.db
      .prepare(
        `INSERT INTO ledger_entries (seq, job_id, round, canonical, hash, signature, receipt, problem, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sealed.seq,
        String(entry.jobId),
        Number(entry.round) || 0,
        sealed.canonical,
        sealed.hash,
        sealed.signature,
        receipt?.signature ?? null,
        problem,
        this.now(),
      );
    this.stored(sealed.seq, entry, me.name);
    return { receipt, problem };
  }

  private check(
    sealed: SealedEntry,
    entry: LedgerEntry,
    keyHex: string,
    me: string,
    charged: Mechanism | null,
  ): string | null {
    if (!verifySeal(sealed, Buffer.from(keyHex, 'hex'))) return 'not signed by the pinned coordinator ledger key';
    if (entry.seq !== sealed.seq || entry.kind !== 'round') return 'not a round entry at its stated position';
    const body = entry.body as RoundBody;
    const mine = body.spends?.find((s) => s.hospital === me);
    if (!mine) return 'records no spend of this hospital';
    if (!charged) return 'records a spend this hospital never charged to its budget';
    if (!isDeepStrictEqual(mine.mechanism, charged)) return 'records another mechanism than this hospital applied';
    // The coordinator's cumulative figure counts the rounds in which this hospital was in the sum: the entries kept here.
    const prior = this.priorMechanisms(entry.jobId, entry.seq, me);
    const [expected] = roundSpends({
      survivors: [me],
      mechanism: charged,
      prior: new Map([[me, prior]]),
      delta: body.delta,
      accountant: body.accountant,
    });
    if (!isDeepStrictEqual(expected, mine))
      return `states epsilon ${mine.cumulativeEpsilon} where this hospital's own entries give ${expected!.cumulativeEpsilon}`;
    return null;
  }

  /** Mechanisms recorded for this hospital in its earlier entries of the job (kept ones, receipted or not). */
  private priorMechanisms(jobId: string, beforeSeq: number, me: string): Mechanism[] {
    const spend = this.runningSpend(jobId, me);
    return spend.mechanisms.slice(0, lowerBound(spend.seqs, beforeSeq));
  }

  /**
   * Each (hospital, job)'s mechanisms in the entries kept here, in seq order:
   * read from the table at first use (a restarted daemon, a resumed job),
   * then kept current as accept() stores entries, in order or not (a catch-up
   * can bring an older entry after a newer one). Kept only while the table's
   * write count (a trigger in SCHEMA) is the one last seen: an entry another
   * connection stored (another process on this file) drops them all.
   */
  private readonly spent = new Map<string, RunningSpend>();
  private writesSeen = -1;
  private writesQuery: Database.Statement | null = null;

  private writes(): number {
    this.writesQuery ??= this.db.prepare(`SELECT value FROM ledger_meta WHERE key = 'entries_written'`);
    return Number((this.writesQuery.get() as { value: string }).value);
  }

  private runningSpend(jobId: string, me: string): RunningSpend {
    const writes = this.writes();
    if (writes !== this.writesSeen) this.spent.clear();
    this.writesSeen = writes;
    const key = JSON.stringify([me, String(jobId)]);
    let spend = this.spent.get(key);
    if (!spend) {
      spend = { seqs: [], mechanisms: [] };
      const rows = this.db
        .prepare(`SELECT seq, canonical FROM ledger_entries WHERE job_id = ? ORDER BY seq`)
        .all(String(jobId)) as { seq: number; canonical: string }[];
      for (const r of rows) addSpend(spend, r.seq, JSON.parse(r.canonical) as LedgerEntry, me);
      this.spent.set(key, spend);
    }
    return spend;
  }

  /** Folds an entry this object just stored into the running spends; the one write it expects, or they are dropped. */
  private stored(seq: number, entry: LedgerEntry, me: string): void {
    const writes = this.writes();
    if (writes !== this.writesSeen + 1) {
      this.spent.clear();
    } else {
      const spend = this.spent.get(JSON.stringify([me, String(entry.jobId)]));
      if (spend) addSpend(spend, seq, entry, me);
    }
    this.writesSeen = writes;
  }

  /** Whether an entry at `seq` is kept here. */
  has(seq: number): boolean {
    return this.db.prepare(`SELECT 1 FROM ledger_entries WHERE seq = ?`).get(seq) !== undefined;
  }

  /** The coordinator's ledger has been read up to this seq (ledger.read catch-up); 0 before the first. */
  syncedThrough(): number {
    return Number(
      (
        this.db.prepare(`SELECT value FROM ledger_meta WHERE key = 'synced_through'`).get() as
          { value: string } | undefined
      )?.value ?? 0,
    );
  }

  setSyncedThrough(seq: number): void {
    this.db
      .prepare(
        `INSERT INTO ledger_meta (key, value) VALUES ('synced_through', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      )
      .run(String(seq));
  }

  /** The latest checkpoint this hospital cosigned, or null before the first. */
  witnessed(): Witnessed | null {
    return witnessedOf(this.db.prepare(WITNESSED).get() as WitnessedRow | undefined);
  }

  /** Seqs of the entries kept here (agreed or not) after position `afterSize`: those a new cosignature must cover. */
  pendingOwn(afterSize: number): number[] {
    return (
      this.db.prepare(`SELECT seq FROM ledger_entries WHERE seq > ? ORDER BY seq`).all(afterSize) as { seq: number }[]
    ).map((r) => r.seq);
  }

  /** Seqs of the entries kept here in (afterSize, throughSize] that disagree with what this hospital charged. */
  disagreed(afterSize: number, throughSize: number): number[] {
    return (
      this.db
        .prepare(`SELECT seq FROM ledger_entries WHERE seq > ? AND seq <= ? AND problem IS NOT NULL ORDER BY seq`)
        .all(afterSize, throughSize) as { seq: number }[]
    ).map((r) => r.seq);
  }

  /** The Merkle leaf hash of the copy kept at `seq` (RFC 9162 over its canonical text), null if none is kept. */
  leaf(seq: number): Hash | null {
    const r = this.db.prepare(`SELECT canonical FROM ledger_entries WHERE seq = ?`).get(seq) as
      { canonical: string } | undefined;
    return r ? leafHash(r.canonical) : null;
  }

  /**
   * Records `w` as the latest checkpoint cosigned, in one transaction and
   * only if the stored one is still `from` (the checkpoint its consistency
   * proof started from; null: none): a checkpoint stored meanwhile by
   * another process on this file is never overwritten by one not proved
   * consistent with it (E_STORE).
   */
  recordWitnessed(from: { size: number; root: Hash } | null, w: Witnessed): void {
    this.db
      .transaction(() => {
        const now = this.witnessed();
        const same =
          from === null
            ? now === null
            : now !== null && now.size === from.size && Buffer.compare(now.root, from.root) === 0;
        if (!same) throw new CohortError('E_STORE', 'the cosigned checkpoint changed while this one was being checked');
        this.db
          .prepare(
            `INSERT INTO ledger_witnessed (id, size, root, note, witness, public_key, timestamp, signature, at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note, witness = excluded.witness,
             public_key = excluded.public_key, timestamp = excluded.timestamp, signature = excluded.signature, at = excluded.at`,
          )
          .run(
            w.size,
            Buffer.from(w.root),
            w.note,
            w.cosignature.name,
            Buffer.from(w.publicKey),
            w.cosignature.timestamp,
            Buffer.from(w.cosignature.signature),
            this.now(),
          );
      })
      .immediate(); // the write lock before the read: two processes cannot both pass the check
  }

  entries(): (SealedEntry & { receipt: string | null; problem: string | null })[] {
    return this.db
      .prepare(`SELECT seq, canonical, hash, signature, receipt, problem FROM ledger_entries ORDER BY seq`)
      .all() as (SealedEntry & { receipt: string | null; problem: string | null })[];
  }

  receipts(hospital: string): Receipt[] {
    return this.entries()
      .filter((e) => e.receipt !== null)
      .map((e) => ({ seq: e.seq, hospital, signature: e.receipt! }));
  }
}
