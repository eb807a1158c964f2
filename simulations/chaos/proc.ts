/** The chaos run's child processes: the coordinator and each hospital, speaking JSON lines on stdout. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { threadEntry } from '../../edge/thread-entry.ts';

/**
 * A child's script and the loader it needs: the compiled .js when there is a fresh one (dist/, or beside this when
 * compiled), else the .ts through tsx (edge/thread-entry.ts).
 */
export function here(f: string): { file: string; loader: string[] } {
  const { url, loader } = threadEntry(import.meta.url, f, f.replace(/\.ts$/, '.js'));
  return { file: fileURLToPath(url), loader: loader ? ['--import', import.meta.resolve('tsx')] : [] };
}

/** A child process speaking JSON lines on stdout; stderr goes to its log file. */
export class Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stopping = false;

  constructor(
    script: ReturnType<typeof here>,
    args: string[],
    log: WriteStream,
    onEvent: (e: Record<string, unknown>) => void,
  ) {
    this.child = spawn(process.execPath, [...script.loader, script.file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr!.pipe(log, { end: false });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        onEvent(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not an event line
      }
    });
    // 'close', not 'exit': it comes after the last stdout line, so a fault's report is read before the restart.
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<unknown> {
    this.stopping = true;
    this.child.kill(signal);
    return this.exited;
  }
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
