/**
 * The coordinator's SQLite database (better-sqlite3, WAL): jobs and completed
 * rounds. A round's weights, server-optimiser state and metrics are written in
 * one transaction with the job's progress, so a restarted coordinator resumes
 * every running job at its last completed round. The other tables are its
 * base classes': the network's members (member-tables.ts) and the privacy
 * ledger (ledger-tables.ts); the schema is store-schema.ts's.
 */
import { CohortError } from '../core/errors.ts';
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import { paramCount } from '../core/model/spec.ts';
import { bytesToVector, vectorToBytes } from '../core/model/vector.ts';
import { encodeServerState } from '../core/strategy/index.ts';
import { ENDED_STATUSES, type JobStatus, type RoundRecord } from '../core/round/job.ts';
import type { OwnedJob } from '../core/job/quota.ts';
import type { SealedEntry } from '../core/ledger/types.ts';
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
import type { EntryBuilder } from './ledger-tables.ts';
import { MemberTables } from './member-tables.ts';
import { openCoordinatorDb } from './store-schema.ts';

/** How long the readiness probe's answer of whether the database takes a write is reused (writable()). */
export const WRITE_PROBE_REUSE_MS = 1000;

export class CoordinatorStore extends MemberTables {
  /** The last write-lock probe of writable(): when (its `now`) and its answer. */
  private writeProbe: { at: number; ok: boolean } | null = null;

  constructor(path: string) {
    super(openCoordinatorDb(path));
  }

  close(): void {
    this.db.close();
  }

  /**
   * Whether the database is open and takes a write: a write transaction begun
   * (the write lock taken without waiting, or found held by another writer)
   * and rolled back, nothing written. For the readiness probe (health.ts),
   * which anyone who reaches the port may send: the write-lock probe's answer
   * is reused for WRITE_PROBE_REUSE_MS of `now`, so a flood of probes takes
   * the lock at most once in that time instead of contending with every
   * writer of the database at each. Open and read-only are checked each time.
   */
  writable(now: number): boolean {
    if (!this.db.open || this.db.readonly) return false;
    const last = this.writeProbe;
    if (last && now >= last.at && now - last.at < WRITE_PROBE_REUSE_MS) return last.ok;
    this.writeProbe = { at: now, ok: this.takesWriteLock() };
    return this.writeProbe.ok;
  }

  private takesWriteLock(): boolean {
    // Never waits for the write lock: a probe anyone can send must not stall the event loop for the busy timeout.
    // The lock held by another writer still means the file is writable.
    const wait = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
      return true;
    } catch (err) {
      return (err as { code?: string }).code === 'SQLITE_BUSY';
    } finally {
      this.db.pragma(`busy_timeout = ${wait}`);
    }
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

  /**
   * `hospital`'s input to round `round` may have been released: its unmask
   * answer in a record-level DP job (it trains the round afresh, and pays, if
   * it is retried), its masked input in a hospital-level one (charged as it
   * left). Kept until the round commits or its attempt fails, each of which
   * writes the spend to the ledger; one still here at a restart is an
   * attempt a crash ended, whose spend the job registry writes then.
   */
  recordRelease(jobId: string, round: number, hospital: string): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO round_releases (job_id, round, hospital) VALUES (?, ?, ?)`)
      .run(jobId, round, hospital);
  }

  /** The releases recorded for `jobId` (recordRelease), by round, hospitals sorted. */
  releasesOf(jobId: string): { round: number; hospitals: string[] }[] {
    const rows = this.db
      .prepare(`SELECT round, hospital FROM round_releases WHERE job_id = ? ORDER BY round, hospital`)
      .all(jobId) as { round: number; hospital: string }[];
    const byRound = new Map<number, string[]>();
    for (const r of rows) byRound.set(r.round, [...(byRound.get(r.round) ?? []), r.hospital]);
    return [...byRound].map(([round, hospitals]) => ({ round, hospitals }));
  }

  /** An attempt at `round` ended: its spend entry (if any) appended and its releases dropped, in one transaction. */
  attemptEnded(jobId: string, round: number, entry?: EntryBuilder): void {
    this.db.transaction(() => {
      if (entry) this.appendEntry(entry);
      this.db.prepare(`DELETE FROM round_releases WHERE job_id = ? AND round = ?`).run(jobId, round);
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
      // The round's releases are in its entry now (recordRelease).
      this.db.prepare(`DELETE FROM round_releases WHERE job_id = ? AND round = ?`).run(jobId, rec.round);
      return entry ? this.appendEntry(entry) : null;
    })();
  }

  /** Records that `attempt` attempts have started at the job's next round (before their configs go out). */
  setAttempts(jobId: string, attempt: number): void {
    this.db.prepare(`UPDATE jobs SET attempts = MAX(attempts, ?) WHERE id = ?`).run(attempt, jobId);
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

  /**
   * Every job's metadata and spec (only `owner`'s when given: its rows alone
   * are read and parsed, on the jobs_by_owner index), never a model; a row
   * that does not read back is listed with what does.
   */
  listJobs(owner?: string): JobListing[] {
    const rows =
      owner === undefined
        ? this.db.prepare(`SELECT ${LISTING_COLUMNS} FROM jobs ORDER BY created_at, id`).all()
        : this.db.prepare(`SELECT ${LISTING_COLUMNS} FROM jobs WHERE owner = ? ORDER BY created_at, id`).all(owner);
    return (rows as ListingRow[]).map(toListing);
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
