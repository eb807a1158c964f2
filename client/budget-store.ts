/**
 * The hospital's privacy-budget state (better-sqlite3, WAL), so that what a
 * dataset has spent survives restarts. Admission works by reservation: a job
 * is admitted only if everything spent, everything other running jobs have
 * reserved and this whole job fit the budget, and its rounds are then
 * reserved; each training round is recorded as spent before the model sees a
 * record (a crash after that point counts the round: fail closed). A round
 * beyond the reservation (a retried round) is priced again on its own.
 */
import type Database from 'better-sqlite3';
import { openStateDb } from './state-db.ts';
import { CohortError } from '../core/errors.ts';
import { admit, checkBudgetConfig, type Budget, type Decision } from '../core/privacy/budget.ts';
import { accountSpend, type Mechanism, type SpendReport } from '../core/privacy/spend.ts';

const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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

export interface BudgetSummary {
  dataset: string;
  budget: Budget;
  spent: SpendReport;
  perJob: { jobId: string; rounds: number; spent: SpendReport }[];
}

export class BudgetStore {
  private readonly db: Database.Database;

  constructor(path: string, private readonly now: () => number = Date.now) {
    this.db = openStateDb(path, SCHEMA, 'budget database');
    const v = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    if (!v) this.db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
    else if (Number(v.value) !== SCHEMA_VERSION) throw new CohortError('E_STORE', `budget database ${path} has schema version ${v.value}, this build reads ${SCHEMA_VERSION}`);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Sets the dataset's total budget. Lowering it below what is already spent
   * is allowed (every later request is refused); the spends stay.
   */
  setBudget(dataset: string, budget: Budget): void {
    checkBudgetConfig(budget);
    this.db
      .prepare(`INSERT INTO budgets (dataset, epsilon, delta, accountant, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (dataset) DO UPDATE SET epsilon = excluded.epsilon, delta = excluded.delta, accountant = excluded.accountant, updated_at = excluded.updated_at`)
      .run(dataset, budget.epsilon, budget.delta, budget.accountant, this.now());
  }

  budget(dataset: string): Budget | null {
    const r = this.db.prepare(`SELECT epsilon, delta, accountant FROM budgets WHERE dataset = ?`).get(dataset) as Budget | undefined;
    return r ? { epsilon: r.epsilon, delta: r.delta, accountant: r.accountant } : null;
  }

  /**
   * Admits a job of `rounds` training rounds of `perRound` each, reserving
   * them. Re-admitting a job that already holds a reservation (a restarted
   * daemon re-offered its job) keeps the reservation and decides nothing anew.
   * A job whose reservation was closed (it ended here) is never admitted
   * again: a coordinator offering it anew would be replaying its rounds.
   */
  admitJob(dataset: string, jobId: string, perRound: Mechanism, rounds: number): Decision {
    return this.db.transaction((): Decision => {
      const budget = this.requireBudget(dataset);
      const held = this.db.prepare(`SELECT open FROM reservations WHERE dataset = ? AND job_id = ?`).get(dataset, jobId) as { open: number } | undefined;
      if (held) {
        const projected = accountSpend(this.committed(dataset), budget.delta, budget.accountant);
        return held.open === 1
          ? { allowed: true, projected, reason: 'job already admitted' }
          : { allowed: false, projected, reason: `job ${jobId} already ended at this hospital: offering it again would replay its rounds` };
      }
      const decision = admit(budget, this.committed(dataset), Array.from({ length: rounds }, () => perRound));
      if (decision.allowed) {
        this.db
          .prepare(`INSERT INTO reservations (dataset, job_id, mechanism, rounds, open, created_at) VALUES (?, ?, ?, ?, 1, ?)`)
          .run(dataset, jobId, JSON.stringify(perRound), rounds, this.now());
      }
      return decision;
    })();
  }

  /**
   * Records one training round of an admitted job as spent, before it runs.
   * Refused if it would take the spent total past the budget (lowered since
   * admission, say), or, past the job's reservation (retries), if it would
   * eat into what other running jobs reserved.
   */
  spendRound(dataset: string, jobId: string, round: number, mechanism: Mechanism): Decision {
    return this.db.transaction((): Decision => {
      const budget = this.requireBudget(dataset);
      const res = this.db.prepare(`SELECT mechanism, rounds FROM reservations WHERE dataset = ? AND job_id = ? AND open = 1`).get(dataset, jobId) as { mechanism: string; rounds: number } | undefined;
      if (!res) return { allowed: false, projected: accountSpend(this.committed(dataset), budget.delta, budget.accountant), reason: `job ${jobId} was not admitted against this budget` };
      if (res.mechanism !== JSON.stringify(mechanism)) return { allowed: false, projected: accountSpend(this.committed(dataset), budget.delta, budget.accountant), reason: 'the round asks for a different mechanism than the job was admitted with' };
      // Never train a round that takes what is actually spent past the budget (which may have been lowered since admission).
      const after = accountSpend([...this.spent(dataset), mechanism], budget.delta, budget.accountant);
      if (!(after.epsilon <= budget.epsilon)) {
        return { allowed: false, projected: after, reason: `this round would bring the spent epsilon to ${after.epsilon.toFixed(4)} (${after.bound}, delta ${budget.delta}), over this hospital's budget of ${budget.epsilon}` };
      }
      // Past the reservation (a retried round) it must also leave room for what other jobs reserved.
      if (this.trainedRounds(dataset, jobId) >= res.rounds) {
        const decision = admit(budget, this.committed(dataset), [mechanism]);
        if (!decision.allowed) return decision;
      }
      this.db
        .prepare(`INSERT INTO spends (dataset, job_id, round, mechanism, epsilon_after, bound, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(dataset, jobId, round, JSON.stringify(mechanism), after.epsilon, after.bound, this.now());
      return { allowed: true, projected: after, reason: `spent epsilon ${after.epsilon.toFixed(4)} of ${budget.epsilon} after this round (${after.bound}, delta ${budget.delta})` };
    })();
  }

  /** The mechanism last charged for one round of a job, or null if none was. */
  charged(dataset: string, jobId: string, round: number): Mechanism | null {
    const r = this.db.prepare(`SELECT mechanism FROM spends WHERE dataset = ? AND job_id = ? AND round = ? ORDER BY id DESC LIMIT 1`).get(dataset, jobId, round) as { mechanism: string } | undefined;
    return r ? (JSON.parse(r.mechanism) as Mechanism) : null;
  }

  /** The highest round of a job charged to this dataset, 0 if none. */
  latestRound(dataset: string, jobId: string): number {
    return (this.db.prepare(`SELECT MAX(round) AS r FROM spends WHERE dataset = ? AND job_id = ?`).get(dataset, jobId) as { r: number | null }).r ?? 0;
  }

  /** Whether a job ended here (its reservation closed): it is never admitted again. */
  jobEnded(dataset: string, jobId: string): boolean {
    return this.db.prepare(`SELECT 1 FROM reservations WHERE dataset = ? AND job_id = ? AND open = 0`).get(dataset, jobId) !== undefined;
  }

  /** Releases what a finished job reserved but did not train. */
  closeJob(dataset: string, jobId: string): void {
    this.db.prepare(`UPDATE reservations SET open = 0 WHERE dataset = ? AND job_id = ?`).run(dataset, jobId);
  }

  spends(dataset: string): SpendRow[] {
    const rows = this.db.prepare(`SELECT job_id, round, mechanism, epsilon_after, bound, created_at FROM spends WHERE dataset = ? ORDER BY id`).all(dataset) as {
      job_id: string; round: number; mechanism: string; epsilon_after: number; bound: string; created_at: number;
    }[];
    return rows.map((r) => ({ jobId: r.job_id, round: r.round, mechanism: JSON.parse(r.mechanism) as Mechanism, epsilonAfter: r.epsilon_after, bound: r.bound, at: r.created_at }));
  }

  summary(dataset: string): BudgetSummary {
    const budget = this.requireBudget(dataset);
    const rows = this.spends(dataset);
    const jobs = [...new Set(rows.map((r) => r.jobId))];
    return {
      dataset,
      budget,
      spent: accountSpend(rows.map((r) => r.mechanism), budget.delta, budget.accountant),
      perJob: jobs.map((jobId) => {
        const mine = rows.filter((r) => r.jobId === jobId);
        return { jobId, rounds: mine.length, spent: accountSpend(mine.map((r) => r.mechanism), budget.delta, budget.accountant) };
      }),
    };
  }

  private requireBudget(dataset: string): Budget {
    const b = this.budget(dataset);
    if (!b) throw new CohortError('E_BUDGET_EXCEEDED', `no privacy budget is configured for dataset ${dataset}`);
    return b;
  }

  private spent(dataset: string): Mechanism[] {
    return this.spends(dataset).map((r) => r.mechanism);
  }

  private trainedRounds(dataset: string, jobId: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM spends WHERE dataset = ? AND job_id = ?`).get(dataset, jobId) as { n: number }).n;
  }

  /** Spent rounds plus the untrained remainder of every open reservation. */
  private committed(dataset: string): Mechanism[] {
    const out = this.spent(dataset);
    const open = this.db.prepare(`SELECT job_id, mechanism, rounds FROM reservations WHERE dataset = ? AND open = 1`).all(dataset) as { job_id: string; mechanism: string; rounds: number }[];
    for (const r of open) {
      const left = r.rounds - this.trainedRounds(dataset, r.job_id);
      const m = JSON.parse(r.mechanism) as Mechanism;
      for (let i = 0; i < left; i++) out.push(m);
    }
    return out;
  }
}
