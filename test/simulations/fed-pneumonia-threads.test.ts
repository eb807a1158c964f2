/**
 * fed-pneumonia's seeds in real worker threads (simulations/fed-pneumonia-seeds.ts,
 * fed-pneumonia-thread.ts): each seed is its own run with its own split, each
 * round is reported under its seed, and a run's typed error reaches the
 * caller as a CohortError with its code rather than a dead thread. The
 * runner's ordering and failure rules are tested with fake threads in
 * fed-pneumonia-seeds.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CohortError } from '../../core/errors.ts';
import { loadPneumonia, splitPneumonia, type PneumoniaData, HOSPITALS } from '../../simulations/fed-pneumonia-data.ts';
import { runPneumoniaSeeds } from '../../simulations/fed-pneumonia-seeds.ts';

let data: PneumoniaData;
beforeAll(async () => {
  data = await loadPneumonia();
});

describe('runPneumoniaSeeds', () => {
  it('runs each seed in its own thread and answers in seed order, each round reported under its seed', async () => {
    const rounds: string[] = [];
    const finished: number[] = [];
    const runs = await runPneumoniaSeeds({
      seeds: [3, 1],
      options: { data, rounds: 1, trainLimit: 400 },
      logLevel: 'silent',
      workers: 2,
      onRound: (seed, round, total) => rounds.push(`${seed}:${round}/${total}`),
      onResult: (r) => finished.push(r.seed),
    });
    expect(runs.map((r) => r.seed)).toEqual([3, 1]);
    expect(finished.sort()).toEqual([1, 3]);
    expect(rounds.sort()).toEqual(['1:1/2', '1:2/2', '3:1/2', '3:2/2']);
    for (const r of runs) {
      // Each run trained on its own seed's split, not the other's.
      const expected = splitPneumonia(data, r.seed, { trainLimit: 400 });
      for (const h of HOSPITALS) expect(r.split.hospitals[h]!.train).toEqual(expected.shares[h].trainClasses);
      expect(r.ledger.ok).toBe(true);
      expect(r.test.n).toBe(624);
    }
  }, 180_000);

  it("rejects with the run's own error code when a seed's job is refused", async () => {
    // A job of no rounds, which the job spec refuses: the thread's CohortError, not E_INTERNAL.
    const err = await runPneumoniaSeeds({
      seeds: [1],
      options: { data, rounds: 0, trainLimit: 400 },
      logLevel: 'silent',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CohortError);
    expect((err as CohortError).code).toBe('E_JOB_SPEC');
  }, 60_000);
});
