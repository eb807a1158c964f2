/**
 * A WebSocket peer at the byte level: a bare TCP socket that does the
 * upgrade, then writes whatever frames a hostile peer writes (partial ones,
 * floods of control frames) and reads nothing, so the coordinator's answers
 * pile up on its side.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import type { WebSocket } from 'ws';
import { Coordinator } from '../../coordinator/coordinator.ts';

export async function upgradedSocket(port: number, sockets: Socket[]): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  sockets.push(s);
  s.on('error', () => undefined);
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  s.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (b: Buffer) => {
      head += b.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.pause();
      resolve();
    };
    s.on('data', onData);
  });
  return s;
}

/** A masked (key 0) frame header of `opcode` announcing `length` payload bytes, as a client writes it. */
export function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, 0x80 | length, 0, 0, 0, 0]);
  const h = Buffer.alloc(2 + 8 + 4);
  h[0] = 0x80 | opcode;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** The coordinator's side of its one open connection. */
export function onlyServerSocket(server: { clients: () => Iterable<WebSocket> }): WebSocket {
  const all = [...server.clients()];
  if (all.length !== 1) throw new Error(`expected one connection, found ${all.length}`);
  return all[0]!;
}

/** The coordinator's Listening (transport.ts), which the Coordinator keeps private. */
export function listeningOf(coordinator: object): { clients: () => Iterable<WebSocket> } {
  return (coordinator as { server: { clients: () => Iterable<WebSocket> } }).server;
}

/** A raw socket upgraded to the per-test coordinator, and the coordinator's side of it (its one connection). */
export interface RawPair {
  s: Socket;
  ws: WebSocket;
}

/**
 * An in-memory coordinator for each test of the file, and the raw sockets the
 * test opens to it (`stranger()`: one upgraded socket and the coordinator's
 * side of it), destroyed after it.
 */
export function rawCoordinatorPerTest(): { coordinator: Coordinator; port: number; stranger(): Promise<RawPair> } {
  const sockets: Socket[] = [];
  const t = {
    coordinator: undefined as unknown as Coordinator,
    port: 0,
    async stranger(): Promise<RawPair> {
      const s = await upgradedSocket(t.port, sockets);
      return { s, ws: onlyServerSocket(listeningOf(t.coordinator)) };
    },
  };
  beforeEach(async () => {
    t.coordinator = new Coordinator({ dbPath: ':memory:', port: 0 });
    t.port = await t.coordinator.listen();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await t.coordinator.close();
  });
  return t;
}
