/**
 * `npm run bench commit-pricing`: what pricing a DP round's ledger figures
 * costs the coordinator's event loop at the commit of a long job's last
 * round, priced there (as before issue 16) against priced ahead in a worker
 * thread while the round ran (coordinator/spend-prefetch.ts), in one run.
 * The job: record-level DP-SGD, q 0.01, σ 1.1, 25 steps a round, δ 1e-5,
 * PLD accountant, ROUNDS rounds (default 200): every round's entry composes
 * the hospital's whole history, so the last one costs the most.
 *
 * Beside it, what obtaining that history costs (prior-read.ts): the
 * coordinator's running spend against re-reading the job's whole ledger.
 */
import { performance } from 'node:perf_hooks';
import { SpendPrefetch } from '../coordinator/spend-prefetch.ts';
import { clearSpendCache, memoisedSpend } from '../core/privacy/spend-memo.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import { benchPriorRead, formatPriorRead, type PriorReadResult } from './prior-read.ts';

export interface CommitPricingResult {
  rounds: number;
  onLoopMs: number;
  aheadMs: number;
  workerMs: number;
  ratio: number;
  prior: PriorReadResult;
}

export async function benchCommitPricing(
  rounds = Number(process.env.COMMIT_PRICING_ROUNDS ?? 200),
): Promise<CommitPricingResult> {
  const history: Mechanism[] = Array.from({ length: rounds }, () => ({
    kind: 'sampled-gaussian',
    q: 0.01,
    sigma: 1.1,
    steps: 25,
  }));
  const alone = history.slice(0, 1);
  clearSpendCache();
  let t = performance.now();
  memoisedSpend(alone, 1e-5, 'pld');
  memoisedSpend(history, 1e-5, 'pld');
  const onLoopMs = performance.now() - t;

  clearSpendCache();
  const prefetch = new SpendPrefetch();
  try {
    t = performance.now();
    prefetch.prefetch([alone, history], 1e-5, 'pld');
    await prefetch.settled();
    const workerMs = performance.now() - t;
    t = performance.now();
    memoisedSpend(alone, 1e-5, 'pld');
    memoisedSpend(history, 1e-5, 'pld');
    const aheadMs = performance.now() - t;
    return { rounds, onLoopMs, aheadMs, workerMs, ratio: aheadMs / onLoopMs, prior: benchPriorRead(10, rounds) };
  } finally {
    await prefetch.close();
  }
}

export function formatCommitPricing(r: CommitPricingResult): string[] {
  return [
    `pricing round ${r.rounds}'s ledger figures at its commit (record-level DP-SGD, PLD): on the event loop ${r.onLoopMs.toFixed(1)} ms; priced ahead in a worker ${r.aheadMs.toFixed(3)} ms on the loop (the worker took ${r.workerMs.toFixed(0)} ms while the round ran)`,
    `  ratio event-loop time, ahead / at the commit = ${r.ratio.toExponential(2)}`,
    ...formatPriorRead(r.prior),
  ];
}
