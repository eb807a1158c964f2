/**
 * The server optimiser's state through the coordinator's database: each
 * strategy stores only what it keeps (FedAvgM its momentum m, FedAdam and
 * FedYogi m and v), and a job resumed from the database after a restart
 * (coordinator/job-rows.ts resumeOf, which the job registry's revive uses:
 * the stored weights and state into a new JobMachine) continues exactly as
 * if it had never stopped, including from a FedAvgM row the previous version
 * wrote with a v of zeros.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeOf } from '../../coordinator/job-rows.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { parseJobSpec, type JobSpec, type StrategyName } from '../../core/job/spec.ts';
import { JobMachine, type RoundRecord } from '../../core/round/job.ts';
import { encodeServerState, type ServerState } from '../../core/strategy/index.ts';
import { of, plainJobInput } from '../core/round/fixtures.ts';
import { errorCode } from '../helpers/errors.ts';

const ROUNDS = 4;
/** One hospital, four plaintext training rounds over two features (d = 3), each starting as soon as it joins. */
const specOf = (name: StrategyName): JobSpec =>
  parseJobSpec({
    ...plainJobInput,
    model: { inputDim: 2, layers: [{ units: 1, activation: 'sigmoid' }] },
    features: ['a', 'b'],
    rounds: ROUNDS,
    minClients: 1,
    targetClients: 1,
    joinWaitMs: 0,
    strategy: { name },
  });
const D = 3;
/** A different delta each round, so momentum and second moment both matter. */
const update = (round: number) => ({
  delta: new Float32Array([0.1 * round, -0.05 * round * round, 0.3 / round]),
  numExamples: 1,
  trainLoss: 0.5,
  steps: 1,
});

const opened = new Set<CoordinatorStore>();
afterEach(() => {
  for (const s of opened) shut(s);
});
function open(path: string): CoordinatorStore {
  const store = new CoordinatorStore(path);
  opened.add(store);
  return store;
}
/** Closes `store`, as a stopped coordinator does. */
function shut(store: CoordinatorStore): void {
  opened.delete(store);
  store.close();
}
const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'cohort-state-')), 'c.db');

/** Joins the one hospital and runs training rounds `from`..`to`, committing each to `store`; returns their records. */
function run(m: JobMachine, store: CoordinatorStore | null, jobId: string, from: number, to: number): RoundRecord[] {
  m.clientJoined('a', 1000 * from);
  const records: RoundRecord[] = [];
  for (let r = from; r <= to; r++) {
    const record = of(m.submitUpdate('a', r, update(r), 1000 * from + r).effects, 'roundCompleted')[0]!.record;
    store?.commitRound(jobId, record);
    records.push(record);
  }
  return records;
}

/** The job's stored state blob, as bytes. */
function storedState(path: string, jobId: string): Buffer | null {
  const sql = new Database(path, { readonly: true });
  try {
    return (sql.prepare(`SELECT server_state FROM jobs WHERE id = ?`).get(jobId) as { server_state: Buffer | null })
      .server_state;
  } finally {
    sql.close();
  }
}

/** Runs `name` for two rounds into a fresh database and closes it (a stopped coordinator); returns the path. */
function twoRoundsStored(name: StrategyName): { path: string; weights: Float32Array; state: ServerState | null } {
  const path = tmpDb();
  const store = open(path);
  const spec = specOf(name);
  store.createJob('j', spec, new Float32Array(D), 0);
  const m = new JobMachine('j', spec, { completedRounds: 0, weights: new Float32Array(D), serverState: null });
  const last = run(m, store, 'j', 1, 2).at(-1)!;
  shut(store);
  return { path, weights: last.weights, state: last.serverState };
}

/** Reopens the database, revives the job as the job registry does, and runs rounds 3 and 4. */
function resumed(path: string, name: StrategyName): RoundRecord[] {
  const store = open(path);
  const m = new JobMachine('j', specOf(name), resumeOf(store.getJob('j')!));
  return run(m, store, 'j', 3, ROUNDS);
}

/** Rounds 1 to 4 in one machine that never stopped. */
function uninterrupted(name: StrategyName): RoundRecord[] {
  const m = new JobMachine('j', specOf(name), { completedRounds: 0, weights: new Float32Array(D), serverState: null });
  return run(m, null, 'j', 1, ROUNDS).slice(2);
}

const sameRounds = (a: RoundRecord[], b: RoundRecord[]) => {
  expect(a.map((r) => r.round)).toEqual(b.map((r) => r.round));
  a.forEach((r, i) => {
    expect(r.weights).toEqual(b[i]!.weights);
    expect(r.serverState).toEqual(b[i]!.serverState);
  });
};

describe('server state in the coordinator database', () => {
  it('stores FedAvgM as m alone, half the bytes of FedAdam for the same model, and reads it back as m alone', () => {
    const avgm = twoRoundsStored('fedavgm');
    const adam = twoRoundsStored('fedadam');
    expect(avgm.state).toEqual({ m: avgm.state!.m });
    expect(storedState(avgm.path, 'j')!.byteLength).toBe(4 * D);
    expect(storedState(adam.path, 'j')!.byteLength).toBe(8 * D);
    expect(storedState(avgm.path, 'j')!.byteLength * 2).toBe(storedState(adam.path, 'j')!.byteLength);
    const back = open(avgm.path).getJob('j')!;
    expect(back.serverState).toEqual(avgm.state);
    expect(back.serverState).not.toHaveProperty('v');
    expect(back.weights).toEqual(avgm.weights);
  });

  it.each(['fedavg', 'fedavgm', 'fedadam', 'fedyogi'] as const)(
    '%s resumed after a restart continues exactly as if it had never stopped',
    (name) => {
      const { path } = twoRoundsStored(name);
      sameRounds(resumed(path, name), uninterrupted(name));
    },
  );

  it('a job is not resumed with a state its strategy does not keep', () => {
    const resume = (name: StrategyName, serverState: ServerState) => () =>
      new JobMachine('j', specOf(name), { completedRounds: 2, weights: new Float32Array(D), serverState });
    const m = new Float32Array(D);
    const v = new Float32Array(D);
    expect(errorCode(resume('fedavgm', { m, v }))).toBe('E_STORE');
    expect(errorCode(resume('fedadam', { m }))).toBe('E_STORE');
    expect(errorCode(resume('fedavg', { m }))).toBe('E_STORE');
    expect(errorCode(resume('fedavgm', { m }))).toBeUndefined();
    expect(errorCode(resume('fedyogi', { m, v }))).toBeUndefined();
  });

  it('a job paused when the coordinator stopped resumes paused, at the round and attempt it had reached', () => {
    const { path } = twoRoundsStored('fedavg');
    const stopped = open(path);
    stopped.setStatus('j', 'paused', 'by its owner', 3000);
    shut(stopped);
    const job = open(path).getJob('j')!;
    const m = new JobMachine('j', specOf('fedavg'), resumeOf(job));
    expect(m.status).toBe('paused');
    expect(resumeOf(job)).toMatchObject({ completedRounds: 2, paused: true, attempts: job.attempts });
    expect(resumeOf({ ...job, status: 'running' }).paused).toBe(false);
  });

  it('a FedAvgM row the previous version wrote (m then a v of zeros) loads as m alone and continues identically', () => {
    const { path, state } = twoRoundsStored('fedavgm');
    const sql = new Database(path);
    const legacy = encodeServerState({ m: state!.m, v: new Float32Array(D) });
    sql.prepare(`UPDATE jobs SET server_state = ? WHERE id = 'j'`).run(Buffer.from(legacy));
    sql.close();
    expect(storedState(path, 'j')!.byteLength).toBe(8 * D);
    const store = open(path);
    expect(store.getJob('j')!.serverState).toEqual(state);
    shut(store);
    const after = resumed(path, 'fedavgm');
    sameRounds(after, uninterrupted('fedavgm'));
    expect(storedState(path, 'j')!.byteLength).toBe(4 * D); // rewritten in the new form at the next commit
  });
});
