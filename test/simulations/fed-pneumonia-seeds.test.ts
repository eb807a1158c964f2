/**
 * The seed runner's bookkeeping (simulations/fed-pneumonia-seeds.ts) with
 * fake threads that answer as fed-pneumonia-thread.ts does, so the order in
 * which seeds finish is chosen by the test: results come back in seed order
 * whatever order they finish in, the first failure stops every other seed
 * (no new thread starts, running ones are terminated), a thread that dies
 * without an answer is E_INTERNAL, and a worker count that is not a whole
 * number of at least 1 is refused. test/simulations/fed-pneumonia-threads.test.ts
 * runs real threads.
 */
import { EventEmitter } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../../core/errors.ts';
import type { PneumoniaResult } from '../../simulations/fed-pneumonia.ts';
import type { PneumoniaData } from '../../simulations/fed-pneumonia-data.ts';
import {
  runPneumoniaSeeds,
  type SeedMessage,
  type SeedTask,
  type SeedThreadFactory,
} from '../../simulations/fed-pneumonia-seeds.ts';

/** What each fake seed does: post these messages, `afterMs` apart, then (optionally) exit or throw uncaught. */
type Script = { afterMs: number; messages: (SeedMessage | 'exit' | 'crash')[] };

function fakeThreads(scripts: Record<number, Script>) {
  const started: number[] = [];
  const terminated: number[] = [];
  const dbPaths: Record<number, string> = {};
  const start: SeedThreadFactory = (options: WorkerOptions) => {
    const { seed, dbPath } = (options.workerData as SeedTask).options;
    started.push(seed!);
    dbPaths[seed!] = dbPath;
    const run = started.length;
    const thread = new EventEmitter();
    let stopped = false;
    const script = scripts[seed!]!;
    script.messages.forEach((m, i) =>
      setTimeout(
        () => {
          if (stopped) return;
          if (m === 'exit') thread.emit('exit', 1);
          else if (m === 'crash') thread.emit('error', new Error('uncaught in the thread'));
          else thread.emit('message', m.kind === 'done' ? { ...m, result: { ...m.result, run } } : m);
        },
        script.afterMs * (i + 1),
      ),
    );
    return Object.assign(thread, {
      terminate: () => {
        stopped = true;
        terminated.push(seed!);
        return Promise.resolve(0);
      },
    }) as unknown as ReturnType<SeedThreadFactory>;
  };
  return { start, started, terminated, dbPaths };
}

const result = (seed: number) => ({ seed }) as PneumoniaResult;
const done = (seed: number): SeedMessage => ({ kind: 'done', result: result(seed) });
const round = (r: number): SeedMessage => ({ kind: 'round', round: r, total: 2 });
const base = { options: {}, logLevel: 'silent' as const, native: false };

/** Runs every fake thread's script to its end on the fake clock, then settles `run`: its value or its error. */
async function settle<T>(run: Promise<T>): Promise<T | unknown> {
  const out = run.catch((e: unknown) => e);
  await vi.runAllTimersAsync();
  return out;
}

describe('runPneumoniaSeeds (fake threads)', () => {
  // The scripts' `afterMs` run on a fake clock, so which seed finishes first is the test's choice, not the machine's.
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers in seed order when the seeds finish in another', async () => {
    const t = fakeThreads({
      3: { afterMs: 30, messages: [round(1), round(2), done(3)] },
      1: { afterMs: 1, messages: [round(1), round(2), done(1)] },
    });
    const finished: number[] = [];
    const rounds: string[] = [];
    const options = {
      ...base,
      seeds: [3, 1],
      workers: 2,
      onResult: (r: PneumoniaResult) => finished.push(r.seed),
      onRound: (s: number, r: number, n: number) => rounds.push(`${s}:${r}/${n}`),
    };
    const runs = (await settle(runPneumoniaSeeds(options, t.start))) as PneumoniaResult[];
    expect(finished).toEqual([1, 3]);
    expect(runs.map((r) => r.seed)).toEqual([3, 1]);
    expect(rounds).toEqual(['1:1/2', '1:2/2', '3:1/2', '3:2/2']);
  });

  it('runs no more seeds at once than it is given workers', async () => {
    const t = fakeThreads({ 1: { afterMs: 5, messages: [done(1)] }, 2: { afterMs: 5, messages: [done(2)] } });
    let startedBeforeFirst = 0;
    const options = { ...base, seeds: [1, 2], workers: 1, onResult: () => (startedBeforeFirst ||= t.started.length) };
    await settle(runPneumoniaSeeds(options, t.start));
    expect(startedBeforeFirst).toBe(1);
    expect(t.started).toEqual([1, 2]);
  });

  it("rejects with the first failure's own code and stops every other seed", async () => {
    const t = fakeThreads({
      1: { afterMs: 5, messages: [{ kind: 'error', code: 'E_JOB_SPEC', message: 'rounds: too small' }] },
      2: { afterMs: 50, messages: [round(1), done(2)] },
      3: { afterMs: 1, messages: [done(3)] },
    });
    const results: number[] = [];
    const options = { ...base, seeds: [1, 2, 3], workers: 2, onResult: (r: PneumoniaResult) => results.push(r.seed) };
    // settle runs every script to its end: seed 2's answer and seed 3's start would both have come by then.
    const err = await settle(runPneumoniaSeeds(options, t.start));
    expect(err).toBeInstanceOf(CohortError);
    expect((err as CohortError).code).toBe('E_JOB_SPEC');
    expect(t.started).toEqual([1, 2]);
    expect(t.terminated).toContain(2);
    expect(results).toEqual([]);
  });

  it('is E_INTERNAL when a thread exits without an answer', async () => {
    const t = fakeThreads({ 1: { afterMs: 1, messages: ['exit'] } });
    const err = await settle(runPneumoniaSeeds({ ...base, seeds: [1] }, t.start));
    expect((err as CohortError).code).toBe('E_INTERNAL');
  });

  it('keeps both runs of a seed given twice, in the order given', async () => {
    const t = fakeThreads({ 7: { afterMs: 1, messages: [done(7)] } });
    const runs = (await settle(
      runPneumoniaSeeds({ ...base, seeds: [7, 7], workers: 2 }, t.start),
    )) as PneumoniaResult[];
    // Each fake thread's result carries which start it was: both runs, first given first.
    expect(runs.map((r) => (r as PneumoniaResult & { run: number }).run)).toEqual([1, 2]);
  });

  it("is E_INTERNAL with the thread's error as its cause when a thread throws uncaught", async () => {
    const t = fakeThreads({ 1: { afterMs: 1, messages: ['crash'] } });
    const err = (await settle(runPneumoniaSeeds({ ...base, seeds: [1] }, t.start))) as CohortError;
    expect(err.code).toBe('E_INTERNAL');
    expect((err.cause as Error).message).toBe('uncaught in the thread');
  });

  it("removes a stopped seed's temporary databases, each seed's in a folder of its own", async () => {
    const t = fakeThreads({
      1: { afterMs: 40, messages: [{ kind: 'error', code: 'E_JOB_SPEC', message: 'no' }] },
      2: { afterMs: 200, messages: [done(2)] },
    });
    const started = runPneumoniaSeeds({ ...base, seeds: [1, 2], workers: 2 }, t.start);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.started).toHaveLength(2);
    const folder = (seed: number) => dirname(t.dbPaths[seed]!);
    expect(folder(1)).not.toBe(folder(2));
    expect(existsSync(folder(2))).toBe(true);
    await settle(started);
    // terminate() has settled by now; its .finally removes the folder on the next turn.
    await vi.waitFor(() => expect(existsSync(folder(2))).toBe(false));
    expect(t.terminated).toContain(2);
    rmSync(folder(1), { recursive: true, force: true });
  });

  it('runs seeds in this thread, not in threads, when the backend is native tensorflow', async () => {
    const t = fakeThreads({ 1: { afterMs: 1, messages: [done(1)] } });
    // In a (fake) thread the seed would succeed; here runFedPneumonia itself runs, and fails at once on no images.
    const options = { data: {} as PneumoniaData };
    const native = { ...base, options, seeds: [1], workers: 2, native: true };
    await expect(runPneumoniaSeeds(native, t.start)).rejects.toThrow();
    expect(t.started).toEqual([]);
    expect(await settle(runPneumoniaSeeds({ ...native, native: false }, t.start))).toHaveLength(1);
    expect(t.started).toEqual([1]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s workers', async (workers) => {
    const t = fakeThreads({ 1: { afterMs: 1, messages: [done(1)] } });
    const err = await settle(runPneumoniaSeeds({ ...base, seeds: [1], workers }, t.start));
    expect((err as CohortError).code).toBe('E_CONFIG_INVALID');
    expect(t.started).toEqual([]);
  });
});
