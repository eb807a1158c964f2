/**
 * Prices a DP round's ledger figures in a worker thread while the round
 * runs, so the entry written when it commits (coordinator/ledger.ts) finds
 * them in the accountant's memo (core/privacy/spend-memo.ts) instead of
 * composing every hospital's whole history of mechanisms on the event loop
 * that serves every hospital (issue 16: a 200-round job's entry took ~2.7 s
 * there at its last round).
 *
 * Only a head start: the entry's figures are memoisedSpend's either way. A
 * price the worker has not delivered by the commit (busy, slow, refused) is
 * computed at the commit, on the event loop, as before.
 */
import { silentLogger, type Logger } from '../edge/log.ts';
import { asCohortError } from '../core/errors.ts';
import { hasSpend, rememberSpend, spendKey } from '../core/privacy/spend-memo.ts';
import type { AccountantName, Mechanism } from '../core/privacy/spend.ts';
import { WorkerPool } from './worker-pool.ts';

/** One thread; a few rounds' prices waiting; a job's whole history priced within the time limit, or left to the commit. */
const LIMITS = { workers: 1, queue: 8, timeLimitMs: 120_000, memoryLimitMb: 512 };

export class SpendPrefetch {
  private readonly pool: WorkerPool;
  /** Keys being priced now: asked for again, they are not priced twice. */
  private readonly pending = new Set<string>();
  private inFlight: Promise<void>[] = [];

  constructor(private readonly log: Logger = silentLogger) {
    this.pool = new WorkerPool(LIMITS, log.child({ component: 'spend-prefetch' }));
  }

  /** Starts pricing each list of mechanisms the memo does not hold yet; returns at once. */
  prefetch(lists: readonly (readonly Mechanism[])[], delta: number, accountant: AccountantName): void {
    const wanted = new Map<string, Mechanism[]>();
    for (const list of lists) {
      const key = spendKey(list, delta, accountant);
      if (!hasSpend(key) && !this.pending.has(key)) wanted.set(key, [...list]);
    }
    if (wanted.size === 0 || this.pool.full) return;
    const keys = [...wanted.keys()];
    for (const k of keys) this.pending.add(k);
    const done = this.pool
      .run('spend.price', { lists: [...wanted.values()], delta, accountant }, 'pricing a round ahead of its commit')
      .then((reports) => reports.forEach((r, i) => rememberSpend(keys[i]!, r)))
      .catch((err) => this.log.info({ code: asCohortError(err).code }, 'round not priced ahead: its commit prices it'))
      .finally(() => {
        for (const k of keys) this.pending.delete(k);
        this.inFlight = this.inFlight.filter((p) => p !== done);
      });
    this.inFlight.push(done);
  }

  /** Resolves when every pricing started so far has delivered or given up (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
