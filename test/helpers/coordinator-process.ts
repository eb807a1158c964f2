/**
 * Starts test/helpers/coordinator-proc.ts in its own process (crash and
 * restart tests): `port` resolves at its "PORT <n>" line and rejects if it
 * exits first; `lines` collects everything it prints; `exit` resolves with
 * its exit signal or code. The caller kills it (SIGKILL) when done.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CoordinatorProcess {
  proc: ChildProcess;
  port: Promise<number>;
  exit: Promise<NodeJS.Signals | number | null>;
  lines: string[];
}

export function startCoordinatorProcess(args: string[]): CoordinatorProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/coordinator-proc.ts', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const port = new Promise<number>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (line.startsWith('PORT ')) resolve(Number(line.slice(5)));
      }
    });
    proc.once('exit', (code, signal) => reject(new Error(`coordinator exited (${signal ?? code}) before listening`)));
  });
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { proc, port, exit, lines };
}
