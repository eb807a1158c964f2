/**
 * `cohort coordinator start` stopped by SIGTERM while it is still starting
 * (systemd stopping a unit that has just started, an operator's Ctrl-C): the
 * signal is SIGTERM's documented stop (docs/deploy/cohort-coordinator.service:
 * close the sockets and the database, exit 0) from the coordinator's first
 * log line on, not a kill that leaves the dashboard, the health port and the
 * database half open. The signal is sent at the first line the process
 * prints, before the coordinator has opened its sockets.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { RECORD_DP } from '../helpers/privacy.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-start-signal-'));
const started: ChildProcess[] = [];
afterAll(() => {
  started.filter((p) => p.exitCode === null && p.signalCode === null).forEach((p) => p.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

/** A DP job (its noise is calibrated at start) for the coordinator to submit before it listens. */
const job = join(dir, 'job.json');
writeFileSync(
  job,
  JSON.stringify({
    name: 'signalled',
    model: { inputDim: 1, layers: [{ units: 1, activation: 'sigmoid' }] },
    features: ['age'],
    label: 'num',
    rounds: 2,
    privacy: RECORD_DP,
    secureAggregation: { enabled: false },
  }),
);

/** Starts the real CLI with every listener it can open, sends `signal` at its first line of output; how it ended. */
function signalAtFirstLine(
  db: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const args = ['coordinator', 'start', '--db', db, '--port', '0', '--host', 'localhost', '--log-level', 'info'];
  const proc = spawn(
    process.execPath,
    ['cohort.mjs', ...args, '--health-port', '0', '--dashboard-port', '0', '--job', job],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(proc);
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => void (err += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    const first = !out.includes('\n');
    out += d.toString();
    if (first && out.includes('\n')) proc.kill(signal);
  });
  return new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, signal: sig, out, err })));
}

describe('coordinator start stopped while starting', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: closes what it opened and exits 0, without a stack trace`, async () => {
      const db = join(dir, `${signal}.db`);
      const r = await signalAtFirstLine(db, signal);
      expect({ code: r.code, signal: r.signal, err: r.err }).toEqual({ code: 0, signal: null, err: '' });
      expect(r.out).toMatch(new RegExp(`"signal":"${signal}".*"msg":"shutting down"`));
      // The database was closed, not abandoned: SQLite removes its write-ahead log at the last close.
      expect(existsSync(`${db}-wal`)).toBe(false);
      const store = new CoordinatorStore(db);
      try {
        expect(store.listJobs().map((j) => j.status)).toEqual(['waiting']);
      } finally {
        store.close();
      }
    });
  }
});
