/**
 * The privacy ledger's tables in the coordinator database: the sealed
 * entries with their Merkle leaf hashes, the signed checkpoints of the tree,
 * the witnesses' cosignatures, hospitals' receipts, and the key the ledger
 * is bound to. Every other table the coordinator writes appends its ledger
 * entry in the same transaction as its own change, so the stores of those
 * tables extend this class (coordinator/member-tables.ts, coordinator/store.ts).
 */
import type Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { leafHash } from '../core/ledger/merkle.ts';
import { GENESIS_HASH, type LedgerEntry, type Receipt, type SealedEntry } from '../core/ledger/types.ts';
import type { StoredCosignature } from '../core/ledger/verify-tree.ts';

/** Builds the next entry once its position is known (inside the transaction that appends it). */
export type EntryBuilder = (seq: number, prevHash: string) => SealedEntry;

/**
 * Signs the checkpoint of the tree of `size` leaves, the last of which is
 * `leaf` (just stored), when an entry is appended: the ledger's key is not
 * the tables' to hold (coordinator/ledger-tree.ts supplies it).
 */
export type CheckpointSigner = (size: number, leaf: Uint8Array) => { note: string; at: number };

export interface StoredCheckpoint {
  size: number;
  /** The C2SP signed note. */
  note: string;
  at: number;
}

/** A stored blob as bytes; a value of another type (a table rebuilt without its types) as none. */
const asBytes = (b: unknown): Uint8Array =>
  Buffer.isBuffer(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array();

export class LedgerTables {
  private signer: CheckpointSigner | null = null;

  constructor(protected readonly db: Database.Database) {}

  /** Each entry appended from now on is followed, in its transaction, by the checkpoint `sign` makes of it. */
  setCheckpointSigner(sign: CheckpointSigner): void {
    this.signer = sign;
  }

  /**
   * The key the ledger is signed with, fixed at the first entry: a database
   * whose ledger was signed by another key is refused rather than continued
   * under a second signer.
   */
  bindLedgerKey(publicKeyHex: string): void {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).get() as
      { value: string } | undefined;
    if (!row) this.db.prepare(`INSERT INTO meta (key, value) VALUES ('ledger_key', ?)`).run(publicKeyHex);
    else if (row.value !== publicKeyHex)
      throw new CohortError(
        'E_STORE',
        `this database's ledger is signed by key ${row.value.slice(0, 16)}…, not by the key given (${publicKeyHex.slice(0, 16)}…)`,
      );
  }

  ledgerKey(): string | null {
    return (
      (this.db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).get() as { value: string } | undefined)
        ?.value ?? null
    );
  }

  /**
   * Appends one entry, its leaf hash and (with a signer) the signed
   * checkpoint of the new size; inside a caller's transaction they commit
   * (or not) with it, so the latest checkpoint always covers the ledger.
   */
  appendEntry(build: EntryBuilder): SealedEntry {
    return this.db.transaction(() => {
      const last = this.db.prepare(`SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1`).get() as
        { seq: number; hash: string } | undefined;
      const sealed = build((last?.seq ?? 0) + 1, last?.hash ?? GENESIS_HASH);
      const entry = JSON.parse(sealed.canonical) as LedgerEntry;
      const leaf = leafHash(sealed.canonical);
      this.db
        .prepare(`INSERT INTO ledger (seq, canonical, hash, signature, job_id, leaf) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(sealed.seq, sealed.canonical, sealed.hash, sealed.signature, entry.jobId, leaf);
      this.indexHospitalJobs(entry);
      if (this.signer) {
        const { note, at } = this.signer(sealed.seq, leaf);
        this.addCheckpoint({ size: sealed.seq, note, at });
      }
      return sealed;
    })();
  }

  /** Records the hospitals `entry` shows taking part in its job (hospitalJobs): a round's participants, a refusal's hospital. */
  private indexHospitalJobs(entry: LedgerEntry): void {
    const b = entry.body as { participants?: unknown; hospital?: unknown };
    const named =
      entry.kind === 'round' && Array.isArray(b.participants)
        ? b.participants
        : entry.kind === 'budget-refusal'
          ? [b.hospital]
          : [];
    const insert = this.db.prepare(`INSERT OR IGNORE INTO ledger_hospital_jobs (hospital, job_id) VALUES (?, ?)`);
    for (const h of new Set(named)) if (typeof h === 'string') insert.run(h, entry.jobId);
  }

  /** Stores a signed checkpoint: one per size, never replaced (a second of one size fails: SQLite's key). */
  addCheckpoint(c: StoredCheckpoint): void {
    this.db.prepare(`INSERT INTO ledger_checkpoints (size, note, at) VALUES (?, ?, ?)`).run(c.size, c.note, c.at);
  }

  latestCheckpoint(): StoredCheckpoint | undefined {
    return this.db.prepare(`SELECT size, note, at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1`).get() as
      StoredCheckpoint | undefined;
  }

  checkpointOfSize(size: number): StoredCheckpoint | undefined {
    return this.db.prepare(`SELECT size, note, at FROM ledger_checkpoints WHERE size = ?`).get(size) as
      StoredCheckpoint | undefined;
  }

  /** Stores a witness's cosignature: at most one per witness and size (a newer one replaces it). */
  addCosignature(c: StoredCosignature, now: number): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO ledger_cosignatures (witness, size, timestamp, signature, at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(c.witness, c.size, c.timestamp, Buffer.from(c.signature), now);
  }

  /** Every stored cosignature, by witness then size. */
  cosignatures(): StoredCosignature[] {
    return this.cosignatureRows(
      `SELECT witness, size, timestamp, signature FROM ledger_cosignatures ORDER BY witness, size`,
    );
  }

  /** Each witness's cosignature of the largest size it cosigned. */
  latestCosignatures(): StoredCosignature[] {
    // One join, not a lookup per row: an auditor reads tables the operator handed over, perhaps without their key.
    return this.cosignatureRows(
      `SELECT c.witness, c.size, c.timestamp, c.signature FROM ledger_cosignatures c
         JOIN (SELECT witness, MAX(size) AS size FROM ledger_cosignatures GROUP BY witness) m
           ON c.witness = m.witness AND c.size = m.size ORDER BY c.witness`,
    );
  }

  /**
   * latestCosignatures, at most `limit`, read without scanning the table:
   * it walks the distinct witnesses on the (witness, size) key, one index
   * seek each, so a `ledger.prove` answered on the event loop costs
   * O(witnesses log n) however many cosignatures were stored.
   */
  latestCosignaturesBounded(limit: number): StoredCosignature[] {
    return this.cosignatureRows(
      `WITH RECURSIVE w(name) AS (
         SELECT MIN(witness) FROM ledger_cosignatures
         UNION ALL SELECT (SELECT MIN(witness) FROM ledger_cosignatures WHERE witness > w.name) FROM w
           WHERE w.name IS NOT NULL)
       SELECT c.witness, c.size, c.timestamp, c.signature FROM w JOIN ledger_cosignatures c ON c.witness = w.name
         WHERE c.size = (SELECT MAX(size) FROM ledger_cosignatures WHERE witness = w.name)
         ORDER BY c.witness LIMIT ?`,
      limit,
    );
  }

  private cosignatureRows(sql: string, ...params: unknown[]): StoredCosignature[] {
    return (
      this.db.prepare(sql).all(...params) as (Omit<StoredCosignature, 'signature'> & { signature: unknown })[]
    ).map((r) => ({ ...r, signature: asBytes(r.signature) }));
  }

  /**
   * The leaf hashes of the entries after `afterSeq`, in seq order (a row
   * whose leaf is missing, from before migration 10, reads as null).
   */
  ledgerLeavesAfter(afterSeq: number): (Uint8Array | null)[] {
    return (
      this.db.prepare(`SELECT leaf FROM ledger WHERE seq > ? ORDER BY seq`).pluck().all(afterSeq) as (Buffer | null)[]
    ).map((b) => (b ? asBytes(b) : null));
  }

  /** The leaf hash stored for entry `seq`, or null. */
  ledgerLeaf(seq: number): Uint8Array | null {
    const b = this.db.prepare(`SELECT leaf FROM ledger WHERE seq = ?`).pluck().get(seq) as Buffer | null | undefined;
    return b ? asBytes(b) : null;
  }

  /**
   * Fills in the leaf hash of every row that has none (rows written before
   * migration 10), `batch` rows a read; returns how many were filled.
   * Each read starts after the last row filled (a range of the key): no
   * read walks again over the rows the reads before it filled.
   */
  backfillLeaves(batch = 1000): number {
    const read = this.db.prepare(
      `SELECT seq, canonical FROM ledger WHERE seq > ? AND leaf IS NULL ORDER BY seq LIMIT ?`,
    );
    const write = this.db.prepare(`UPDATE ledger SET leaf = ? WHERE seq = ?`);
    return this.db.transaction(() => {
      let filled = 0;
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const rows = read.all(after, batch) as { seq: number; canonical: string }[];
        for (const r of rows) write.run(leafHash(r.canonical), r.seq);
        filled += rows.length;
        if (rows.length < batch) return filled;
        after = rows.at(-1)!.seq;
      }
    })();
  }

  ledgerEntries(): SealedEntry[] {
    return this.db.prepare(`SELECT seq, canonical, hash, signature FROM ledger ORDER BY rowid`).all() as SealedEntry[];
  }

  ledgerEntry(seq: number): SealedEntry | undefined {
    return this.db.prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE seq = ?`).get(seq) as
      SealedEntry | undefined;
  }

  /** Round entries of one job, oldest first (for the spend each hospital has accumulated). */
  ledgerEntriesOfJob(jobId: string): SealedEntry[] {
    return this.db
      .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? ORDER BY seq`)
      .all(jobId) as SealedEntry[];
  }

  /** Entries after `afterSeq` (of one job, if given), oldest first, at most `limit`. */
  ledgerEntriesAfter(afterSeq: number, jobId: string, limit: number): SealedEntry[] {
    return (
      jobId
        ? this.db
            .prepare(
              `SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
            )
            .all(jobId, afterSeq, limit)
        : this.db
            .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE seq > ? ORDER BY seq LIMIT ?`)
            .all(afterSeq, limit)
    ) as SealedEntry[];
  }

  /**
   * Entries of no job (role grants, roster versions, denials outside a job)
   * after `afterSeq`, oldest first, at most `limit`: read on the job index,
   * never the job entries between them.
   */
  unscopedEntriesAfter(afterSeq: number, limit: number): SealedEntry[] {
    return this.db
      .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = '' AND seq > ? ORDER BY seq LIMIT ?`)
      .all(afterSeq, limit) as SealedEntry[];
  }

  /**
   * The jobs `hospital` took part in (a round naming it a participant, or a
   * budget refusal of its), within `jobId` if given: a range of the
   * ledger_hospital_jobs key, kept as entries are appended (schema 12),
   * never a read of the ledger.
   */
  hospitalJobs(hospital: string, jobId: string): Set<string> {
    const ids = this.db
      .prepare(`SELECT job_id FROM ledger_hospital_jobs WHERE hospital = ? AND (? = '' OR job_id = ?)`)
      .pluck()
      .all(hospital, jobId, jobId) as string[];
    return new Set(ids);
  }

  /**
   * One page's candidates for a hospital's own ledger after `afterSeq`, at
   * most `limit` in seq order, without reading the rest into memory: the
   * entries whose text holds its quoted name, and the created/ended entries
   * of `jobs` (within `jobId` if given).
   */
  hospitalLedgerCandidates(
    hospital: string,
    jobs: ReadonlySet<string>,
    afterSeq: number,
    jobId: string,
    limit: number,
  ): SealedEntry[] {
    return this.db
      .prepare(
        `SELECT seq, canonical, hash, signature FROM ledger WHERE seq > ? AND (? = '' OR job_id = ?) AND (
           instr(canonical, ?) > 0
           OR (job_id IN (SELECT value FROM json_each(?))
               AND json_extract(canonical, '$.kind') IN ('job-created', 'job-ended')))
         ORDER BY seq LIMIT ?`,
      )
      .all(afterSeq, jobId, jobId, JSON.stringify(hospital), JSON.stringify([...jobs]), limit) as SealedEntry[];
  }

  lastLedgerSeq(): number {
    return (this.db.prepare(`SELECT MAX(seq) AS seq FROM ledger`).get() as { seq: number | null }).seq ?? 0;
  }

  /** Receipts of entries `from`..`to` (inclusive). */
  receiptsBetween(from: number, to: number): Receipt[] {
    return this.db
      .prepare(`SELECT seq, hospital, signature FROM ledger_receipts WHERE seq BETWEEN ? AND ? ORDER BY seq, hospital`)
      .all(from, to) as Receipt[];
  }

  addReceipt(r: Receipt, now: number): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO ledger_receipts (seq, hospital, signature, received_at) VALUES (?, ?, ?, ?)`)
      .run(r.seq, r.hospital, r.signature, now);
  }

  receipts(): Receipt[] {
    return this.db
      .prepare(`SELECT seq, hospital, signature FROM ledger_receipts ORDER BY seq, hospital`)
      .all() as Receipt[];
  }
}
