/**
 * `coordinator start --job` (or "job" in its --config file, docs/deploy.md) run again over the same --db, as a service
 * restarted by systemd or by its operator: the unfinished job the first start submitted is resumed, and the file is
 * not submitted again, so a restart does not add another copy of the job that every hospital trains and pays for
 * again. A second file of the same spec on the command line is a second job, and a changed spec is a new one.
 * Each start is stopped by SIGINT, which must shut it down cleanly (exit 0) and leave the database readable.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort restart jobs '));
const db = join(dir, 'coordinator.db');
const spec = (rounds: number) => ({
  name: 'restarted',
  model: { inputDim: 1, layers: [{ units: 1, activation: 'sigmoid' }] },
  features: ['age'],
  label: 'num',
  rounds,
  secureAggregation: { enabled: false },
});
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(content));
  return p;
};

const started: ChildProcess[] = [];
// A start that never logged "listening" (a failing run) is not left behind.
afterAll(() => started.filter((p) => p.exitCode === null && p.signalCode === null).forEach((p) => p.kill('SIGKILL')));

/** Runs `cohort coordinator start` until it logs "listening", then sends SIGINT; resolves with its exit code. */
function startThenInterrupt(...args: string[]): Promise<number | null> {
  const proc = spawn(
    process.execPath,
    ['cohort.mjs', 'coordinator', 'start', '--port', '0', '--db', db, '--log-level', 'info', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.push(proc);
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => void (err += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (/"msg":"listening"/.test(out) && proc.exitCode === null && !proc.killed) proc.kill('SIGINT');
  });
  return new Promise((resolve) =>
    proc.once('exit', (code) => {
      if (code !== 0) process.stderr.write(`coordinator start exited ${code}: ${err}`);
      resolve(code);
    }),
  );
}

function jobsIn(): { name: string; rounds: number; status: string }[] {
  const store = new CoordinatorStore(db);
  try {
    return store.listJobs().map((j) => ({ name: j.spec!.name, rounds: j.spec!.rounds, status: j.status }));
  } finally {
    store.close();
  }
}

describe('coordinator start --job, restarted over the same database', () => {
  it('resumes the job the file submitted at the first start instead of submitting it again', async () => {
    const config = file('coordinator config.json', { job: [file('job.json', spec(2))] });
    expect(await startThenInterrupt('--config', config)).toBe(0);
    expect(jobsIn()).toHaveLength(1);
    expect(await startThenInterrupt('--config', config)).toBe(0);
    expect(await startThenInterrupt('--config', config)).toBe(0);
    expect(jobsIn()).toEqual([{ name: 'restarted', rounds: 2, status: 'waiting' }]);
  });

  it('still submits a second copy named on the command line, and a changed spec', async () => {
    const same = file('same.json', spec(2));
    expect(await startThenInterrupt('--job', same, same)).toBe(0);
    expect(jobsIn()).toHaveLength(2);
    expect(await startThenInterrupt('--job', same, same, file('changed.json', spec(3)))).toBe(0);
    expect(jobsIn().map((j) => j.rounds)).toEqual([2, 2, 3]);
  });
});
