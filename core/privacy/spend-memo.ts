/**
 * accountSpend, memoised. A PLD evaluation costs 50–250 ms and the same
 * (mechanisms, δ, accountant) lists come back again and again: a job's
 * survivors share one mechanism, so a 20-round job has at most 21 distinct
 * lists to price; jobs with the same settings share them all; and a hospital
 * prices a job's whole spend at every offer (every reconnect). One memo
 * serves the ledger's figures (core/ledger/spend.ts) and a job's whole-job
 * spend (core/job/privacy.ts).
 */
import { Lru } from '../lru.ts';
import { clearPldCaches } from './pld.ts';
import { accountSpend, type AccountantName, type Mechanism, type SpendReport } from './spend.ts';

/** Distinct (mechanisms, δ, accountant) results kept: ~1 KB each, so a few MB at most. */
export const SPEND_CACHE_LIMIT = 4096;

const cache = new Lru<string, SpendReport>(SPEND_CACHE_LIMIT);
let evaluations = 0;

const isNumber = (x: unknown): x is number => typeof x === 'number';

/**
 * A key of one mechanism. For the known shapes it lists the fields in a
 * fixed order, each number as its ECMAScript text (what RFC 8785 writes):
 * equal keys mean equal mechanisms, at a tenth of the cost of canonical JSON,
 * which matters because a cumulative key lists every earlier round. Anything
 * else is keyed by its JSON: another key order is only a miss, never a wrong hit.
 */
function mechanismKey(m: Mechanism): string {
  if (
    m.kind === 'sampled-gaussian' &&
    isNumber(m.q) &&
    isNumber(m.sigma) &&
    isNumber(m.steps) &&
    Object.keys(m).length === 4
  )
    return `g${m.q},${m.sigma},${m.steps}`;
  if (m.kind === 'discrete-gaussian' && isNumber(m.sigma) && isNumber(m.steps) && Object.keys(m).length === 3)
    return `z${m.sigma},${m.steps}`;
  if (
    m.kind === 'distributed-discrete-gaussian' &&
    isNumber(m.clients) &&
    isNumber(m.sigma) &&
    isNumber(m.l2Sensitivity) &&
    isNumber(m.dim) &&
    isNumber(m.rounds)
  ) {
    if (m.l1Sensitivity === undefined && Object.keys(m).length === 6)
      return `d${m.clients},${m.sigma},${m.l2Sensitivity},,${m.dim},${m.rounds}`;
    if (isNumber(m.l1Sensitivity) && Object.keys(m).length === 7)
      return `d${m.clients},${m.sigma},${m.l2Sensitivity},${m.l1Sensitivity},${m.dim},${m.rounds}`;
  }
  return `j${JSON.stringify(m)}`;
}

/** The memo's key of (mechanisms, δ, accountant): equal keys, equal prices. */
export function spendKey(mechanisms: readonly Mechanism[], delta: number, accountant: AccountantName): string {
  let key = `${accountant}|${String(delta)}`;
  for (const m of mechanisms) key += `|${mechanismKey(m)}`;
  return key;
}

/** accountSpend, memoised by a key of its arguments (core/lru.ts). Results are frozen: they are shared. */
export function memoisedSpend(
  mechanisms: readonly Mechanism[],
  delta: number,
  accountant: AccountantName,
): SpendReport {
  const key = spendKey(mechanisms, delta, accountant);
  const hit = cache.get(key);
  if (hit) return hit;
  evaluations++;
  return keep(key, accountSpend(mechanisms, delta, accountant));
}

function keep(key: string, report: SpendReport): SpendReport {
  Object.freeze(report.rdp);
  Object.freeze(report);
  cache.set(key, report);
  return report;
}

/** Whether the memo holds the price of (mechanisms, δ, accountant). */
export function hasSpend(key: string): boolean {
  return cache.has(key);
}

/**
 * Keeps a price that accountSpend computed for this key in another thread
 * (coordinator/spend-prefetch.ts: a worker running this same code on the
 * same inputs, so the figures are the ones memoisedSpend would compute).
 * A key already held keeps its price.
 */
export function rememberSpend(key: string, report: SpendReport): void {
  if (!cache.has(key)) keep(key, report);
}

/** How many accountant evaluations the memo has run (misses) and how many results it holds. */
export function spendCacheStats(): { evaluations: number; size: number } {
  return { evaluations, size: cache.size };
}

/** Empties the memo and the accountant's kept step PLDs and FFT tables (benchmarks measure cold recomputation with it). */
export function clearSpendCache(): void {
  cache.clear();
  clearPldCaches();
  evaluations = 0;
}
