/**
 * WorkerPool's edge cases, with threads made by an injected factory (plain
 * JavaScript evaluated in the thread, no tsx): a thread that never finishes
 * loading is stopped by the task's time limit, and a thread that cannot be
 * started refuses the task with a typed error and leaves nothing queued.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../../core/errors.ts';
import { WorkerPool, type WorkerFactory } from '../../coordinator/worker-pool.ts';
import type { TaskInput } from '../../coordinator/worker-tasks.ts';

/** Answers as worker-thread.ts does: ready once loaded, then each request with the number of requests it has had. */
const COUNTING = `
const { parentPort } = require('node:worker_threads');
let n = 0;
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, value: ++n }));
parentPort.postMessage({ ready: true });
`;
/** Never says it is ready: a thread stuck while loading. */
const HANGS = `setInterval(() => {}, 1 << 30);`;

const thread = (code: string) => (options: WorkerOptions) => new Worker(code, { ...options, eval: true });
const INPUT = { specJson: '{}', offered: [], networkSize: null } satisfies TaskInput<'job.prepare'>;
const LIMITS = { workers: 1, queue: 1, timeLimitMs: 10_000, memoryLimitMb: 64 };

const pools: WorkerPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

function pool(factory: WorkerFactory, limits = LIMITS): WorkerPool {
  const p = new WorkerPool(limits, undefined, factory);
  pools.push(p);
  return p;
}

/** The task's value, or its refusal's code (anything but a CohortError shows as its constructor's name). */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (err) {
    return err instanceof CohortError ? err.code : (err as Error).constructor.name;
  }
}

describe('WorkerPool', () => {
  it('runs a task and answers with its value (the factory works)', async () => {
    expect(await pool(thread(COUNTING)).run('job.prepare', INPUT, 'counting')).toBe(1);
  });

  it('a thread that hangs while loading is stopped by the time limit (E_TOO_COSTLY), and the next task gets a fresh thread', async () => {
    const factories = [thread(HANGS), thread(COUNTING)];
    const p = pool((o) => factories.shift()!(o), { ...LIMITS, timeLimitMs: 2000 });
    expect(await outcome(p.run('job.prepare', INPUT, 'a task on a stuck thread'))).toBe('E_TOO_COSTLY');
    expect(await outcome(p.run('job.prepare', INPUT, 'the next task'))).toBe(1);
  });

  it('a thread that cannot be started refuses the task with E_INTERNAL and keeps nothing queued', async () => {
    let starts = 0;
    const p = pool((o) => {
      if (starts++ === 0) throw new Error('no thread for you');
      return thread(COUNTING)(o);
    });
    expect(await outcome(p.run('job.prepare', INPUT, 'a task without a thread'))).toBe('E_INTERNAL');
    expect(p.full).toBe(false);
    // Had the refused task stayed queued, the new thread would run it first and this one would be its second request.
    expect(await outcome(p.run('job.prepare', INPUT, 'the next task'))).toBe(1);
  });

  it('with every thread busy and the queue full, a task is refused with E_BUSY, and `admit` is not called for it', async () => {
    const p = pool(thread(HANGS), { ...LIMITS, timeLimitMs: 60_000, queue: 1 });
    const admitted: string[] = [];
    const running = outcome(p.run('job.prepare', INPUT, 'running', () => admitted.push('running')));
    const waiting = outcome(p.run('job.prepare', INPUT, 'waiting', () => admitted.push('waiting')));
    expect(p.full).toBe(true);
    expect(await outcome(p.run('job.prepare', INPUT, 'refused', () => admitted.push('refused')))).toBe('E_BUSY');
    expect(admitted).toEqual(['running', 'waiting']);
    await p.close();
    expect([await running, await waiting]).toEqual(['E_BUSY', 'E_BUSY']);
  });
});
