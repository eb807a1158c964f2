/**
 * Every ε of a ledger recomputed on every core: the auditor's slow half of
 * `ledger verify` (verifyLedger's recomputeSpends) spread over the threads
 * of a LedgerPool, with the same failures, each code at its lowest seq.
 *
 * A job's spends depend only on that job's earlier entries, so the ledger
 * splits by job. Jobs with the same privacy settings go to one task: their
 * cumulative mechanism lists are the same, so the accountant's memo
 * (core/privacy/spend-memo.ts) prices each list once in one thread instead
 * of once per thread (a cold PLD evaluation costs 50-250 ms; a warm one
 * microseconds). Tasks are handed out largest first to whichever thread is
 * free; a settings group larger than a thread's share is cut into job
 * chunks, trading repeated cold evaluations for balance.
 *
 * Routing reads each row's jobId and settings from its canonical text
 * without parsing it (top-level keys are sorted, so "jobId" is the last
 * "jobId" key after the body). That is only a routing hint: each thread
 * parses every row and, if a well-formed round entry names a job not routed
 * to it (a text the hint misread), the whole ledger is recomputed again as
 * one task, which is verifyLedger's own order. Duplicated seqs are also
 * recomputed as one task, so the first well-formed row of a seq is the one
 * kept, as verifyLedger keeps it.
 */
import { CohortError } from '../core/errors.ts';
import { Failures, type VerifyFailure } from '../core/ledger/verify-failures.ts';
import { LedgerPool, type LedgerPoolOptions } from './ledger-pool.ts';
import type { ContentFailure, LedgerRow, RecomputeTaskInput, RecomputeTaskResult } from './ledger-tasks.ts';

export type { ContentFailure, LedgerRow } from './ledger-tasks.ts';

export interface RecomputeReport {
  /** Spends recomputed and found equal (verifyLedger's spendsRecomputed). */
  spendsRecomputed: number;
  /** verifyLedger's recomputation failures (epsilon-mismatch), lowest seq per code. */
  failures: VerifyFailure[];
  /** The rows' content checks: canonical form, size, stored leaf hash; lowest seq per code. */
  content: ContentFailure[];
  /** Tasks run (after a misrouted first plan: 1). */
  tasks: number;
}

export interface RecomputeOptions extends LedgerPoolOptions {
  /** A pool to run on (kept open); without one, a pool is started with these options and closed after. */
  pool?: LedgerPool;
}

const JOB_KEY = ',"jobId":"';
const ROUND_KIND = ',"kind":"round"';

/** The routing hint of one row: its jobId and, for a round entry, its settings (accountant, δ, mechanism) as text. */
export function routeHint(text: unknown): { jobId: string; settings: string | null } {
  if (typeof text !== 'string') return { jobId: '', settings: null };
  const j = text.lastIndexOf(JOB_KEY);
  if (j < 0) return { jobId: '', settings: null };
  const end = text.indexOf('"', j + JOB_KEY.length);
  const jobId = text.slice(j + JOB_KEY.length, end < 0 ? undefined : end);
  if (end < 0 || !text.startsWith(ROUND_KIND, end + 1)) return { jobId, settings: null };
  const field = (key: string, stop: string) => {
    const at = text.indexOf(key);
    return at < 0 ? '' : text.slice(at, text.indexOf(stop, at));
  };
  return { jobId, settings: `${field('"accountant":', ',')}|${field('"delta":', ',')}|${field('"mechanism":', '}')}` };
}

/**
 * The tasks for `workers` threads: rows grouped by job, jobs by settings,
 * big groups cut into job chunks of about a thread's share, largest first.
 */
export function planRecompute(rows: readonly LedgerRow[], workers: number): RecomputeTaskInput[] {
  const seqs = new Set<number>();
  for (const r of rows) seqs.add(r.seq);
  if (seqs.size !== rows.length || workers === 1) return [{ rows: [...rows], jobs: null }];
  const jobs = new Map<string, { rows: LedgerRow[]; settings: string | null }>();
  for (const row of rows) {
    const { jobId, settings } = routeHint(row.canonical);
    let job = jobs.get(jobId);
    if (!job) jobs.set(jobId, (job = { rows: [], settings: null }));
    job.rows.push(row);
    job.settings ??= settings;
  }
  const groups = new Map<string, string[]>();
  for (const [id, job] of jobs) {
    const key = job.settings ?? '';
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  const share = Math.ceil(rows.length / workers);
  const tasks: { ids: string[]; n: number }[] = [];
  for (const ids of groups.values()) {
    let task = { ids: [] as string[], n: 0 };
    for (const id of ids) {
      task.ids.push(id);
      task.n += jobs.get(id)!.rows.length;
      if (task.n >= share) {
        tasks.push(task);
        task = { ids: [], n: 0 };
      }
    }
    if (task.n > 0) tasks.push(task);
  }
  tasks.sort((a, b) => b.n - a.n);
  // A task's rows in storage order per job: seqs are distinct here, so no other order matters.
  return tasks.map(({ ids }) => ({ rows: ids.flatMap((id) => jobs.get(id)!.rows), jobs: ids }));
}

function asRows(entries: unknown): LedgerRow[] {
  if (!Array.isArray(entries)) throw new CohortError('E_LEDGER_ENTRY', 'the ledger to recompute is not a list of rows');
  return entries.map((e: unknown, i) => {
    if (e === null || typeof e !== 'object')
      throw new CohortError('E_LEDGER_ENTRY', `row ${i + 1} of the ledger to recompute is not an object`);
    const { seq, canonical, leaf } = e as Partial<LedgerRow>;
    // Only what the threads read is copied to them (not a sealed entry's hash and signature).
    return leaf === undefined ? { seq, canonical } : { seq, canonical, leaf };
  }) as LedgerRow[];
}

/**
 * Recomputes every recorded ε of `entries` (rows in storage order, as
 * verifyLedger takes them; a sealed entry or a row with its stored leaf) on
 * `opts.workers` threads. Rejects with a CohortError: E_LEDGER_ENTRY for
 * input that is not a list of rows, E_CONFIG_INVALID for a bad option, and
 * the pool's E_INTERNAL or E_TOO_COSTLY when a thread fails.
 */
export async function recomputeParallel(
  entries: readonly unknown[],
  opts: RecomputeOptions = {},
): Promise<RecomputeReport> {
  const rows = asRows(entries);
  const pool = opts.pool ?? new LedgerPool(opts);
  try {
    let plan = planRecompute(rows, pool.workers);
    let results = await Promise.all(plan.map((t) => pool.run('recompute', t)));
    if (results.some((r) => r.misrouted)) {
      plan = [{ rows, jobs: null }];
      results = [await pool.run('recompute', plan[0]!)];
    }
    return merge(results, plan.length);
  } finally {
    if (!opts.pool) await pool.close();
  }
}

function merge(results: readonly RecomputeTaskResult[], tasks: number): RecomputeReport {
  const failures = new Failures();
  const content = new Failures();
  let spendsRecomputed = 0;
  for (const r of results) {
    spendsRecomputed += r.spendsRecomputed;
    for (const f of r.failures) failures.add(f.seq, f.code, f.message);
    for (const f of r.content) content.add(f.seq, f.code, f.message);
  }
  return {
    spendsRecomputed,
    failures: failures.sorted(),
    content: content.sorted() as ContentFailure[],
    tasks,
  };
}
