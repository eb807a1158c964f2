/**
 * The hospital's privacy-budget state (better-sqlite3, WAL), so that what a
 * dataset has spent survives restarts. Admission works by reservation: a job
 * is admitted only if everything spent, everything other running jobs have
 * reserved and this whole job fit the budget, and its rounds are then
 * reserved; each training round is recorded as spent before the model sees a
 * record (a crash after that point counts the round: fail closed). A round
 * beyond the reservation (a retried round) is priced again on its own.
 *
 * Every read-decide-write runs in an IMMEDIATE transaction: it takes the
 * database's write lock before reading, so a second process (an operator
 * command, another daemon on the same file) waits for it (busy timeout
 * DEFAULT_BUSY_TIMEOUT_MS) and then decides on what the first wrote. In a
 * deferred one the second would read the same spent total, and its write
 * would fail with SQLITE_BUSY instead of waiting (WAL refuses to upgrade a
 * stale read), refusing a round or a job for no reason of the budget's.
 *
 * A reservation is open until its job ends here: the coordinator's job end
 * (sent to every hospital offered the job), the daemon's own decline, the
 * job missing from the live jobs a Welcome lists (it ended while the daemon
 * was away), or an operator's `cohort budget close` when none of these can
 * come. Closing keeps every charged round spent, releases the untrained
 * rest, and marks the job ended: it is never admitted again.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { StatePart, keyValueTable, openStateDb, pinnedValue } from './state-db.ts';
import { CohortError } from '../core/errors.ts';
import { admit, checkBudgetConfig, type Budget, type Decision } from '../core/privacy/budget.ts';
import { accountSpend, type Mechanism, type SpendReport } from '../core/privacy/spend.ts';

const SCHEMA_VERSION = 1;

/** How long a transaction waits for another connection's write lock before SQLITE_BUSY (better-sqlite3's default, which openStateDb keeps). */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const SCHEMA = `
  ${keyValueTable('meta')}
  CREATE TABLE IF NOT EXISTS budgets (
    dataset TEXT PRIMARY KEY,
    epsilon REAL NOT NULL,
    delta REAL NOT NULL,
    accountant TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS reservations (
    dataset TEXT NOT NULL,
    job_id TEXT NOT NULL,
    mechanism TEXT NOT NULL,
    rounds INTEGER NOT NULL,
    open INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (dataset, job_id)
  );
  CREATE TABLE IF NOT EXISTS spends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset TEXT NOT NULL,
    job_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    mechanism TEXT NOT NULL,
    epsilon_after REAL NOT NULL,
    bound TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS spends_by_job ON spends (dataset, job_id);
`;

export interface SpendRow {
  jobId: string;
  round: number;
  mechanism: Mechanism;
  /** The dataset's cumulative ε (budget δ, budget accountant) after this round. */
  epsilonAfter: number;
  bound: string;
  at: number;
}

/** A job's reservation against a dataset's budget. */
export interface Reservation {
  dataset: string;
  jobId: string;
  /** The mechanism of each round reserved at admission, in order (training rounds, then an evaluation's release). */
  mechanisms: Mechanism[];
  /** Rounds reserved at admission: mechanisms.length. */
  rounds: number;
  /** Rounds charged so far (retried rounds each count). */
  charged: number;
  /** Open: its untrained rounds still count against the budget. Closed: the job ended here. */
  open: boolean;
  /** When the job was admitted (ms since the epoch). */
  at: number;
  /** When its latest round was charged (ms since the epoch), null if none was. */
  lastChargedAt: number | null;
}

/** What closing a reservation did. */
export interface ClosedReservation {
  reservation: Reservation;
  /** Reserved rounds never charged, released by the close. */
  released: number;
}

export interface BudgetStoreOptions {
  /** Clock of the rows written; default Date.now. */
  now?: () => number;
  /**
   * Open only a file that already holds a budget database, never creating
   * one (operator commands: a mistyped path must not become an empty budget).
   */
  mustExist?: boolean;
}

export interface BudgetSummary {
  dataset: string;
  budget: Budget;
  spent: SpendReport;
  perJob: { jobId: string; rounds: number; spent: SpendReport }[];
}

export class BudgetStore extends StatePart {
  constructor(path: string, options: BudgetStoreOptions = {}) {
    super(
      options.mustExist ? openExisting(path) : openStateDb(path, SCHEMA, 'budget database'),
      options.now ?? Date.now,
    );
    try {
      checkSchemaVersion(this.db, path);
    } catch (err) {
      // A file refused after it was opened is closed, not left open behind the error (as openStateDb does).
      this.db.close();
      throw err;
    }
  }

  /**
   * Sets the dataset's total budget. Lowering it below what is already spent
   * is allowed (every later request is refused); the spends stay.
   */
  setBudget(dataset: string, budget: Budget): void {
    checkBudgetConfig(budget);
    this.db
      .prepare(
        `INSERT INTO budgets (dataset, epsilon, delta, accountant, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (dataset) DO UPDATE SET epsilon = excluded.epsilon, delta = excluded.delta, accountant = excluded.accountant, updated_at = excluded.updated_at`,
      )
      .run(dataset, budget.epsilon, budget.delta, budget.accountant, this.now());
  }

  /** The datasets that have a budget, by name. */
  datasets(): string[] {
    return this.db.prepare(`SELECT dataset FROM budgets ORDER BY dataset`).pluck().all() as string[];
  }

  budget(dataset: string): Budget | null {
    const r = this.db.prepare(`SELECT epsilon, delta, accountant FROM budgets WHERE dataset = ?`).get(dataset) as
      Budget | undefined;
    return r ? { epsilon: r.epsilon, delta: r.delta, accountant: r.accountant } : null;
  }

  /**
   * Admits a job whose rounds apply `mechanisms` (one per round it may charge:
   * core/job/privacy.ts jobMechanisms), reserving them. Re-admitting a job that already holds a reservation (a restarted
   * daemon re-offered its job) keeps the reservation and decides nothing anew.
   * A job whose reservation was closed (it ended here) is never admitted
   * again: a coordinator offering it anew would be replaying its rounds.
   */
  admitJob(dataset: string, jobId: string, mechanisms: readonly Mechanism[]): Decision {
    return this.immediate((): Decision => {
      const budget = this.requireBudget(dataset);
      const held = this.db
        .prepare(`SELECT open FROM reservations WHERE dataset = ? AND job_id = ?`)
        .get(dataset, jobId) as { open: number } | undefined;
      if (held) {
        const projected = accountSpend(this.committed(dataset), budget.delta, budget.accountant);
        return held.open === 1
          ? { allowed: true, projected, reason: 'job already admitted' }
          : {
              allowed: false,
              projected,
              reason: `job ${jobId} already ended at this hospital: offering it again would replay its rounds`,
            };
      }
      const decision = admit(budget, this.committed(dataset), [...mechanisms]);
      if (decision.allowed) {
        this.db
          .prepare(
            `INSERT INTO reservations (dataset, job_id, mechanism, rounds, open, created_at) VALUES (?, ?, ?, ?, 1, ?)`,
          )
          .run(dataset, jobId, JSON.stringify(mechanisms), mechanisms.length, this.now());
      }
      return decision;
    });
  }

  /**
   * Records one round of an admitted job as spent, before it runs (or before
   * its evaluation is released). Its mechanism must be one the job reserved.
   * Refused if it would take the spent total past the budget (lowered since
   * admission, say), or, past the job's reservation (retries), if it would
   * eat into what other running jobs reserved.
   */
  spendRound(dataset: string, jobId: string, round: number, mechanism: Mechanism): Decision {
    return this.immediate((): Decision => {
      const budget = this.requireBudget(dataset);
      const spent = this.spends(dataset); // read once: every figure below is of these rows
      const refuse = (reason: string): Decision => ({
        allowed: false,
        projected: accountSpend(this.committed(dataset, spent), budget.delta, budget.accountant),
        reason,
      });
      const res = this.db
        .prepare(`SELECT mechanism, rounds FROM reservations WHERE dataset = ? AND job_id = ? AND open = 1`)
        .get(dataset, jobId) as { mechanism: string; rounds: number } | undefined;
      if (!res) return refuse(`job ${jobId} was not admitted against this budget`);
      const wanted = JSON.stringify(mechanism);
      if (!reservedMechanisms(res).some((m) => JSON.stringify(m) === wanted))
        return refuse('the round asks for a different mechanism than the job was admitted with');
      // Never train a round that takes what is actually spent past the budget (which may have been lowered since admission).
      const after = accountSpend([...spent.map((s) => s.mechanism), mechanism], budget.delta, budget.accountant);
      if (!(after.epsilon <= budget.epsilon)) {
        return {
          allowed: false,
          projected: after,
          reason: `this round would bring the spent epsilon to ${after.epsilon.toFixed(4)} (${after.bound}, delta ${budget.delta}), over this hospital's budget of ${budget.epsilon}`,
        };
      }
      // Past the reservation (a retried round) it must also leave room for what other jobs reserved. Slots are per
      // mechanism: a retried training round may not use up the slot reserved for the job's evaluation.
      const reserved = reservedMechanisms(res).filter((m) => JSON.stringify(m) === wanted).length;
      const used = spent.filter((s) => s.jobId === jobId && JSON.stringify(s.mechanism) === wanted).length;
      if (used >= reserved) {
        const decision = admit(budget, this.committed(dataset, spent), [mechanism]);
        if (!decision.allowed) return decision;
      }
      this.db
        .prepare(
          `INSERT INTO spends (dataset, job_id, round, mechanism, epsilon_after, bound, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(dataset, jobId, round, JSON.stringify(mechanism), after.epsilon, after.bound, this.now());
      return {
        allowed: true,
        projected: after,
        reason: `spent epsilon ${after.epsilon.toFixed(4)} of ${budget.epsilon} after this round (${after.bound}, delta ${budget.delta})`,
      };
    });
  }

  /** The mechanism last charged for one round of a job, or null if none was. */
  charged(dataset: string, jobId: string, round: number): Mechanism | null {
    const r = this.db
      .prepare(`SELECT mechanism FROM spends WHERE dataset = ? AND job_id = ? AND round = ? ORDER BY id DESC LIMIT 1`)
      .get(dataset, jobId, round) as { mechanism: string } | undefined;
    return r ? (JSON.parse(r.mechanism) as Mechanism) : null;
  }

  /** The highest round of a job charged to this dataset, 0 if none. */
  latestRound(dataset: string, jobId: string): number {
    return (
      (
        this.db.prepare(`SELECT MAX(round) AS r FROM spends WHERE dataset = ? AND job_id = ?`).get(dataset, jobId) as {
          r: number | null;
        }
      ).r ?? 0
    );
  }

  /** Whether a job ended here (its reservation closed): it is never admitted again. */
  jobEnded(dataset: string, jobId: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM reservations WHERE dataset = ? AND job_id = ? AND open = 0`)
        .get(dataset, jobId) !== undefined
    );
  }

  /** Whether a job holds an open reservation against this dataset's budget. */
  reserved(dataset: string, jobId: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM reservations WHERE dataset = ? AND job_id = ? AND open = 1`)
        .get(dataset, jobId) !== undefined
    );
  }

  /**
   * The daemon's close of a job whose part at this hospital ended (see the
   * module comment): as closeReservation, for one dataset, and null when the
   * job holds no open reservation (never admitted, or already closed).
   */
  closeJob(dataset: string, jobId: string): ClosedReservation | null {
    return this.immediate((): ClosedReservation | null => {
      const row = this.db
        .prepare(`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE dataset = ? AND job_id = ? AND open = 1`)
        .get(dataset, jobId) as ReservationRow | undefined;
      return row ? this.closeRow(row) : null;
    });
  }

  /**
   * What the dataset's budget has committed: every charged round and every
   * open reservation's untrained rounds, as one ε (the budget's δ and
   * accountant). A job is admitted only if this plus its own cost fits.
   */
  committedSpend(dataset: string): SpendReport {
    const budget = this.requireBudget(dataset);
    return accountSpend(this.committed(dataset), budget.delta, budget.accountant);
  }

  /** Reservations of every dataset, oldest first; only the open ones unless `all`. */
  reservations(options: { all?: boolean } = {}): Reservation[] {
    const rows = this.db
      .prepare(
        `SELECT ${RESERVATION_COLUMNS} FROM reservations ${options.all ? '' : 'WHERE open = 1'} ORDER BY created_at, dataset, job_id`,
      )
      .all() as ReservationRow[];
    return rows.map((r) => this.reservationOf(r));
  }

  /**
   * The operator's close of a job's reservation, for a job whose end never
   * reached this hospital: its charged rounds stay spent, its untrained
   * reservation is released, and the job is marked ended (the daemon refuses
   * its further rounds and any re-offer). `dataset` may be left out when only
   * one dataset holds a reservation for the job. Throws E_UNKNOWN_JOB when
   * none does, E_CONFIG_INVALID when several do and no dataset is named,
   * E_JOB_STATE when the reservation is already closed.
   */
  closeReservation(jobId: string, dataset?: string): ClosedReservation {
    return this.immediate((): ClosedReservation => {
      const rows = (
        dataset === undefined
          ? this.db
              .prepare(`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE job_id = ? ORDER BY dataset`)
              .all(jobId)
          : this.db
              .prepare(`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE job_id = ? AND dataset = ?`)
              .all(jobId, dataset)
      ) as ReservationRow[];
      const where = dataset === undefined ? '' : ` for dataset ${dataset}`;
      if (rows.length === 0)
        throw new CohortError('E_UNKNOWN_JOB', `no reservation of job ${jobId}${where} in this budget database`);
      if (rows.length > 1)
        throw new CohortError(
          'E_CONFIG_INVALID',
          `job ${jobId} holds reservations for datasets ${rows.map((r) => r.dataset).join(', ')}: name one with --dataset`,
        );
      const row = rows[0]!;
      if (row.open !== 1)
        throw new CohortError(
          'E_JOB_STATE',
          `the reservation of job ${jobId} for dataset ${row.dataset} is already closed`,
        );
      return this.closeRow(row);
    });
  }

  /** Closes the open reservation `row` (inside the caller's transaction): its charged rounds stay spent, the rest is released. */
  private closeRow(row: ReservationRow): ClosedReservation {
    this.db.prepare(`UPDATE reservations SET open = 0 WHERE dataset = ? AND job_id = ?`).run(row.dataset, row.job_id);
    const reservation = this.reservationOf({ ...row, open: 0 });
    return { reservation, released: Math.max(0, reservation.rounds - reservation.charged) };
  }

  spends(dataset: string): SpendRow[] {
    const rows = this.db
      .prepare(
        `SELECT job_id, round, mechanism, epsilon_after, bound, created_at FROM spends WHERE dataset = ? ORDER BY id`,
      )
      .all(dataset) as {
      job_id: string;
      round: number;
      mechanism: string;
      epsilon_after: number;
      bound: string;
      created_at: number;
    }[];
    return rows.map((r) => ({
      jobId: r.job_id,
      round: r.round,
      mechanism: JSON.parse(r.mechanism) as Mechanism,
      epsilonAfter: r.epsilon_after,
      bound: r.bound,
      at: r.created_at,
    }));
  }

  summary(dataset: string): BudgetSummary {
    const budget = this.requireBudget(dataset);
    const rows = this.spends(dataset);
    const jobs = [...new Set(rows.map((r) => r.jobId))];
    return {
      dataset,
      budget,
      spent: accountSpend(
        rows.map((r) => r.mechanism),
        budget.delta,
        budget.accountant,
      ),
      perJob: jobs.map((jobId) => {
        const mine = rows.filter((r) => r.jobId === jobId);
        return {
          jobId,
          rounds: mine.length,
          spent: accountSpend(
            mine.map((r) => r.mechanism),
            budget.delta,
            budget.accountant,
          ),
        };
      }),
    };
  }

  /** Runs `fn` in an IMMEDIATE transaction (see the module comment). */
  private immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private reservationOf(r: ReservationRow): Reservation {
    const c = this.db
      .prepare(`SELECT COUNT(*) AS n, MAX(created_at) AS last FROM spends WHERE dataset = ? AND job_id = ?`)
      .get(r.dataset, r.job_id) as { n: number; last: number | null };
    return {
      dataset: r.dataset,
      jobId: r.job_id,
      mechanisms: reservedMechanisms(r),
      rounds: r.rounds,
      charged: c.n,
      open: r.open === 1,
      at: r.created_at,
      lastChargedAt: c.last,
    };
  }

  private requireBudget(dataset: string): Budget {
    const b = this.budget(dataset);
    if (!b) throw new CohortError('E_BUDGET_EXCEEDED', `no privacy budget is configured for dataset ${dataset}`);
    return b;
  }

  /** Spent rounds plus what every open reservation reserved and has not charged yet (each charge uses up one reserved round of its mechanism). */
  private committed(dataset: string, spent: readonly SpendRow[] = this.spends(dataset)): Mechanism[] {
    const out = spent.map((r) => r.mechanism);
    // Each charge's mechanism as a key, grouped by job, once: not once per open reservation.
    const chargedKeys = new Map<string, string[]>();
    for (const s of spent) chargedKeys.set(s.jobId, [...(chargedKeys.get(s.jobId) ?? []), JSON.stringify(s.mechanism)]);
    const open = this.db
      .prepare(`SELECT job_id, mechanism, rounds FROM reservations WHERE dataset = ? AND open = 1`)
      .all(dataset) as { job_id: string; mechanism: string; rounds: number }[];
    for (const r of open) {
      const left = new Map<string, { m: Mechanism; n: number }>();
      for (const m of reservedMechanisms(r)) {
        const k = JSON.stringify(m);
        left.set(k, { m, n: (left.get(k)?.n ?? 0) + 1 });
      }
      for (const k of chargedKeys.get(r.job_id) ?? []) {
        const hit = left.get(k);
        if (hit && hit.n > 0) hit.n--;
      }
      for (const { m, n } of left.values()) for (let i = 0; i < n; i++) out.push(m);
    }
    return out;
  }
}

/** A reservation's mechanisms: a JSON list, or (databases written before evaluations were charged) one mechanism for every round. */
function reservedMechanisms(r: { mechanism: string; rounds: number }): Mechanism[] {
  const parsed = JSON.parse(r.mechanism) as Mechanism | Mechanism[];
  return Array.isArray(parsed) ? parsed : Array.from({ length: r.rounds }, () => parsed);
}

/** The columns of a reservation row, as ReservationRow reads them. */
const RESERVATION_COLUMNS = 'dataset, job_id, mechanism, rounds, open, created_at';
interface ReservationRow {
  dataset: string;
  job_id: string;
  mechanism: string;
  rounds: number;
  open: number;
  created_at: number;
}

/** The file's schema version, pinned at first use: E_STORE if it is not the one this build reads. */
function checkSchemaVersion(db: Database.Database, path: string): void {
  const version = pinnedValue(db, 'meta', 'schema_version', String(SCHEMA_VERSION));
  if (Number(version) !== SCHEMA_VERSION)
    throw new CohortError(
      'E_STORE',
      `budget database ${path} has schema version ${version}, this build reads ${SCHEMA_VERSION}`,
    );
}

/** An existing budget database, as written by openStateDb: refused (E_STORE) if missing or holding no budget tables. */
function openExisting(path: string): Database.Database {
  if (!existsSync(path)) throw new CohortError('E_STORE', `no budget database at ${path}`);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: DEFAULT_BUSY_TIMEOUT_MS });
    db.pragma('synchronous = FULL');
    // Every table the store reads, so a partial or foreign file is refused here rather than failing on its first query.
    const tables = db
      .prepare(
        `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'budgets', 'reservations', 'spends')`,
      )
      .get() as { n: number };
    const has = tables.n === 4;
    if (!has)
      throw new CohortError(
        'E_STORE',
        `${path} holds no privacy budget (not a hospital state database, or one that never had a budget)`,
      );
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof CohortError) throw err;
    throw new CohortError('E_STORE', `cannot open the budget database ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
