/**
 * Connection load on loopback (issue 5): 500 concurrent authenticated
 * connections (signed-challenge handshake against enrolled identities) and a
 * burst of 2,000 connection attempts by unenrolled peers, against one
 * coordinator. Baseline in the same run: bare WebSocket connects to a plain
 * ws server (no codec, no handshake). Coordinator and clients share this
 * process, so per-connection memory counts both ends: an upper bound.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { Coordinator } from '../coordinator/coordinator.ts';
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { decodeEnvelope, encodeEnvelope } from '../edge/wire/codec.ts';
import { signedHello } from '../test/helpers/signed-client.ts';

const N = 500;
const BURST = 2000;

function handshake(port: number, name: string, id: Identity): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('close', () => reject(new Error(`${name} closed`)));
    ws.on('message', (data) => {
      const env = decodeEnvelope(data as Buffer);
      if (env.body === 'challenge') {
        const hello = signedHello(env.challenge!, name, id, { hello: { software: 'bench' } });
        ws.send(encodeEnvelope({ sender: name, seq: 1, hello }));
      } else if (env.body === 'welcome') {
        ws.removeAllListeners('close');
        resolve(ws);
      }
    });
  });
}

const mem = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
};

/** The baseline: bare WebSocket connects, same count, same process; the time for all of them. */
async function bareConnectMs(): Promise<number> {
  const bare = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => bare.once('listening', r));
  const barePort = (bare.address() as AddressInfo).port;
  const t = performance.now();
  const bareSockets = await Promise.all(
    Array.from(
      { length: N },
      () =>
        new Promise<WebSocket>((res, rej) => {
          const ws = new WebSocket(`ws://127.0.0.1:${barePort}`, { perMessageDeflate: false });
          ws.once('open', () => res(ws));
          ws.once('error', rej);
        }),
    ),
  );
  const bareMs = performance.now() - t;
  for (const ws of bareSockets) ws.terminate();
  await new Promise<void>((r) => bare.close(() => r()));
  return bareMs;
}

export async function benchConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-conn-'));
  const c = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, requireEnrolment: true, helloTimeoutMs: 30_000 });
  const port = await c.listen();
  const ids = Array.from({ length: N }, () => ed25519KeyPair());
  ids.forEach((id, i) => c.enroll(`h${i}`, 'hospital', id.publicKey));

  const bareMs = await bareConnectMs();

  const before = mem();
  let t = performance.now();
  const sockets = await Promise.all(ids.map((id, i) => handshake(port, `h${i}`, id)));
  const authMs = performance.now() - t;
  const held = mem();

  // Burst: unenrolled peers, all refused at the handshake; one honest handshake timed in the middle.
  t = performance.now();
  const stranger = ed25519KeyPair();
  const burst = Array.from({ length: BURST }, (_, i) =>
    handshake(port, `x${i}`, stranger).then(
      () => 'accepted',
      () => 'refused',
    ),
  );
  const probeStart = performance.now();
  const extra = ed25519KeyPair();
  c.enroll('probe', 'hospital', extra.publicKey);
  const probe = await handshake(port, 'probe', extra);
  const probeMs = performance.now() - probeStart;
  const outcomes = await Promise.all(burst);
  const burstMs = performance.now() - t;

  for (const ws of [...sockets, probe]) ws.terminate();
  await c.close();
  const perConnection = (held.rss - before.rss) / N;
  return {
    connections: N,
    bareConnectsPerSec: (N / bareMs) * 1000,
    handshakesPerSec: (N / authMs) * 1000,
    ratio: authMs / bareMs,
    rssPerConnectionBytes: perConnection,
    heapPerConnectionBytes: (held.heapUsed - before.heapUsed) / N,
    burst: {
      attempts: BURST,
      refused: outcomes.filter((o) => o === 'refused').length,
      accepted: outcomes.filter((o) => o === 'accepted').length,
      ms: burstMs,
      attemptsPerSec: (BURST / burstMs) * 1000,
    },
    honestHandshakeDuringBurstMs: probeMs,
  };
}

export function formatConnections(r: Awaited<ReturnType<typeof benchConnections>>): string[] {
  return [
    `authenticated connections (loopback, one process): ${r.connections} concurrent handshakes at ${r.handshakesPerSec.toFixed(0)}/s vs bare WebSocket connects ${r.bareConnectsPerSec.toFixed(0)}/s (time ratio ${r.ratio.toFixed(2)})`,
    `  memory while holding them: ${(r.rssPerConnectionBytes / 1024).toFixed(1)} KiB RSS, ${(r.heapPerConnectionBytes / 1024).toFixed(1)} KiB heap per connection (both ends in this process: an upper bound)`,
    `  burst of ${r.burst.attempts} unenrolled attempts: ${r.burst.refused} refused, ${r.burst.accepted} accepted, ${r.burst.attemptsPerSec.toFixed(0)} attempts/s; an honest handshake during the burst took ${r.honestHandshakeDuringBurstMs.toFixed(0)} ms`,
  ];
}
