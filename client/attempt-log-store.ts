/**
 * The hospital's attempt log (core/round/hospital-session.ts AttemptLog) in
 * its state database: per dataset and job, the last (round, attempt) it
 * opened and whether it answered that round's unmask request. In memory only,
 * a restart forgot both while the kept record-level output
 * (client/round-outputs.ts) stayed: a coordinator could replay attempts, and
 * have a hospital it had an unmask answer from re-send that output into a
 * second sum at the round (docs/threat-model.md "One unmasked sum per input
 * per round"). Each change is written (synchronous=FULL) before the machine
 * returns what follows from it, so what leaves the hospital is always behind
 * a stored mark.
 *
 * It has no connection of its own: it lives on the connection of a part the
 * daemon is handed (StatePart.beside), in the same file, and closes with it.
 * A row that does not read as a mark is E_STORE, never an absent mark: the
 * job's rounds are refused rather than opened as if never seen.
 */
import type Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import type { AttemptMark, AttemptStore } from '../core/round/hospital-session.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS attempt_log (
    dataset TEXT NOT NULL,
    job_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    unmasked INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (dataset, job_id)
  );
`;

/** Any database error here (busy, full, read-only, damaged) as E_STORE naming what was being done. */
function stored<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CohortError) throw err;
    throw new CohortError('E_STORE', `cannot ${what} in the attempt log: ${(err as Error).message}`, { cause: err });
  }
}

const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** One dataset's marks, on `db` (creating the table there). */
export class AttemptLogStore implements AttemptStore {
  constructor(
    private readonly db: Database.Database,
    private readonly dataset: string,
    private readonly now: () => number = Date.now,
  ) {
    stored('create the table', () => db.exec(SCHEMA));
  }

  get(jobId: string): AttemptMark | null {
    const r = stored(
      `read job ${jobId}`,
      () =>
        this.db
          .prepare(`SELECT round, attempt, unmasked FROM attempt_log WHERE dataset = ? AND job_id = ?`)
          .get(this.dataset, jobId) as { round: unknown; attempt: unknown; unmasked: unknown } | undefined,
    );
    if (!r) return null;
    if (!count(r.round) || !count(r.attempt) || (r.unmasked !== 0 && r.unmasked !== 1))
      throw new CohortError(
        'E_STORE',
        `the attempt log's row for job ${jobId} is damaged (round ${String(r.round).slice(0, 32)}, attempt ${String(r.attempt).slice(0, 32)}, unmasked ${String(r.unmasked).slice(0, 32)}): its rounds are refused`,
      );
    return { round: r.round, attempt: r.attempt, unmasked: r.unmasked === 1 };
  }

  put(jobId: string, mark: AttemptMark): void {
    stored(`write job ${jobId}`, () =>
      this.db
        .prepare(
          `INSERT OR REPLACE INTO attempt_log (dataset, job_id, round, attempt, unmasked, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(this.dataset, jobId, mark.round, mark.attempt, mark.unmasked ? 1 : 0, this.now()),
    );
  }
}
