/**
 * Raw TCP sockets to an HTTP server under test (the dashboard, `ledger
 * serve`, the WebSocket port's probes): no client pools, reuses or fixes up a
 * connection, so a test can hold one idle as a slow-header stranger would,
 * pipeline requests, or send a line no client would.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface HeldSocket {
  s: Socket;
  /** Everything received so far. */
  received: () => string;
  closed: Promise<void>;
}

/** A socket to `port`, open (destroyed by `cleanups`); a reset is an outcome here, not a failure. */
export async function heldSocket(port: number, cleanups: (() => unknown)[]): Promise<HeldSocket> {
  const s = connect(port, '127.0.0.1');
  cleanups.push(() => s.destroy());
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  s.on('error', () => {});
  const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  return { s, received: () => text, closed };
}

/** Writes a GET of `target` (with `headers`) on the socket and waits for its status line. */
export async function statusLine(c: HeldSocket, target = '/', headers = ''): Promise<string> {
  c.s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
  while (!c.received().includes('\r\n')) await once(c.s, 'data');
  return c.received().split('\r\n')[0]!;
}

/** Sends `request` on a fresh socket and resolves with all the server wrote before closing it. */
export function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(text));
    s.write(request);
  });
}

/** Writes `count` pipelined GETs of `path` in one go (the last asks to close) and counts the answers until the socket closes. */
export function pipeline(port: number, path: string, count: number): Promise<number> {
  const one = (close: boolean) =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => {}); // a reset is an outcome here
    s.on('close', () => resolve(text.split(/HTTP\/1\.1 \d{3} /).length - 1));
    s.write(one(false).repeat(count - 1) + one(true));
  });
}
