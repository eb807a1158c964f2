/**
 * One fed-pneumonia seed in a worker thread (fed-pneumonia-seeds.ts): tfjs's
 * wasm backend runs on one core in Node, so seeds run side by side to use
 * the machine's others. The thread gets the images and the run's options,
 * reports each round and answers with the run's result or its typed error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { asCohortError } from '../core/errors.ts';
import { createLogger } from '../edge/log.ts';
import { runFedPneumonia } from './fed-pneumonia.ts';
import type { SeedTask, SeedMessage } from './fed-pneumonia-seeds.ts';

const task = workerData as SeedTask;
const post = (m: SeedMessage) => parentPort!.postMessage(m);
// Seeds log side by side to one stderr: each line says which seed wrote it.
const log = createLogger({ level: task.logLevel, destination: process.stderr }).child({ seed: task.options.seed });
try {
  const result = await runFedPneumonia({
    ...task.options,
    log,
    onRound: (round, total) => post({ kind: 'round', round, total }),
  });
  post({ kind: 'done', result });
} catch (err) {
  const e = asCohortError(err);
  if (e.code === 'E_INTERNAL') log.error({ err }, `seed ${task.options.seed ?? ''} failed`);
  post({ kind: 'error', code: e.code, message: e.message });
}
