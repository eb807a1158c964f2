/**
 * Fuzzing a live coordinator: tens of thousands of random byte strings and
 * mutated valid envelopes (every body kind, fields corrupted by bit flips,
 * truncation and splicing) from unauthenticated connections, while two
 * enrolled hospitals run a plaintext job. The coordinator must keep serving,
 * never crash, and the job must end with bit-identical weights to the same
 * job run without the attack.
 */
import { describe, it, expect } from 'vitest';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { seededRng } from '../../core/rng.ts';
import { encodeEnvelope, pb, tensorOf } from '../../edge/wire/codec.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { signHandshake } from '../../core/auth/handshake.ts';
import { SYNTH_FEATURES, syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';

const FRAMES = 20_000;
const AUTH_FRAMES = 5_000;
const ids = { a: ed25519KeyPair(), b: ed25519KeyPair(), fz: ed25519KeyPair() };

/** Valid envelopes of every body kind a client may send, and some it may not. */
function seedBodies(): Record<string, unknown>[] {
  return [
    {
      hello: {
        name: 'fz',
        software: 'x',
        datasets: [{ schemaId: 's', features: SYNTH_FEATURES, label: 'y', numTrain: 5 }],
        identityKey: new Uint8Array(32),
        handshakeSignature: new Uint8Array(64),
        handshakeTimestampMs: Date.now(),
      },
    },
    { joinJob: {} },
    { declineJob: { code: 'E_BUDGET_EXCEEDED', reason: 'r' } },
    { update: { delta: tensorOf(new Float32Array([1, 2, 3, 4])), numExamples: 3, trainLoss: 0.1, steps: 1 } },
    { evaluation: { metrics: { numExamples: 3, numCorrect: 2, loss: 0.5, accuracy: 0.66 } } },
    { error: { code: 'E_BUDGET_EXCEEDED', message: 'm' } },
    { secaggAdvertise: { cPk: new Uint8Array(32), sPk: new Uint8Array(32), signature: new Uint8Array(64) } },
    { secaggMaskedInput: { masked: new Uint8Array(16) } },
    { ledgerCosignature: { size: 1, root: new Uint8Array(32), timestamp: 1, signature: new Uint8Array(64) } },
    { request: { id: 2, action: 'ledger.prove', fromSize: 1, seqs: [1, 2, 3] } },
    { welcome: { coordinatorId: 'c', maxFrameBytes: 10 } },
    { jobEvent: { kind: pb.JobEvent.Kind.COMPLETED, reason: 'x' } },
    { request: { id: 1, action: 'job.download', jobId: 'j' } },
  ];
}

function seeds(jobId: string): Uint8Array[] {
  return seedBodies().map((b, i) => encodeEnvelope({ jobId, round: 1, sender: 'fz', seq: i + 1, ...b } as never));
}

function mutate(rng: ReturnType<typeof seededRng>, base: Uint8Array): Uint8Array {
  const out = Uint8Array.from(base);
  switch (rng.int(0, 3)) {
    case 0: // bit flips
      for (let k = rng.int(1, 4); k > 0; k--) out[rng.int(0, out.length - 1)]! ^= 1 << rng.int(0, 7);
      return out;
    case 1: // truncation
      return out.subarray(0, rng.int(0, out.length));
    case 2: // random bytes spliced in
      return Uint8Array.from([
        ...out.subarray(0, rng.int(0, out.length)),
        ...Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255)),
      ]);
    default: // pure noise
      return Uint8Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255));
  }
}

/** An authenticated fuzzer: enrolled hospital "fz" that passes the handshake, then sends valid headers with corrupted bodies. */
async function authFuzz(
  port: number,
  jobId: string,
  rng: ReturnType<typeof seededRng>,
): Promise<{ frames: number; connections: number }> {
  // No joinJob for the honest job: a member that never answers would only slow the job down to its round timeout.
  const bodies = seedBodies().filter((b) => !('joinJob' in b) && !('hello' in b));
  let frames = 0;
  let connections = 0;
  while (frames < AUTH_FRAMES) {
    const r = await RawClient.connect(port, 'fz');
    connections++;
    const c = (await r.waitFor((e) => e.body === 'challenge')).challenge!;
    const t = Date.now();
    r.send({
      hello: {
        name: 'fz',
        software: 'fz',
        identityKey: ids.fz.publicKey,
        handshakeTimestampMs: t,
        handshakeSignature: signHandshake(
          {
            nonce: c.nonce!,
            coordinatorId: c.coordinatorId!,
            binding: new Uint8Array(0),
            timestampMs: t,
            name: 'fz',
            publicKey: ids.fz.publicKey,
          },
          ids.fz.secretKey,
        ),
      },
    });
    await r.waitFor((e) => e.body === 'welcome').catch(() => undefined);
    for (let seq = 2; frames < AUTH_FRAMES && r.closeCode === null && seq < 200; seq++, frames++) {
      const base = bodies[rng.int(0, bodies.length - 1)]!;
      const bytes = encodeEnvelope({ jobId, round: 1, ...base, sender: 'fz', seq } as never);
      // Corrupt the body only (the header fields come first in the encoding).
      const half = Math.floor(bytes.length / 2);
      for (let k = rng.int(0, 3); k > 0; k--) bytes[rng.int(half, bytes.length - 1)]! ^= 1 << rng.int(0, 7);
      r.sendRaw(bytes);
      if (seq % 20 === 0) await new Promise((res) => setImmediate(res));
    }
    r.close();
    await r.waitClosed(2000).catch(() => undefined);
  }
  return { frames, connections };
}

async function runJob(
  fuzz: boolean,
): Promise<{ weights: Float32Array; frames: number; connections: number; authFrames: number }> {
  const coordinator = new Coordinator({
    dbPath: ':memory:',
    port: 0,
    requireEnrolment: true,
    maxMessagesPerSecond: 1e6,
    messageBurst: 1_000_000,
    helloTimeoutMs: 2000,
  });
  const port = await coordinator.listen();
  coordinator.enroll('a', 'hospital', ids.a.publicKey);
  coordinator.enroll('b', 'hospital', ids.b.publicKey);
  coordinator.enroll('fz', 'hospital', ids.fz.publicKey);
  const jobId = coordinator.submitJob(
    syntheticJob({
      rounds: 15,
      minClients: 2,
      targetClients: 2,
      secureAggregation: { enabled: false },
      roundTimeoutMs: 60_000,
    }),
  );
  const done = new Promise<string>((resolve) =>
    coordinator.on(
      'job',
      (e) => e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting' && resolve(e.status),
    ),
  );
  const daemons = (['a', 'b'] as const).map(
    (n, i) =>
      new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name: n,
        dataset: syntheticDataset(40 + i),
        identity: ids[n],
        backoffMinMs: 20,
        backoffMaxMs: 50,
      }),
  );
  let frames = 0;
  let connections = 0;
  let authFrames = 0;
  try {
    for (const d of daemons) d.start();
    if (fuzz) {
      const rng = seededRng(2026);
      const base = seeds(jobId);
      // Few frames per connection: most mutated frames make the coordinator close the
      // connection, and frames behind that are never read; so connect again often.
      while (frames < FRAMES) {
        const r = await RawClient.connect(port, `fz${connections++}`);
        for (let k = 0; k < 4 && frames < FRAMES; k++, frames++) {
          r.sendRaw(
            rng.float() < 0.8 ? mutate(rng, base[rng.int(0, base.length - 1)]!) : base[rng.int(0, base.length - 1)]!,
          );
        }
        if (connections % 8 === 0) await r.waitClosed(2500).catch(() => undefined);
        r.close();
      }
      authFrames = (await authFuzz(port, jobId, rng)).frames;
    }
    expect(await done).toBe('completed');
    return { weights: coordinator.jobState(jobId)!.weights, frames, connections, authFrames };
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    await coordinator.close();
  }
}

describe('fuzzing a live coordinator', () => {
  it(`keeps serving through ${FRAMES} random and mutated frames, then ${AUTH_FRAMES} corrupted frames from an authenticated peer; the honest job's weights are unchanged`, async () => {
    const clean = await runJob(false);
    const attacked = await runJob(true);
    expect(attacked.frames).toBe(FRAMES);
    expect(attacked.authFrames).toBe(AUTH_FRAMES);
    expect(attacked.connections).toBeGreaterThanOrEqual(FRAMES / 4);
    expect(Buffer.from(attacked.weights.buffer).equals(Buffer.from(clean.weights.buffer))).toBe(true);
  }, 120_000);
});
