/**
 * Multi-class and regression jobs end to end: a coordinator and three
 * hospital daemons over loopback WebSockets, each hospital's table taken
 * through the real intake (a 3-class label, a target scaled by its declared
 * range), secure aggregation on. The final model beats the majority class
 * (multi-class) and the constant predictor (regression) on the hospitals'
 * pooled test sets, as the coordinator pooled their released metrics; and a
 * fourth hospital whose label has the classes in another order declines the
 * offer (E_JOB_TASK) instead of training on indices that mean other classes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, silentLogger, type Logger } from '../../edge/log.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import type { JobSpecInput } from '../../core/job/spec.ts';
import type { Metrics } from '../../core/metrics.ts';
import type { Task } from '../../core/model/task.ts';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { hospitalDaemon } from '../../simulations/fed-heart-disease.ts';
import { jobEnd } from '../../simulations/federation.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { CLASSES, SCHEMAS, TASK_FEATURES, taskDataset } from '../helpers/task-tables.ts';

const HOSPITALS = ['h1', 'h2', 'h3'];

/** The synthetic job (fedavg) on the task tables: a linear layer of `units` outputs, all three hospitals, secure aggregation. */
function taskJob(task: Task, units: number, rounds: number): JobSpecInput {
  return syntheticJob({
    name: `tasks-${task.kind}`,
    model: { inputDim: TASK_FEATURES.length, layers: [{ units, activation: 'linear' }] },
    task,
    features: TASK_FEATURES,
    label: 'grade',
    rounds,
    minClients: 3,
    roundTimeoutMs: 60_000,
    joinWaitMs: 5_000,
    local: { epochs: 2, batchSize: 16, learningRate: 0.05, optimizer: 'adam', proximalMu: 0 },
    seed: 3,
    secureAggregation: { enabled: true },
  }) as JobSpecInput;
}

/** Runs the job with one daemon per dataset; the final round's pooled metrics and per-hospital declines. */
async function runJob(
  spec: JobSpecInput,
  data: Record<string, PreparedDataset>,
  budgetEpsilon?: number,
  log: Logger = silentLogger,
) {
  const names = Object.keys(data);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'cohort-tasks-')), 'coordinator.db');
  const net = simulatedNetwork(names, 'tasks');
  const coordinator = new Coordinator({ dbPath, log, port: 0, roster: net.chain });
  const port = await coordinator.listen();
  // With a budget, each hospital keeps its own state database (a DP job needs one to be joined).
  const states = names.map((h) => {
    if (budgetEpsilon === undefined) return undefined;
    const state = openHospitalState(dbPath.replace(/\.db$/, `-${h}-state.db`));
    state.budget.setBudget(data[h]!.schemaId, { epsilon: budgetEpsilon, delta: 1e-5, accountant: 'rdp' });
    return state;
  });
  const clients = names.map((h, i) => hospitalDaemon(h, port, net, data[h]!, silentLogger, states[i]));
  const declined: Record<string, string> = {};
  for (const [i, c] of clients.entries()) c.on('declined', ({ code }) => (declined[names[i]!] = code));
  let pooled: Metrics | null = null;
  try {
    const jobId = coordinator.submitJob(spec);
    const done = jobEnd(coordinator, jobId, [], (_, __, p) => (pooled = p));
    for (const c of clients) c.start();
    await done;
    const final = coordinator.database.rounds(jobId).at(-1)!;
    const entries = coordinator.database
      .ledgerEntriesOfJob(jobId)
      .map((e) => JSON.parse(e.canonical) as { kind: string });
    return { pooled: pooled as Metrics | null, final, declined, entries };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    for (const st of states) st?.close();
    await coordinator.close();
  }
}

describe('a multi-class job', () => {
  it('beats the majority class on the pooled test sets; a hospital with another class order declines', async () => {
    const data: Record<string, PreparedDataset> = {};
    for (const [i, h] of HOSPITALS.entries()) data[h] = await taskDataset('multiclass', 10 + i);
    data['h4'] = await taskDataset('multiclass', 20, 150, SCHEMAS.multiclass(['mid', 'low', 'high']));
    const { pooled, final, declined } = await runJob(taskJob({ kind: 'multiclass', classes: CLASSES }, 3, 4), data);

    expect(declined).toEqual({ h4: 'E_JOB_TASK' });
    expect(Object.keys(final.evaluations).sort()).toEqual(HOSPITALS);
    const counts = [0, 0, 0];
    for (const h of HOSPITALS) for (const y of data[h]!.test.y) counts[y]!++;
    const total = counts.reduce((a, b) => a + b, 0);
    const majority = Math.max(...counts) / total;
    expect(pooled!.numExamples).toBe(total);
    expect(pooled!.accuracy).toBeGreaterThan(majority + 0.2);
    expect(pooled!.balancedAccuracy).toBeGreaterThan(0.6);
    expect(pooled!.auc).toBeGreaterThan(0.8);
    expect(pooled!.mse).toBeUndefined();
  }, 120_000);
});

describe('a regression job', () => {
  it("brings the pooled MSE well below the constant predictor's", async () => {
    const data: Record<string, PreparedDataset> = {};
    for (const [i, h] of HOSPITALS.entries()) data[h] = await taskDataset('regression', 30 + i);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const log = createLogger({ level: 'info', destination: sink });
    const { pooled, final } = await runJob(taskJob({ kind: 'regression', loss: 'mse' }, 1, 6), data, undefined, log);

    expect(Object.keys(final.evaluations).sort()).toEqual(HOSPITALS);
    // The best constant on the pooled test targets (their mean) has MSE = their variance.
    const ys = HOSPITALS.flatMap((h) => Array.from(data[h]!.test.y));
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const constant = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length;
    expect(pooled!.mse).toBeLessThan(0.5 * constant);
    expect(pooled!.loss).toBeCloseTo(pooled!.mse!, 9);
    expect(pooled!.r2).toBeGreaterThan(0.5);
    expect(pooled!.mae).toBeLessThanOrEqual(Math.sqrt(pooled!.mse!));
    // The coordinator's log shows the task's own figures for each round, not a meaningless accuracy of 0.
    const rounds = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'round completed');
    expect(rounds.at(-1)).toMatchObject({ mse: pooled!.mse, r2: pooled!.r2 });
    expect(rounds.at(-1)).not.toHaveProperty('accuracy');
  }, 120_000);
});

describe('a record-level DP multi-class job', () => {
  it('trains, and releases no evaluation: every hospital withholds it and nothing is charged for it', async () => {
    const data: Record<string, PreparedDataset> = {};
    for (const [i, h] of HOSPITALS.entries()) data[h] = await taskDataset('multiclass', 40 + i);
    const privacy = { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.2, accountant: 'rdp' };
    const spec = { ...taskJob({ kind: 'multiclass', classes: CLASSES }, 3, 2), privacy } as JobSpecInput;
    const { pooled, final, entries } = await runJob(spec, data, 100);

    expect(final.kind).toBe('evaluate');
    expect(final.evaluations).toEqual({});
    expect(pooled).toBeNull();
    // Two training rounds in the ledger; no entry for the evaluation round (a binary job would have a third).
    expect(entries.filter((e) => e.kind === 'round')).toHaveLength(2);
  }, 120_000);
});
