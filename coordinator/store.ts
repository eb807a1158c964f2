/**
 * The coordinator's SQLite database (better-sqlite3, WAL): jobs and completed
 * rounds. A round's weights, server-optimiser state and metrics are written in
 * one transaction with the job's progress, so a restarted coordinator resumes
 * every running job at its last completed round.
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { createPrivateFile } from '../edge/private-file.ts';
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import { paramCount } from '../core/model/spec.ts';
import { bytesToVector, vectorToBytes } from '../core/model/vector.ts';
import { encodeServerState } from '../core/strategy/index.ts';
import { ENDED_STATUSES, type JobStatus, type RoundRecord } from '../core/round/job.ts';
import type { OfferedDataset } from '../core/job/features.ts';
import type { OwnedJob } from '../core/job/quota.ts';
import {
  LISTING_COLUMNS,
  loadJob,
  toListing,
  toRound,
  type DamagedJob,
  type JobListing,
  type JobRow,
  type ListingRow,
  type RoundRow,
  type StoredJob,
  type StoredRound,
} from './job-rows.ts';
import { GENESIS_HASH, type Receipt, type SealedEntry } from '../core/ledger/types.ts';
import { parseRosterChain, type RosterChain, type RosterVersion } from '../core/roster/index.ts';

const SCHEMA_VERSION = 9;

const MIGRATIONS = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     spec TEXT NOT NULL,
     status TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     completed_rounds INTEGER NOT NULL DEFAULT 0,
     weights BLOB NOT NULL,
     server_state BLOB,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE rounds (
     job_id TEXT NOT NULL REFERENCES jobs(id),
     round INTEGER NOT NULL,
     kind TEXT NOT NULL,
     participants TEXT NOT NULL,
     dropped TEXT NOT NULL,
     evaluations TEXT NOT NULL,
     pooled TEXT,
     train_loss REAL,
     weights BLOB NOT NULL,
     completed_at INTEGER NOT NULL,
     PRIMARY KEY (job_id, round)
   );`,
  // 2: clients that reached each secure-aggregation phase, per round.
  `ALTER TABLE rounds ADD COLUMN phase_counts TEXT;`,
  // 3: the privacy ledger (core/ledger/): sealed entries, hospitals' receipts, and the key that signs them.
  `CREATE TABLE ledger (
     seq INTEGER PRIMARY KEY,
     canonical TEXT NOT NULL,
     hash TEXT NOT NULL,
     signature TEXT NOT NULL
   );
   CREATE TABLE ledger_receipts (
     seq INTEGER NOT NULL,
     hospital TEXT NOT NULL,
     signature TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (seq, hospital)
   );
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 4: enrolled identities (PKI): who may connect, with which key, in which role.
  `CREATE TABLE identities (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     public_key TEXT NOT NULL,
     enrolled_at INTEGER NOT NULL,
     revoked_at INTEGER
   );`,
  // 5: the researcher who submitted each job (null: submitted by the operator at start).
  `ALTER TABLE jobs ADD COLUMN owner TEXT;`,
  // 6: each entry's job, indexed, so a round's entry reads its job's earlier entries without scanning the ledger.
  `ALTER TABLE ledger ADD COLUMN job_id TEXT;
   UPDATE ledger SET job_id = json_extract(canonical, '$.jobId');
   CREATE INDEX ledger_by_job ON ledger (job_id, seq);`,
  // 7: the datasets each hospital last offered (names only), so a researcher's job is checked against them at submission.
  `CREATE TABLE hospital_datasets (
     hospital TEXT NOT NULL,
     schema_id TEXT NOT NULL,
     label TEXT NOT NULL,
     features TEXT NOT NULL,
     seen_at INTEGER NOT NULL,
     PRIMARY KEY (hospital, schema_id)
   );`,
  // 8: attempts started at a job's next round, so a restarted coordinator never offers an attempt number twice.
  `ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;`,
  // 9: the network's roster chain (core/roster/), one row per version, as published (cohort roster publish).
  `CREATE TABLE roster_versions (
     version INTEGER PRIMARY KEY,
     hash TEXT NOT NULL,
     json TEXT NOT NULL,
     adopted_at INTEGER NOT NULL
   );`,
];

export { ROLES, type Role } from '../core/auth/policy.ts';
import type { Role } from '../core/auth/policy.ts';

export interface Enrolled {
  name: string;
  role: Role;
  publicKey: string;
  enrolledAt: number;
  revokedAt: number | null;
}

/** A dataset a hospital offers, its feature list as stored JSON (offeredDatasetsJson). */
export interface OfferedDatasetJson {
  hospital: string;
  schemaId: string;
  label: string;
  featuresJson: string;
}

/** Builds the next entry once its position is known (inside the transaction that appends it). */
export type EntryBuilder = (seq: number, prevHash: string) => SealedEntry;

export {
  toRound,
  type DamagedJob,
  type JobListing,
  type RoundRow,
  type StoredJob,
  type StoredRound,
} from './job-rows.ts';

export class CoordinatorStore {
  private readonly db: Database.Database;
  /** hospital_datasets as last read (offeredDatasetsJson); null once a Hello changed it. */
  private datasetRows: OfferedDatasetJson[] | null = null;

  constructor(path: string) {
    try {
      // It holds every job's weights: 0600, and so are its -wal and -shm (edge/private-file.ts).
      createPrivateFile(path);
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      // FULL: a committed round and its ledger entry survive power loss, not only a process crash.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } catch (err) {
      if (err instanceof CohortError) throw err;
      throw new CohortError('E_STORE', `cannot open coordinator database ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new CohortError(
        'E_STORE',
        `database schema version ${version} is newer than this coordinator (${SCHEMA_VERSION})`,
      );
    }
    this.db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  close(): void {
    this.db.close();
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

  /** Enrols (or re-enrols, clearing a revocation) `name` with `publicKeyHex` in `role`, with its ledger entry in the same transaction. */
  enroll(name: string, role: Role, publicKeyHex: string, now: number, entry: EntryBuilder): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO identities (name, role, public_key, enrolled_at, revoked_at) VALUES (?, ?, ?, ?, NULL)
                  ON CONFLICT (name) DO UPDATE SET role = excluded.role, public_key = excluded.public_key, enrolled_at = excluded.enrolled_at, revoked_at = NULL`,
        )
        .run(name, role, publicKeyHex, now);
      this.appendEntry(entry);
    })();
  }

  /** Revokes `name`; false if it was not enrolled or already revoked. */
  revoke(name: string, now: number, entry: EntryBuilder): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(`UPDATE identities SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`)
        .run(now, name).changes;
      if (changed === 1) this.appendEntry(entry);
      return changed === 1;
    })();
  }

  identity(name: string): Enrolled | null {
    const r = this.db
      .prepare(`SELECT name, role, public_key, enrolled_at, revoked_at FROM identities WHERE name = ?`)
      .get(name) as
      { name: string; role: Role; public_key: string; enrolled_at: number; revoked_at: number | null } | undefined;
    return r
      ? { name: r.name, role: r.role, publicKey: r.public_key, enrolledAt: r.enrolled_at, revokedAt: r.revoked_at }
      : null;
  }

  ledgerKey(): string | null {
    return (
      (this.db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).get() as { value: string } | undefined)
        ?.value ?? null
    );
  }

  /** Appends one entry; inside a caller's transaction it commits (or not) with it. */
  appendEntry(build: EntryBuilder): SealedEntry {
    return this.db.transaction(() => {
      const last = this.db.prepare(`SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1`).get() as
        { seq: number; hash: string } | undefined;
      const sealed = build((last?.seq ?? 0) + 1, last?.hash ?? GENESIS_HASH);
      const jobId = (JSON.parse(sealed.canonical) as { jobId: string }).jobId;
      this.db
        .prepare(`INSERT INTO ledger (seq, canonical, hash, signature, job_id) VALUES (?, ?, ?, ?, ?)`)
        .run(sealed.seq, sealed.canonical, sealed.hash, sealed.signature, jobId);
      return sealed;
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
   * What a hospital's own ledger is drawn from without reading the rest into
   * memory: the entries whose text holds `needle` (its quoted name; SQLite
   * scans, only matches come back), then the created/ended entries of `jobs`.
   */
  ledgerEntriesContaining(needle: string, jobId: string): SealedEntry[] {
    return (
      jobId
        ? this.db
            .prepare(
              `SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? AND instr(canonical, ?) > 0 ORDER BY seq`,
            )
            .all(jobId, needle)
        : this.db
            .prepare(`SELECT seq, canonical, hash, signature FROM ledger WHERE instr(canonical, ?) > 0 ORDER BY seq`)
            .all(needle)
    ) as SealedEntry[];
  }

  jobBoundaryEntries(jobs: readonly string[]): SealedEntry[] {
    const q = this.db.prepare(
      `SELECT seq, canonical, hash, signature FROM ledger WHERE job_id = ? AND json_extract(canonical, '$.kind') IN ('job-created', 'job-ended') ORDER BY seq`,
    );
    return jobs.flatMap((j) => q.all(j) as SealedEntry[]);
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

  /** Replaces what `hospital` offers with the datasets of its latest Hello. */
  recordDatasets(hospital: string, datasets: readonly Omit<OfferedDataset, 'hospital'>[], now: number): void {
    this.datasetRows = null;
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM hospital_datasets WHERE hospital = ?`).run(hospital);
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO hospital_datasets (hospital, schema_id, label, features, seen_at) VALUES (?, ?, ?, ?, ?)`,
      );
      for (const d of datasets) insert.run(hospital, d.schemaId, d.label, JSON.stringify(d.features), now);
    })();
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

  createJob(
    id: string,
    spec: JobSpec,
    weights: Float32Array,
    now: number,
    entry?: EntryBuilder,
    owner: string | null = null,
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO jobs (id, spec, status, completed_rounds, weights, created_at, updated_at, owner) VALUES (?, ?, 'waiting', 0, ?, ?, ?, ?)`,
        )
        .run(id, JSON.stringify(spec), Buffer.from(vectorToBytes(weights)), now, now, owner);
      if (entry) this.appendEntry(entry);
    })();
  }

  /** Persists a completed round, the job's new position and the round's ledger entry atomically: a crash leaves all or none. */
  commitRound(jobId: string, rec: RoundRecord, entry?: EntryBuilder): SealedEntry | null {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO rounds (job_id, round, kind, participants, dropped, evaluations, pooled, train_loss, weights, completed_at, phase_counts)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          jobId,
          rec.round,
          rec.kind,
          JSON.stringify(rec.participants),
          JSON.stringify(rec.dropped),
          JSON.stringify(rec.evaluations, nanToNull),
          rec.pooled ? JSON.stringify(rec.pooled, nanToNull) : null,
          rec.trainLoss,
          Buffer.from(vectorToBytes(rec.weights)),
          rec.completedAt,
          rec.phaseCounts ? JSON.stringify(rec.phaseCounts) : null,
        );
      const changed = this.db
        .prepare(
          `UPDATE jobs SET completed_rounds = ?, weights = ?, server_state = ?, attempts = 0, status = CASE status WHEN 'paused' THEN 'paused' ELSE 'running' END, updated_at = ? WHERE id = ? AND completed_rounds = ?`,
        )
        .run(
          rec.round,
          Buffer.from(vectorToBytes(rec.weights)),
          rec.serverState ? Buffer.from(encodeServerState(rec.serverState)) : null,
          rec.completedAt,
          jobId,
          rec.round - 1,
        );
      if (changed.changes !== 1) throw new CohortError('E_STORE', `job ${jobId} is not at round ${rec.round - 1}`);
      return entry ? this.appendEntry(entry) : null;
    })();
  }

  /** Records that `attempt` attempts have started at the job's next round (before their configs go out). */
  setAttempts(jobId: string, attempt: number): void {
    this.db.prepare(`UPDATE jobs SET attempts = MAX(attempts, ?) WHERE id = ?`).run(attempt, jobId);
  }

  /** The published roster chain (core/roster/), or null if none was published. */
  rosterChain(): RosterChain | null {
    const rows = this.db.prepare(`SELECT json FROM roster_versions ORDER BY version`).all() as { json: string }[];
    return rows.length === 0 ? null : parseRosterChain({ versions: rows.map((r) => JSON.parse(r.json) as unknown) });
  }

  /** The published roster's latest version number (0: none): cheap enough to poll. */
  rosterVersion(): number {
    return (this.db.prepare(`SELECT MAX(version) AS v FROM roster_versions`).get() as { v: number | null }).v ?? 0;
  }

  /** Appends roster versions (already checked to extend the stored chain) with their ledger entries, atomically. */
  appendRosterVersions(
    versions: readonly { version: RosterVersion; hash: string; entry: EntryBuilder }[],
    now: number,
  ): void {
    this.db.transaction(() => {
      for (const v of versions) {
        this.db
          .prepare(`INSERT INTO roster_versions (version, hash, json, adopted_at) VALUES (?, ?, ?, ?)`)
          .run(v.version.body.version, v.hash, JSON.stringify(v.version), now);
        this.appendEntry(v.entry);
      }
    })();
  }

  setStatus(jobId: string, status: JobStatus, reason: string, now: number, entry?: EntryBuilder): void {
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE jobs SET status = ?, reason = ?, updated_at = ? WHERE id = ?`)
        .run(status, reason, now, jobId);
      if (entry) this.appendEntry(entry);
    })();
  }

  /**
   * One job with its model. Throws E_STORE, naming what is wrong, for a row
   * that does not load (coordinator/job-rows.ts): its listing (jobListing)
   * still reads.
   */
  getJob(id: string): StoredJob | undefined {
    const row = this.db.prepare(`SELECT * FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
    if (!row) return undefined;
    const job = loadJob(row);
    if ('problem' in job) throw new CohortError('E_STORE', `job ${job.id} cannot be loaded: ${job.problem}`);
    return job;
  }

  /** One job's metadata and spec, never its model; whatever its row holds. */
  jobListing(id: string): JobListing | undefined {
    const row = this.db.prepare(`SELECT ${LISTING_COLUMNS} FROM jobs WHERE id = ?`).get(id) as ListingRow | undefined;
    return row && toListing(row);
  }

  /** Every job's metadata and spec, never a model; a row that does not read back is listed with what does. */
  listJobs(): JobListing[] {
    return (this.db.prepare(`SELECT ${LISTING_COLUMNS} FROM jobs ORDER BY created_at, id`).all() as ListingRow[]).map(
      toListing,
    );
  }

  /**
   * Jobs a restarted coordinator must resume: every job whose status is not
   * an ended one (ENDED_STATUSES), loaded, or damaged with the reason it
   * cannot be (for the caller to end it, not to stop on it).
   */
  unfinishedJobs(): (StoredJob | DamagedJob)[] {
    const ended = ENDED_STATUSES.map(() => '?').join(', ');
    return (
      this.db
        .prepare(`SELECT * FROM jobs WHERE status NOT IN (${ended}) ORDER BY created_at, id`)
        .all(...ENDED_STATUSES) as JobRow[]
    ).map(loadJob);
  }

  /** The stored model's bytes as they are (any length, any values): what the ledger hashes when a job that cannot be loaded ends. */
  jobModelBytes(id: string): Uint8Array | undefined {
    const row = this.db.prepare(`SELECT weights FROM jobs WHERE id = ?`).get(id) as { weights: unknown } | undefined;
    if (!row) return undefined;
    return row.weights instanceof Uint8Array ? row.weights : Buffer.from(String(row.weights ?? ''));
  }

  rounds(jobId: string): StoredRound[] {
    return (
      this.db
        .prepare(
          `SELECT job_id, round, kind, participants, dropped, evaluations, pooled, train_loss, completed_at, phase_counts FROM rounds WHERE job_id = ? ORDER BY round`,
        )
        .all(jobId) as RoundRow[]
    ).map(toRound);
  }

  /** A round's weights; throws E_STORE when they or the job's spec do not read back. */
  roundWeights(jobId: string, round: number): Float32Array | undefined {
    const row = this.db
      .prepare(
        `SELECT r.weights, j.spec FROM rounds r JOIN jobs j ON j.id = r.job_id WHERE r.job_id = ? AND r.round = ?`,
      )
      .get(jobId, round) as { weights: Buffer; spec: string } | undefined;
    if (!row) return undefined;
    try {
      return bytesToVector(row.weights, paramCount(parseJobSpec(JSON.parse(row.spec)).model));
    } catch (err) {
      throw new CohortError('E_STORE', `round ${round} of job ${jobId} cannot be read: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /**
   * The datasets offered by hospitals that are not revoked, each feature list
   * as its stored JSON, unparsed: what a submission's worker thread checks
   * the job against (parsing up to a megabyte of names per hospital is the
   * worker's work, not the event loop's). The rows are read once and kept
   * until a Hello records new ones (recordDatasets: only this process writes
   * them); revocations, which the admin CLI writes from another process, are
   * read each time (one name per revoked identity).
   */
  offeredDatasetsJson(): OfferedDatasetJson[] {
    this.datasetRows ??= this.db
      .prepare(
        `SELECT hospital, schema_id AS schemaId, label, features AS featuresJson FROM hospital_datasets ORDER BY hospital, schema_id`,
      )
      .all() as OfferedDatasetJson[];
    const revoked = new Set(
      this.db.prepare(`SELECT name FROM identities WHERE revoked_at IS NOT NULL`).pluck().all() as string[],
    );
    return this.datasetRows.filter((d) => !revoked.has(d.hospital));
  }

  /**
   * `owner`'s jobs as its quotas count them (core/job/quota.ts ownerUsage):
   * raw figures read by SQL alone (blob lengths, not blobs), with a spec that
   * is not JSON giving no rounds.
   */
  ownerUsage(owner: string): OwnedJob[] {
    return this.db
      .prepare(
        `SELECT j.status, length(j.weights) AS weightBytes,
                       CASE WHEN json_valid(j.spec) THEN json_extract(j.spec, '$.rounds') END AS rounds,
                       (SELECT COALESCE(SUM(length(r.weights)), 0) FROM rounds r WHERE r.job_id = j.id) AS roundBytes
                FROM jobs j WHERE j.owner = ?`,
      )
      .all(owner) as OwnedJob[];
  }
}

function nanToNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
