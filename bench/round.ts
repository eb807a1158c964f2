/**
 * Simulated round time of fed-heart-disease over loopback, beside its floor
 * measured in the same run: the four centres' local evaluation + training for
 * one round, run directly with no coordinator, sockets or codec. The
 * simulation runs all four daemons in one process, so their work is serial
 * and the floor is the sum; deployed hospitals train in parallel and would
 * be bounded by the slowest centre instead (also reported).
 */
import {
  CENTERS,
  DEFAULTS,
  heartDiseaseJob,
  loadHeartDisease,
  runFedHeartDisease,
} from '../simulations/fed-heart-disease.ts';
import { parseJobSpec } from '../core/job/spec.ts';
import { initialWeights } from '../core/model/init.ts';
import { evaluateModel, loadTf, trainLocal } from '../client/trainer/index.ts';
import { median } from './stats.ts';

export interface RoundBench {
  backend: string;
  rounds: number;
  meanRoundMs: number;
  /** Sum of the four centres' local work: the in-process floor. */
  floorMs: number;
  /** The slowest centre alone: the floor with one machine per hospital. */
  slowestCentreMs: number;
  ratio: number;
}

export async function benchRound(rounds = 10): Promise<RoundBench> {
  const { tf, backend } = await loadTf();
  const data = await loadHeartDisease();
  const first = data[CENTERS[0]]!;
  const spec = parseJobSpec(
    heartDiseaseJob(first.features, first.label, { rounds, strategy: DEFAULTS.strategy, seed: 1 }),
  );
  const w = initialWeights(spec.model, 1);
  const once = async () => {
    let slowest = 0;
    let total = 0;
    for (const c of CENTERS) {
      const t0 = performance.now();
      await evaluateModel(tf, spec.model, w, data[c]!.test);
      await trainLocal(tf, { spec: spec.model, local: spec.local, weights: w, data: data[c]!.train, seed: 1 });
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      total += ms;
    }
    return { slowest, total };
  };
  await once(); // warm-up
  const runs: { slowest: number; total: number }[] = [];
  for (let i = 0; i < 5; i++) runs.push(await once());
  const floorMs = median(runs.map((r) => r.total));
  const slowestCentreMs = median(runs.map((r) => r.slowest));
  const result = await runFedHeartDisease({ rounds, seed: 1 });
  const train = result.roundTimesMs.slice(1, rounds); // first round includes connection set-up
  const meanRoundMs = train.reduce((s, x) => s + x, 0) / train.length;
  return { backend, rounds, meanRoundMs, floorMs, slowestCentreMs, ratio: meanRoundMs / floorMs };
}
