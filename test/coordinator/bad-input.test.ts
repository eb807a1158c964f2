import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { encodeEnvelope, pb, tensorOf } from '../../edge/wire/codec.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { SYNTH_FEATURES, syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';

let coordinator: Coordinator;
let port: number;
const raws: RawClient[] = [];
const daemons: ClientDaemon[] = [];

beforeEach(async () => {
  coordinator = new Coordinator({ dbPath: ':memory:', port: 0, maxFrameBytes: 64 * 1024, helloTimeoutMs: 500 });
  port = await coordinator.listen();
});

afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
  await coordinator.close();
});

async function raw(name: string): Promise<RawClient> {
  const r = await RawClient.connect(port, name);
  raws.push(r);
  return r;
}

describe('coordinator under bad input', () => {
  it('answers a non-Envelope frame with E_WIRE_DECODE and closes', async () => {
    const r = await raw('x');
    r.sendRaw(new Uint8Array([0xff, 0xff, 0xff, 0x01]));
    expect(await r.waitClosed()).toBe(1007);
    expect(r.errorCodes()).toEqual(['E_WIRE_DECODE']);
  });

  it('refuses text frames', async () => {
    const r = await raw('x');
    r.sendRaw('{"hello": {}}');
    expect(await r.waitClosed()).toBe(1003);
    expect(r.errorCodes()).toEqual(['E_WIRE_NOT_BINARY']);
  });

  it('refuses a client that speaks before Hello', async () => {
    const r = await raw('x');
    r.send({ jobId: 'whatever', joinJob: {} });
    expect(await r.waitClosed()).toBe(1008);
    expect(r.errorCodes()).toEqual(['E_NOT_JOINED']);
  });

  it('closes a connection that never says Hello', async () => {
    const r = await raw('x');
    expect(await r.waitClosed()).toBe(1008);
    expect(r.errorCodes()).toEqual(['E_HELLO_TIMEOUT']);
  });

  it('answers an unknown job id with E_UNKNOWN_JOB and keeps the connection', async () => {
    const r = await raw('x');
    await r.hello();
    r.send({ jobId: 'no-such-job', joinJob: {} });
    const err = await r.waitFor((e) => e.body === 'error');
    expect(err.error!.code).toBe('E_UNKNOWN_JOB');
    expect(err.jobId).toBe('no-such-job');
    expect(r.closeCode).toBeNull();
  });

  it('refuses replayed sequence numbers, spoofed senders and duplicate names', async () => {
    const a = await raw('a');
    await a.hello();
    a.ws.send(encodeEnvelope({ sender: 'a', seq: 1, joinJob: {} }));
    expect(await a.waitClosed()).toBe(1002);
    expect(a.errorCodes()).toContain('E_WIRE_SEQ');

    const b = await raw('b');
    await b.hello();
    b.send({ sender: 'someone-else', jobId: 'j', joinJob: {} });
    expect(await b.waitClosed()).toBe(1007);
    expect(b.errorCodes()).toContain('E_WIRE_FIELD');

    const c1 = await raw('c');
    await c1.hello();
    const c2 = await raw('c');
    c2.send({ hello: { name: 'c' } });
    expect(await c2.waitClosed()).toBe(1008);
    expect(c2.errorCodes()).toEqual(['E_DUPLICATE_NAME']);
    expect(c1.closeCode).toBeNull();
  });

  it('closes a peer that sends a frame above maxPayload', async () => {
    const r = await raw('x');
    await r.hello();
    r.sendRaw(new Uint8Array(128 * 1024));
    expect(await r.waitClosed()).toBe(1009);
  });

  it('rejects malformed updates, drops the sender from the round, and the round completes from honest clients', async () => {
    const jobId = coordinator.submitJob(
      syntheticJob({ rounds: 2, minClients: 2, targetClients: 3, secureAggregation: { enabled: false } }),
    );
    const completed = new Promise<void>((resolve) =>
      coordinator.on('job', (e) => e.status === 'completed' && resolve()),
    );
    const evil = await raw('evil');
    await evil.hello(SYNTH_FEATURES);
    await evil.waitFor((e) => e.body === 'jobOffer');
    evil.send({ jobId, joinJob: { weight: 10 } });
    for (const name of ['honest-1', 'honest-2']) {
      const d = new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name,
        dataset: syntheticDataset(name.length),
        identity: ed25519KeyPair(),
      });
      daemons.push(d);
      d.start();
    }
    const cfg1 = await evil.waitFor((e) => e.body === 'roundConfig' && e.round === 1);
    expect(cfg1.roundConfig!.weights!.shape).toEqual([4]);
    evil.send({ jobId, round: 1, update: { delta: tensorOf(new Float32Array(5)), numExamples: 10 } }); // wrong length
    const e1 = await evil.waitFor((e) => e.body === 'error');
    expect(e1.error!.code).toBe('E_UPDATE_LENGTH');

    const cfg2 = await evil.waitFor((e) => e.body === 'roundConfig' && e.round === 2);
    expect(cfg2.roundConfig!.weights!.data!.length).toBe(16);
    evil.send({
      jobId,
      round: 2,
      update: { delta: tensorOf(new Float32Array([0, Number.NaN, 0, 0])), numExamples: 10 },
    });
    await evil.waitFor((e) => e.body === 'error' && e.error!.code === 'E_UPDATE_NONFINITE');
    evil.send({
      jobId,
      round: 2,
      evaluation: { metrics: { numExamples: 5, numCorrect: 9, loss: 0.1, accuracy: 1.8 } },
    });
    await evil.waitFor((e) => e.body === 'error' && e.error!.code === 'E_UPDATE_RANGE');
    evil.send({ jobId, round: 7, update: { delta: tensorOf(new Float32Array(4)), numExamples: 10 } });
    await evil.waitFor((e) => e.body === 'error' && e.error!.code === 'E_ROUND_MISMATCH');
    evil.send({ jobId, round: 2, roundResult: {} }); // a coordinator-only message: the peer is cut off
    expect(await evil.waitClosed()).toBe(1002);

    await completed;
    const rounds = coordinator.database.rounds(jobId);
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(rounds[0]!.dropped).toEqual(['evil']);
    expect(rounds[1]!.dropped).toEqual(['evil']);
    expect(Object.keys(rounds[2]!.evaluations).sort()).toEqual(['honest-1', 'honest-2']);
    expect(coordinator.jobState(jobId)!.weights.every(Number.isFinite)).toBe(true);
  });

  it('terminates a peer that stops answering pings, freeing its name for a reconnect', async () => {
    await coordinator.close();
    coordinator = new Coordinator({ dbPath: ':memory:', port: 0, heartbeatMs: 100 });
    port = await coordinator.listen();
    const deaf = await RawClient.connect(port, 'deaf', { autoPong: false });
    raws.push(deaf);
    await deaf.hello();
    const again = await raw('deaf');
    again.send({ hello: { name: 'deaf' } });
    await again.waitFor((e) => e.body === 'error');
    expect(again.errorCodes()).toEqual(['E_DUPLICATE_NAME']);
    expect(await deaf.waitClosed()).toBe(1006); // terminated, no close frame
    const third = await raw('deaf');
    await third.hello();
    // A peer that answers pings stays: each ping after the first is sent only because the pong to the one before arrived.
    expect(await third.waitPings(3)).toBe(3);
    expect(third.closeCode).toBeNull();
  });

  it('keeps serving after a barrage of random frames', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await raw(`r${i}`);
      r.sendRaw(new Uint8Array(Array.from({ length: 1 + i * 7 }, (_, j) => (j * 31 + i) & 0xff)));
    }
    const ok = await raw('ok');
    await ok.hello();
    expect(ok.frames.map((f) => f.body)).toEqual(['challenge', 'welcome']);
    expect(pb.Envelope).toBeDefined();
  });
});

describe('flooding', () => {
  it('closes a peer that floods frames (E_RATE_LIMIT) while an honest job finishes unaffected', async () => {
    const net = simulatedNetwork(['a', 'b']);
    coordinator.publishRoster(net.chain);
    const jobId = coordinator.submitJob(
      syntheticJob({ rounds: 2, minClients: 2, targetClients: 2, secureAggregation: PAIR_SECURE_AGGREGATION }),
    );
    const done = new Promise<string>((resolve) =>
      coordinator.on(
        'job',
        (e) => e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting' && resolve(e.status),
      ),
    );
    for (const n of ['a', 'b']) {
      const d = new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name: n,
        dataset: syntheticDataset(n === 'a' ? 1 : 2),
        identity: net.identity(n),
        roster: net.chain,
      });
      daemons.push(d);
      d.start();
    }
    const flooder = await raw('flooder');
    await flooder.hello(SYNTH_FEATURES);
    for (let i = 0; i < 1000; i++) flooder.send({ jobId: 'nope', joinJob: {} });
    expect(await flooder.waitClosed()).toBe(1008);
    expect(flooder.errorCodes()).toContain('E_RATE_LIMIT');
    expect(await done).toBe('completed');
  });
});
