import { describe, it, expect } from 'vitest';
import { JobMachine, type JobEffect, type SecAggConfig } from '../../core/round/job.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { SecAggClient, openSession, ed25519KeyPair, encodeInput, EXTRA_WORDS, type ClientMessage } from '../../core/secagg/index.ts';

const spec = parseJobSpec({
  name: 's', model: { inputDim: 2, layers: [{ units: 1, activation: 'sigmoid' }] }, features: ['a', 'b'], label: 'y',
  rounds: 1, minClients: 3, targetClients: 4, roundTimeoutMs: 1000, strategy: { name: 'fedavg' },
});
const names = ['a', 'b', 'c', 'd'];
const ids = new Map(names.map((n) => [n, ed25519KeyPair()]));
const sends = (fx: JobEffect[]) => fx.filter((e) => e.type === 'send') as Extract<JobEffect, { type: 'send' }>[];

/** Plays the four hospitals against a JobMachine, with `silent` never sending its masked input. */
function play(silent: string | null) {
  const m = new JobMachine('job', spec, { completedRounds: 0, weights: new Float32Array(3), serverState: null });
  let now = 0;
  let fx: JobEffect[] = [];
  for (const n of names) fx.push(...m.clientJoined(n, now, { identityKey: ids.get(n)!.publicKey, numTrain: 10 }));
  const clients = new Map<string, SecAggClient>();
  const deltas = new Map(names.map((n, i) => [n, new Float32Array([0.1 * (i + 1), -0.2, 0.05])]));
  const log: JobEffect[] = [];
  const deliver = (effects: JobEffect[]) => {
    log.push(...effects);
    const queue = [...sends(effects)];
    while (queue.length > 0) {
      const { to, round, body } = queue.shift()!;
      const submit = (msg: ClientMessage) => {
        const r = m.submitSecAgg(to, round, msg, now);
        log.push(...r.effects);
        queue.push(...sends(r.effects));
      };
      if ('roundConfig' in body) {
        if (!body.roundConfig.train) continue;
        const p = body.roundConfig.secagg as SecAggConfig;
        const session = openSession({ jobId: 'job', round, ...p, vectorLength: 3 + EXTRA_WORDS });
        const c = new SecAggClient(session, to, ids.get(to)!);
        clients.set(to, c);
        submit({ secaggAdvertise: c.advertise() });
      } else if ('secaggKeys' in body) submit({ secaggShares: clients.get(to)!.onKeys(body.secaggKeys) });
      else if ('secaggSharesRelay' in body) {
        const c = clients.get(to)!;
        c.onShares(body.secaggSharesRelay);
        if (to !== silent) submit({ secaggMaskedInput: c.maskInput(encodeInput(c.session, deltas.get(to)!, 10, 0.5)) });
      } else if ('secaggSurvivors' in body) submit({ secaggConsistency: clients.get(to)!.onSurvivors(body.secaggSurvivors) });
      else if ('secaggUnmaskRequest' in body) submit({ secaggUnmask: clients.get(to)!.onUnmaskRequest(body.secaggUnmaskRequest) });
    }
  };
  deliver(fx);
  const before = m.completedRounds;
  if (silent) {
    now = 999; // within the phase deadline: still waiting for the silent client
    deliver(m.tick(now));
    expect(m.completedRounds).toBe(before);
    now = 5000;
    deliver(m.tick(now));
  }
  return { m, log, deltas };
}

describe('JobMachine with a secure-aggregation stage, no sockets', () => {
  it('aggregates the weighted mean through the secure sum', () => {
    const { m, log, deltas } = play(null);
    const done = log.find((e) => e.type === 'roundCompleted' && e.record.kind === 'train') as Extract<JobEffect, { type: 'roundCompleted' }>;
    expect(done.record.phaseCounts).toEqual({ advertise: 4, share: 4, masked: 4, consistency: 4, unmask: 4 });
    expect(done.record.dropped).toEqual([]);
    // Equal weights: FedAvg moves the weights by the plain mean of the deltas.
    const mean = [0, 1, 2].map((j) => names.reduce((s, n) => s + deltas.get(n)![j]!, 0) / 4);
    [...m.globalWeights].forEach((w, j) => expect(w).toBeCloseTo(mean[j]!, 6));
    expect(done.record.trainLoss).toBeCloseTo(0.5, 6);
  });

  it('drops a client that misses the masked-input phase deadline and completes without its input', () => {
    const { m, log, deltas } = play('c');
    const done = log.find((e) => e.type === 'roundCompleted' && e.record.kind === 'train') as Extract<JobEffect, { type: 'roundCompleted' }>;
    expect(done.record.phaseCounts).toEqual({ advertise: 4, share: 4, masked: 3, consistency: 3, unmask: 3 });
    expect(done.record.dropped).toEqual(['c']);
    const mean = [0, 1, 2].map((j) => ['a', 'b', 'd'].reduce((s, n) => s + deltas.get(n)![j]!, 0) / 3);
    [...m.globalWeights].forEach((w, j) => expect(w).toBeCloseTo(mean[j]!, 6));
  });
});
