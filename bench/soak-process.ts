/**
 * The soak's coordinator (bench/soak-coordinator.ts) in its own process, seen
 * from the bench: the messages it reports on stdout, and what /proc says of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PhaseCounts } from '../core/secagg/index.ts';

export interface RoundMsg {
  type: 'round';
  jobId: string;
  round: number;
  kind: 'train' | 'evaluate';
  participants: number;
  dropped: number;
  phaseCounts: PhaseCounts | null;
  heapUsed: number;
  external: number;
  rss: number;
}
export type CoordinatorMsg =
  | { type: 'listening'; port: number }
  | { type: 'submitted'; jobId: string }
  | RoundMsg
  | { type: 'roundFailed'; jobId: string; round: number; attempt: number; reason: string }
  | { type: 'job'; jobId: string; status: string; reason: string };

export /** What /proc says of a process: resident set now and at its peak (bytes), open descriptors. */
function procStats(pid: number): { rss: number; hwm: number; fds: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null; // the process has exited
  }
}

/** The coordinator process and its messages. */
export class CoordinatorProcess extends EventEmitter<{ msg: [CoordinatorMsg] }> {
  readonly child: ChildProcess;
  private stderr = '';

  constructor(dir: string, enrolPath: string, rosterPath: string) {
    super();
    const script = fileURLToPath(new URL('./soak-coordinator.ts', import.meta.url));
    this.child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        script,
        '--db',
        join(dir, 'coordinator.db'),
        '--enrol',
        enrolPath,
        '--roster',
        rosterPath,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) this.emit('msg', JSON.parse(line) as CoordinatorMsg);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the first message that `pick` maps to a value; rejects if the process exits first. */
  next<T>(pick: (m: CoordinatorMsg) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMsg = (m: CoordinatorMsg) => {
        const v = pick(m);
        if (v === undefined) return;
        this.off('msg', onMsg);
        this.child.off('exit', onExit);
        resolve(v);
      };
      const onExit = (code: number | null) => {
        this.off('msg', onMsg);
        reject(new Error(`soak coordinator exited (${code}): ${this.stderr}`));
      };
      this.on('msg', onMsg);
      this.child.once('exit', onExit);
    });
  }

  async submit(spec: object): Promise<string> {
    const id = this.next((m) => (m.type === 'submitted' ? m.jobId : undefined));
    this.child.stdin!.write(`${JSON.stringify(spec)}\n`);
    return id;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.end();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }
}
