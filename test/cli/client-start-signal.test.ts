/**
 * `cohort client start` stopped by SIGINT or SIGTERM while it is still
 * starting (reading its records, opening its state database, loading
 * TensorFlow): the signal is the documented clean stop (close the state
 * database, exit 0, a 'shutting down' line), not a kill by signal that
 * abandons the database. The signal is sent at a line the process prints
 * before the daemon exists: its first line (the intake then under way), and
 * the line saying the budget is enforced (the state database then open,
 * TensorFlow still loading).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientStartArgs, tinyCsvDataset } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-client-signal-'));
const started: ChildProcess[] = [];
afterAll(() => {
  started.filter((p) => p.exitCode === null && p.signalCode === null).forEach((p) => p.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

const { schema, data } = tinyCsvDataset(dir, 'signalled-v1');

type Ended = { code: number | null; signal: NodeJS.Signals | null; out: string; err: string };

/** Starts the real CLI (nothing listens at its coordinator URL), sends `signal` at the first line matching `at`. */
function signalAt(run: string, signal: NodeJS.Signals, at: RegExp): Promise<Ended> {
  mkdirSync(run);
  const state = join(run, 'state.db');
  const args = clientStartArgs(run, 'ws://127.0.0.1:9', schema, data, '--state', state, '--budget-epsilon', '5');
  const proc = spawn(process.execPath, ['cohort.mjs', ...args, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(proc);
  let out = '';
  let err = '';
  let sent = false;
  proc.stderr.on('data', (d: Buffer) => void (err += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (
      !sent &&
      out
        .split('\n')
        .slice(0, -1)
        .some((line) => at.test(line))
    ) {
      sent = true;
      proc.kill(signal);
    }
  });
  return new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, signal: sig, out, err })));
}

const moments = [
  { name: 'at its first line', at: /./ },
  { name: 'with its state database open', at: /"msg":"privacy budget enforced"/ },
];

describe('client start stopped while starting', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const m of moments) {
      it(`${signal} ${m.name}: closes the state database and exits 0, without a stack trace`, async () => {
        const run = join(dir, `${signal}-${moments.indexOf(m)}`);
        const r = await signalAt(run, signal, m.at);
        expect({ code: r.code, signal: r.signal, err: r.err }).toEqual({ code: 0, signal: null, err: '' });
        expect(r.out).toMatch(new RegExp(`"signal":"${signal}".*"msg":"shutting down"`));
        // SQLite removes its write-ahead log at the last close: the database was closed, not abandoned.
        if (m !== moments[0]) expect(existsSync(join(run, 'state.db'))).toBe(true);
        expect(existsSync(join(run, 'state.db-wal'))).toBe(false);
      });
    }
  }
});
