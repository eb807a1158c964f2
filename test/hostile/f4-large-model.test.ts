/**
 * Issue 16, finding 4: a model the job spec allows (up to 10^7 parameters,
 * 40 MB) was larger than the 16 MiB frame limit, so a 9M-parameter job
 * disconnected every hospital on every attempt. Now messages travel in
 * fragments (edge/wire/fragments.ts): against a real coordinator with enrolment,
 * a ~9M-parameter plaintext job's weights reach its hospitals, their
 * full-size updates come back, the round completes, the researcher downloads
 * the model, and a small job beside it trains on real daemons undisturbed.
 * A hostile hospital's fragment stream over the message limit is cut off
 * with a typed error, the coordinator never holding more than the limit.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Coordinator, type RoundEvent } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { request } from '../../client/request.ts';
import { Peer } from '../../coordinator/peer.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { paramCount } from '../../core/model/spec.ts';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeEnvelope,
  encodeEnvelope,
  tensorOf,
  vectorOf,
  type Envelope,
} from '../../edge/wire/codec.ts';
import {
  DEFAULT_FRAGMENT_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  FrameEncoder,
  Reassembler,
  type OutgoingEnvelope,
} from '../../edge/wire/fragments.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { until } from '../helpers/until.ts';
import { signedHello } from '../helpers/signed-client.ts';
import { enrolledCoordinator } from '../helpers/enroll.ts';
import { binaryClassifier } from '../helpers/models.ts';

/** Three inputs, then 4096 and 2176 ReLU units: 8,933,633 parameters, 35.7 MB of float32 (the spec allows 10^7). */
const BIG_MODEL = binaryClassifier(3, [
  [4096, 'relu'],
  [2176, 'relu'],
]);
const BIG_FEATURES = ['g0', 'g1', 'g2'];
/** 265,217 parameters: 1,060,868 bytes of float32, just over one 1 MiB fragment. */
const MID_MODEL = binaryClassifier(3, [
  [512, 'relu'],
  [512, 'relu'],
]);
const DELTA = 1e-5;

/**
 * A hand-driven hospital that speaks the fragment protocol as the daemon
 * does (its frames limited to 16 MiB like the daemon's), for a model no
 * daemon would train in a test's time.
 */
class WireHospital {
  readonly messages: Envelope[] = [];
  closeCode: number | null = null;
  readonly out = new FrameEncoder();
  private readonly inbound = new Reassembler(DEFAULT_MAX_MESSAGE_BYTES);

  private constructor(
    readonly ws: WebSocket,
    readonly name: string,
    onMessage: (h: WireHospital, e: Envelope) => void,
  ) {
    ws.on('message', (data) => {
      const env = this.inbound.accept(decodeEnvelope(data as Buffer));
      if (!env) return;
      // Keep the frames' headers, not 36 MB of weights each.
      this.messages.push(
        env.body === 'roundConfig'
          ? decodeEnvelope(
              encodeEnvelope({
                sender: env.sender,
                seq: env.seq,
                jobId: env.jobId,
                round: env.round,
                roundConfig: { train: env.roundConfig!.train },
              }),
            )
          : env,
      );
      onMessage(this, env);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
    ws.on('error', () => undefined);
  }

  static async connect(
    port: number,
    name: string,
    id: Identity,
    onMessage: (h: WireHospital, e: Envelope) => void = () => {},
  ): Promise<WireHospital> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, {
      maxPayload: DEFAULT_MAX_FRAME_BYTES,
      perMessageDeflate: false,
    });
    const h = new WireHospital(ws, name, onMessage);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = (await h.waitFor((e) => e.body === 'challenge')).challenge!;
    h.send({
      hello: signedHello(c, name, id, {
        hello: { software: 'wire', datasets: [{ schemaId: 'g', features: BIG_FEATURES, label: 'y' }] },
      }),
    });
    h.out.peerLimits((await h.waitFor((e) => e.body === 'welcome')).welcome!);
    return h;
  }

  send(env: Omit<OutgoingEnvelope, 'sender'>): void {
    for (const frame of this.out.encode({ ...env, sender: this.name })) this.ws.send(frame);
  }

  async waitFor(pred: (e: Envelope) => boolean): Promise<Envelope> {
    let hit: Envelope | undefined;
    await until(() => (hit = this.messages.find(pred)) !== undefined || this.closeCode !== null, 60_000, 'a message');
    if (!hit) throw new Error(`${this.name} closed (${this.closeCode}) before the expected message`);
    return hit;
  }
}

/** Joins the big job, answers its round config with a full-size update and its evaluation round with metrics. */
function bigJobHospital(jobId: () => string) {
  return (h: WireHospital, env: Envelope) => {
    if (env.jobId !== jobId()) return;
    if (env.body === 'jobOffer') h.send({ jobId: env.jobId, joinJob: { weight: 10 } });
    if (env.body === 'roundConfig' && env.roundConfig!.train) {
      const weights = vectorOf(env.roundConfig!.weights, paramCount(BIG_MODEL));
      h.send({
        jobId: env.jobId,
        round: env.round,
        update: {
          delta: tensorOf(new Float32Array(weights.length).fill(DELTA)),
          numExamples: 10,
          trainLoss: 0.5,
          steps: 1,
        },
      });
    }
    if (env.body === 'roundConfig' && !env.roundConfig!.train) {
      h.send({
        jobId: env.jobId,
        round: env.round,
        evaluation: { metrics: { numExamples: 10, numCorrect: 5, loss: 0.7, accuracy: 0.5 } },
      });
    }
  };
}

let coordinator: Coordinator;
let port: number;
const dir = mkdtempSync(join(tmpdir(), 'cohort-f4-'));
let ids: Record<string, Identity>;
const daemons: ClientDaemon[] = [];
const disconnects: string[] = [];
/** The most bytes any reassembler in this process held for a message in flight. */
let maxHeld = 0;
/** Connections the coordinator closed, as it closed them. */
const peerCloses: { name: string | null; code: number; reason: string }[] = [];
let bigJob = '';

beforeAll(async () => {
  // The coordinator's reassemblers take scanned frames (collect), the hand-driven hospitals' decoded ones (accept).
  for (const method of ['accept', 'collect'] as const) {
    const original = Reassembler.prototype[method] as (this: Reassembler, ...args: unknown[]) => unknown;
    vi.spyOn(Reassembler.prototype, method).mockImplementation(function (this: Reassembler, ...args: unknown[]) {
      const out = original.apply(this, args);
      maxHeld = Math.max(maxHeld, this.heldBytes);
      return out;
    } as never); // one wrapper for both methods, whose signatures differ only in the frame's type
  }
  const close = Peer.prototype.close;
  vi.spyOn(Peer.prototype, 'close').mockImplementation(function (this: Peer, code?: number, reason?: string) {
    peerCloses.push({ name: this.name, code: code ?? 1000, reason: reason ?? '' });
    close.call(this, code, reason);
  });
  ({ coordinator, port, ids } = await enrolledCoordinator({
    dbPath: join(dir, 'c.db'),
    people: {
      rita: 'researcher',
      big1: 'hospital',
      big2: 'hospital',
      evil: 'hospital',
      evil2: 'hospital',
      s1: 'hospital',
      s2: 'hospital',
    },
  }));
  for (const [i, name] of ['s1', 's2'].entries()) {
    const d = new ClientDaemon({
      coordinatorUrl: `ws://127.0.0.1:${port}`,
      name,
      dataset: syntheticDataset(i + 1),
      identity: ids[name]!,
    });
    d.on('disconnected', (e) => disconnects.push(`${name}: ${e.code} ${e.reason}`));
    daemons.push(d);
  }
  const connected = daemons.map((d) => new Promise<void>((resolve) => d.once('connected', () => resolve())));
  for (const d of daemons) d.start();
  await Promise.all(connected);
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all(daemons.map((d) => d.stop()));
  await coordinator.close();
});

describe('finding 4: a model the spec allows travels', () => {
  it('a ~9M-parameter job: weights reach the hospitals in fragments, full-size updates come back, the round completes; a small job beside it trains on real daemons; the researcher downloads the model', async () => {
    const [big1, big2] = (await Promise.all(
      (['big1', 'big2'] as const).map((n) =>
        WireHospital.connect(
          port,
          n,
          ids[n]!,
          bigJobHospital(() => bigJob),
        ),
      ),
    )) as [WireHospital, WireHospital];
    const rounds: RoundEvent[] = [];
    coordinator.on('round', (e) => rounds.push(e));
    const status = new Map<string, string>();
    coordinator.on('job', (e) => status.set(e.jobId, e.status));

    bigJob = coordinator.submitJob(
      syntheticJob({
        name: 'big',
        model: BIG_MODEL,
        features: BIG_FEATURES,
        rounds: 1,
        minClients: 2,
        targetClients: 2,
        roundTimeoutMs: 120_000,
        secureAggregation: { enabled: false },
      }),
      'rita',
    );
    // The daemons' job: 265,217 parameters, just over one fragment, so its round configs and updates are fragmented too.
    const smallJob = coordinator.submitJob(
      syntheticJob({
        name: 'small',
        model: MID_MODEL,
        rounds: 2,
        minClients: 2,
        targetClients: 2,
        secureAggregation: { enabled: false },
      }),
    );
    const initial = coordinator.jobState(bigJob)!.weights;
    expect(initial.length).toBe(8_933_633);
    expect(4 * initial.length).toBeGreaterThan(2 * DEFAULT_MAX_FRAME_BYTES);

    // Both jobs end, or (as before the fix) a hospital is cut off.
    const cutOff = () => big1.closeCode !== null || big2.closeCode !== null || disconnects.length > 0;
    await until(
      () => (status.get(bigJob) === 'completed' && status.get(smallJob) === 'completed') || cutOff(),
      240_000,
      'both jobs completed',
    );
    // Nobody was disconnected: not the big job's hospitals, not the small job's daemons.
    expect([big1.closeCode, big2.closeCode]).toEqual([null, null]);
    expect(disconnects).toEqual([]);
    // The big job's training round aggregated both full-size updates.
    const trained = rounds.find((r) => r.jobId === bigJob && r.record.kind === 'train')!;
    expect(trained.record.participants.sort()).toEqual(['big1', 'big2']);
    expect(4 * paramCount(MID_MODEL)).toBeGreaterThan(DEFAULT_FRAGMENT_BYTES);
    expect(
      rounds.filter((r) => r.jobId === smallJob && r.record.kind === 'train').map((r) => r.record.participants.sort()),
    ).toEqual([
      ['s1', 's2'],
      ['s1', 's2'],
    ]);
    for (const h of [big1, big2]) {
      expect(h.messages.filter((e) => e.body === 'roundConfig' && e.jobId === bigJob).length).toBe(2); // training and final evaluation
      expect(h.messages.filter((e) => e.body === 'error')).toEqual([]);
    }

    // The researcher's model download (client/request.ts) takes the 36 MB reply in fragments.
    const { json, model } = await request(
      { coordinatorUrl: `ws://127.0.0.1:${port}`, name: 'rita', identity: ids.rita!, timeoutMs: 60_000 },
      { action: 'job.download', jobId: bigJob },
    );
    expect(json).toMatchObject({ jobId: bigJob, completedRounds: 2 }); // the training round and the final evaluation
    expect(model!.length).toBe(initial.length);
    expect(
      Buffer.from(model!.buffer, model!.byteOffset, model!.byteLength).equals(
        Buffer.from(coordinator.jobState(bigJob)!.weights.buffer),
      ),
    ).toBe(true);
    // FedAvg of two equal deltas: every weight moved by DELTA.
    let off = 0;
    for (let i = 0; i < model!.length; i += 997) off = Math.max(off, Math.abs(model![i]! - initial[i]! - DELTA));
    expect(off).toBeLessThan(1e-6);
    expect(maxHeld).toBeGreaterThan(DEFAULT_MAX_FRAME_BYTES);
    expect(maxHeld).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
  }, 300_000);

  it('a reader that falls behind on model downloads keeps its connection while four wait unread; one that stops reading is cut off (E_SLOW_PEER), the coordinator holding at most its buffer limit and one message', async () => {
    const r = await WireHospital.connect(port, 'rita', ids.rita!);
    // Stop reading: what the coordinator sends piles up in its send buffer (and the kernel's).
    (r.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const asked = 8;
    for (let id = 1; id <= asked; id++)
      r.send({ jobId: bigJob, request: { id, action: 'job.download', jobId: bigJob } });
    r.send({ request: { id: 100, action: 'job.list' } });
    // The coordinator's side of it: its peer for rita closes for E_SLOW_PEER.
    await until(() => peerCloses.some((c) => c.name === 'rita'), 60_000, 'rita cut off');
    expect(peerCloses.filter((c) => c.name === 'rita')).toEqual([{ name: 'rita', code: 1008, reason: 'E_SLOW_PEER' }]);
    const cut = new Promise<number>((resolve) => r.ws.once('close', (code) => resolve(code)));
    (r.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await cut).toBe(1008);
    const replies = r.messages.filter((e) => e.body === 'reply').map((e) => e.reply!.id);
    // Default buffer limit: one largest message and four frames (68 + 64 MiB = 138 MB); each reply is 35.7 MB, so the
    // 4th always goes (at most 107 MB unread before it) and the 6th never does. Under the old limit (four frames, 67 MB) the 4th never went.
    expect(replies.length).toBeGreaterThanOrEqual(4);
    expect(replies.length).toBeLessThanOrEqual(5);
    expect(replies).toEqual(replies.map((_, i) => i + 1));
    expect(r.messages.filter((e) => e.body === 'error')).toEqual([]);
  }, 120_000);

  it('a hospital declaring a message over the limit is cut off at its first fragment (E_WIRE_TOO_LARGE)', async () => {
    const evil = await WireHospital.connect(port, 'evil', ids.evil!);
    expect(evil.messages.find((e) => e.body === 'welcome')!.welcome!.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    const size = DEFAULT_FRAGMENT_BYTES;
    const total = DEFAULT_MAX_MESSAGE_BYTES + 1;
    evil.ws.send(
      encodeEnvelope({
        sender: 'evil',
        seq: evil.out.lastSeq + 1,
        fragment: {
          messageId: 1,
          index: 0,
          count: Math.ceil(total / size),
          totalBytes: total,
          data: new Uint8Array(size),
        },
      }),
    );
    await until(() => evil.closeCode !== null, 20_000, 'evil cut off');
    expect(evil.closeCode).toBe(1009);
    expect(evil.messages.filter((e) => e.body === 'error').map((e) => e.error!.code)).toEqual(['E_WIRE_TOO_LARGE']);
  }, 60_000);

  it('a hospital streaming more than the message it declared is cut off (E_WIRE_FRAGMENT), the coordinator holding at most the limit; others keep working', async () => {
    const evil = await WireHospital.connect(port, 'evil2', ids.evil2!);
    const size = DEFAULT_FRAGMENT_BYTES;
    const count = Math.floor(DEFAULT_MAX_MESSAGE_BYTES / size);
    const total = count * size; // exactly the limit: accepted as declared
    expect(total).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    let seq = evil.out.lastSeq;
    // An update of exactly the limit (its first fragment shows an update's header: an update may fill the limit).
    const updateOf = (bytes: number) =>
      encodeEnvelope({
        sender: 'evil2',
        seq: seq + 1,
        jobId: 'x',
        round: 1,
        update: { delta: { shape: [Math.floor(bytes / 4)], data: new Uint8Array(bytes) } },
      });
    const whole = updateOf(total - (updateOf(total).length - total));
    expect(whole.length).toBe(total);
    maxHeld = 0;
    // Every fragment as declared, but the last one carries a whole extra fragment's worth.
    for (let index = 0; index < count; index++) {
      const last = index === count - 1;
      evil.ws.send(
        encodeEnvelope({
          sender: 'evil2',
          seq: ++seq,
          fragment: {
            messageId: 7,
            index,
            count,
            totalBytes: total,
            data: last ? new Uint8Array(2 * size) : whole.subarray(index * size, (index + 1) * size),
          },
        }),
      );
    }
    await until(() => evil.closeCode !== null, 60_000, 'evil2 cut off');
    expect(evil.messages.filter((e) => e.body === 'error').map((e) => e.error!.code)).toEqual(['E_WIRE_FRAGMENT']);
    expect(evil.closeCode).toBe(1002);
    expect(maxHeld).toBe(total - size); // everything before the overlong fragment, and nothing of it
    expect(maxHeld).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);

    // The coordinator still serves: a new small job trains on the daemons, which were never disconnected.
    let done = false;
    const jobId = coordinator.submitJob(
      syntheticJob({
        name: 'after',
        rounds: 1,
        minClients: 2,
        targetClients: 2,
        secureAggregation: { enabled: false },
      }),
    );
    coordinator.on('job', (e) => {
      if (e.jobId === jobId && e.status === 'completed') done = true;
    });
    await until(() => done, 60_000, 'the job after the attack completed');
    expect(disconnects).toEqual([]);
  }, 120_000);
});

describe('finding 4: the rate limit counts messages, and bytes', () => {
  const id = ed25519KeyPair();
  const started: Coordinator[] = [];
  async function start(o: Partial<ConstructorParameters<typeof Coordinator>[0]>): Promise<number> {
    const c = new Coordinator({ dbPath: ':memory:', port: 0, requireEnrolment: true, ...o });
    started.push(c);
    c.enroll('h1', 'hospital', id.publicKey);
    return c.listen();
  }
  afterAll(() => Promise.all(started.map((c) => c.close())));

  const update = (bytes: number) => ({
    jobId: 'no-such-job',
    round: 1,
    update: { delta: tensorOf(new Float32Array(bytes / 4)), numExamples: 1 },
  });

  it('a message of many fragments takes one message token', async () => {
    // At most 4 messages at once (and nearly none after).
    const h = await WireHospital.connect(await start({ maxMessagesPerSecond: 0.01, messageBurst: 4 }), 'h1', id);
    // Hello took one token; these two messages of 8 fragments each one more each.
    h.send(update(8 * DEFAULT_FRAGMENT_BYTES - 1024));
    h.send(update(8 * DEFAULT_FRAGMENT_BYTES - 1024));
    await until(
      () => h.messages.filter((e) => e.body === 'error').length === 2 || h.closeCode !== null,
      20_000,
      'both refused',
    );
    // Refused for the job, not for the rate: the connection stays.
    expect(h.messages.filter((e) => e.body === 'error').map((e) => e.error!.code)).toEqual([
      'E_UNKNOWN_JOB',
      'E_UNKNOWN_JOB',
    ]);
    expect(h.closeCode).toBeNull();
    h.ws.close();
  });

  it('fragments past the byte budget are cut off (E_RATE_LIMIT)', async () => {
    // 64 KiB frames, 64 KiB a second (128 KiB at once): a 4 MiB message cannot pass.
    const h = await WireHospital.connect(
      await start({ maxFrameBytes: 64 * 1024, maxBytesPerSecond: 64 * 1024 }),
      'h1',
      id,
    );
    h.send(update(4 * 1024 * 1024));
    await until(() => h.closeCode !== null || h.messages.some((e) => e.body === 'error'), 20_000, 'refused');
    expect(h.messages.filter((e) => e.body === 'error').map((e) => e.error!.code)).toEqual(['E_RATE_LIMIT']);
    await until(() => h.closeCode !== null, 20_000, 'cut off');
    expect(h.closeCode).toBe(1008);
  });
});
