/**
 * A stranger on the coordinator's port: connects again and again and sends
 * random bytes, truncated and bit-flipped Envelopes, and well-formed frames
 * in the wrong order. The coordinator must close each such connection with a
 * typed error and keep serving the hospitals.
 */
import WebSocket from 'ws';
import { encodeEnvelope } from '../../edge/wire/codec.ts';
import { seededRng } from '../../core/rng.ts';

export interface GarbageReport {
  frames: number;
  connections: number;
  /** Close codes the coordinator answered with, counted. */
  closes: Record<string, number>;
}

const FRAMES_PER_CONNECTION = 50;
const GARBAGE_DEADLINE_MS = 60_000;
const MAX_GARBAGE_CONNECTIONS = 1_000;

export async function sendGarbage(url: string, frames: number, seed: number): Promise<GarbageReport> {
  const rng = seededRng(seed);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rng.float() * 256));
  const valid = () =>
    encodeEnvelope({
      sender: 'stranger',
      seq: 1 + Math.floor(rng.float() * 10),
      jobId: 'j',
      round: 1,
      update: { numExamples: 3, trainLoss: 0.5, steps: 1 },
    });
  const frame = (): Uint8Array => {
    const r = rng.float();
    if (r < 0.3) return bytes(1 + Math.floor(rng.float() * 512));
    const v = valid();
    if (r < 0.6) return v.slice(0, Math.floor(rng.float() * v.length));
    if (r < 0.9) {
      const m = v.slice();
      m[Math.floor(rng.float() * m.length)]! ^= 1 << Math.floor(rng.float() * 8);
      return m;
    }
    return v; // well formed, but no Hello first
  };
  const report: GarbageReport = { frames: 0, connections: 0, closes: {} };
  // Bounded even when nobody answers (the coordinator is down): at most this long and this many connections.
  const deadline = Date.now() + GARBAGE_DEADLINE_MS;
  while (report.frames < frames && Date.now() < deadline && report.connections < MAX_GARBAGE_CONNECTIONS) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    report.connections++;
    const closed = new Promise<void>((resolve) => {
      ws.on('close', (code) => {
        report.closes[code] = (report.closes[code] ?? 0) + 1;
        resolve();
      });
      ws.on('error', () => resolve());
    });
    await new Promise<void>((resolve) => {
      ws.once('open', () => resolve());
      ws.once('error', () => resolve());
    });
    for (let i = 0; i < FRAMES_PER_CONNECTION && report.frames < frames && ws.readyState === WebSocket.OPEN; i++) {
      ws.send(frame());
      report.frames++;
    }
    // The coordinator closes a peer that breaks the protocol; don't wait long if it has not yet.
    setTimeout(() => ws.terminate(), 500).unref();
    await closed;
  }
  return report;
}
