/**
 * Issue 18, "Scale", end to end: a job of ~10^7 parameters (the spec allows
 * MAX_PARAMS = 10^7) with secure aggregation on, run by a real coordinator
 * and three real hospital daemons over WebSocket, training with tfjs. The
 * model goes out to each hospital in fragments, each hospital's masked input
 * of ~10^7 words comes back in fragments, and the coordinator's unmasked sum
 * is exactly the sum of what the three hospitals fed into their masking.
 * (test/core/secagg/scale.test.ts drives the same path in one process at
 * exactly 10^7 and bounds its memory.)
 */
import { describe, it, expect, afterAll, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator, type RoundEvent } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { SecAggClient, SecAggServer } from '../../core/secagg/index.ts';
import { MAX_PARAMS, paramCount } from '../../core/model/spec.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../../edge/wire/codec.ts';
import { FrameEncoder, type OutgoingEnvelope } from '../../edge/wire/fragments.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { binaryClassifier } from '../helpers/models.ts';

/** Three inputs, two layers of 3150 ReLU units, one sigmoid: 9,941,401 parameters, 39.8 MB of float32. */
const MODEL = binaryClassifier(3, [
  [3150, 'relu'],
  [3150, 'relu'],
]);
const HOSPITALS = ['h0', 'h1', 'h2'];
const net = simulatedNetwork(HOSPITALS);

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every message any encoder in this process cut into frames: its body kind, frame count and largest frame. */
function recordFrames(): { kind: string; frames: number; largest: number }[] {
  const seen: { kind: string; frames: number; largest: number }[] = [];
  const encode = FrameEncoder.prototype.encode;
  vi.spyOn(FrameEncoder.prototype, 'encode').mockImplementation(function (this: FrameEncoder, env: OutgoingEnvelope) {
    const frames = encode.call(this, env);
    const kind = Object.keys(env).find((k) => k === 'secaggMaskedInput' || k === 'roundConfig') ?? 'other';
    seen.push({ kind, frames: frames.length, largest: Math.max(...frames.map((f) => f.length)) });
    return frames;
  });
  return seen;
}

describe('a secure-aggregation job of ~10^7 parameters, end to end', () => {
  it('trains a round on three daemons; every frame is under the limit, and the unmasked sum is exact', async () => {
    expect(paramCount(MODEL)).toBe(9_941_401);
    expect(paramCount(MODEL)).toBeLessThanOrEqual(MAX_PARAMS);
    const frames = recordFrames();
    // What each hospital fed into its masking (copied: the daemon zeroes it after), and what the coordinator unmasked.
    const inputs: Uint32Array[] = [];
    const maskInput = SecAggClient.prototype.maskInput;
    vi.spyOn(SecAggClient.prototype, 'maskInput').mockImplementation(function (this: SecAggClient, x: Uint32Array) {
      inputs.push(x.slice());
      return maskInput.call(this, x);
    });
    const sums: Uint32Array[] = [];
    const sumOf = Object.getOwnPropertyDescriptor(SecAggServer.prototype, 'sum')!.get!;
    vi.spyOn(SecAggServer.prototype, 'sum', 'get').mockImplementation(function (this: SecAggServer) {
      const s = sumOf.call(this) as Uint32Array;
      if (!sums.includes(s)) sums.push(s);
      return s;
    });

    const dir = mkdtempSync(join(tmpdir(), 'cohort-secagg-big-'));
    const coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, roster: net.chain });
    const port = await coordinator.listen();
    cleanups.push(() => coordinator.close());
    const daemons = HOSPITALS.map(
      (h, i) =>
        new ClientDaemon({
          coordinatorUrl: `ws://127.0.0.1:${port}`,
          name: h,
          dataset: syntheticDataset(300 + i, 64, 32),
          identity: net.identity(h),
          roster: net.chain,
        }),
    );
    cleanups.push(async () => void (await Promise.all(daemons.map((d) => d.stop()))));
    const rounds: RoundEvent[] = [];
    coordinator.on('round', (e) => rounds.push(e));
    const jobId = coordinator.submitJob(
      syntheticJob({
        model: MODEL,
        rounds: 1,
        minClients: 3,
        targetClients: 3,
        roundTimeoutMs: 240_000,
        local: { epochs: 1, batchSize: 32, learningRate: 0.01, optimizer: 'sgd' },
      }),
    );
    const ended = new Promise<string>((resolve) =>
      coordinator.on('job', (e) => {
        if (e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting') resolve(e.status);
      }),
    );
    for (const d of daemons) d.start();
    expect(await ended).toBe('completed');

    const train = rounds.find((r) => r.jobId === jobId && r.record.kind === 'train')!;
    expect([...train.record.participants].sort()).toEqual(HOSPITALS);
    expect(train.record.phaseCounts?.masked).toBe(3);
    expect(coordinator.jobState(jobId)!.weights.length).toBe(paramCount(MODEL));

    // The sum the coordinator unmasked is, word for word, the sum of the three inputs mod 2^32.
    expect(inputs).toHaveLength(3);
    expect(sums).toHaveLength(1);
    const expected = new Uint32Array(inputs[0]!.length);
    for (const x of inputs) for (let j = 0; j < x.length; j++) expected[j] = (expected[j]! + x[j]!) >>> 0;
    expect(sums[0]!.length).toBe(paramCount(MODEL) + 2);
    expect(Buffer.from(sums[0]!.buffer).equals(Buffer.from(expected.buffer))).toBe(true);

    // Frames: none over the limit; the model and the masked inputs went in many.
    expect(Math.max(...frames.map((f) => f.largest))).toBeLessThanOrEqual(DEFAULT_MAX_FRAME_BYTES);
    const masked = frames.filter((f) => f.kind === 'secaggMaskedInput');
    expect(masked).toHaveLength(3);
    for (const f of masked) expect(f.frames).toBeGreaterThan((4 * paramCount(MODEL)) / DEFAULT_MAX_FRAME_BYTES);
    const configs = frames.filter((f) => f.kind === 'roundConfig');
    expect(configs.length).toBeGreaterThanOrEqual(3);
    for (const f of configs) expect(f.frames).toBeGreaterThan(2);
  }, 300_000);
});
