/**
 * For the no-leak tests: records every WebSocket frame this process sends and
 * everything it writes to stdout/stderr, passing both on unchanged. Call at
 * module level of a test file (spies are restored after the file's tests);
 * the returned arrays fill as the tests run.
 */
import { afterAll, vi } from 'vitest';
import { Writable } from 'node:stream';
import WebSocket from 'ws';

export function captureOutbound(): { frames: Buffer[]; consoleText: string[] } {
  const frames: Buffer[] = [];
  const send = WebSocket.prototype.send;
  vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (
    this: WebSocket,
    data: unknown,
    ...rest: unknown[]
  ) {
    frames.push(Buffer.from(data as Uint8Array));
    return (send as (...a: unknown[]) => void).call(this, data, ...rest);
  });
  const consoleText: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      consoleText.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  afterAll(() => vi.restoreAllMocks());
  return { frames, consoleText };
}

/** A pino destination that keeps every line written to it, for searching the logs a job wrote. */
export function lineSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, sink };
}
