/**
 * Plain HTTP on the coordinator's WebSocket port, the one port every
 * stranger can reach (health.ts): hundreds of pipelined requests written in
 * one go get at most MAX_UNANSWERED answers before the connection is closed.
 * Node would otherwise queue a response for each behind the one being sent:
 * a stranger whose sockets never read made the coordinator hold megabytes
 * per socket, until its heap ran out. A probe asking once still gets its
 * answer. A raw socket, so no client pools or reuses the connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { MAX_UNANSWERED } from '../../coordinator/bounded-http.ts';

let open: Coordinator | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

/** Writes `count` pipelined GETs of `path` in one go (the last asks to close) and counts the answers until the socket closes. */
function pipeline(port: number, path: string, count: number): Promise<number> {
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

describe('pipelined requests on the WebSocket port', () => {
  it('a flood gets at most MAX_UNANSWERED answers, for probes and 426s alike; one probe still gets its answer', async () => {
    const c = (open = new Coordinator({ dbPath: ':memory:', port: 0 }));
    const port = await c.listen();
    expect(await pipeline(port, '/healthz', 256)).toBeLessThanOrEqual(MAX_UNANSWERED);
    expect(await pipeline(port, '/', 256)).toBeLessThanOrEqual(MAX_UNANSWERED);
    expect(await pipeline(port, '/readyz', 1)).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
