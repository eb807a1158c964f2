/**
 * A coordinator that replays rounds (malicious, or restored from a backup)
 * gets nothing new: a hospital refuses any round older than one it already
 * trained for the job, so a kept DP output is never re-made uncharged.
 * Driven by a scripted fake coordinator speaking the wire protocol.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientDaemon } from '../../client/daemon.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { jobSpecToWire, tensorOf } from '../../proto/codec.ts';
import { fakeCoordinator } from '../helpers/fake-coordinator.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a coordinator replaying rounds', () => {
  it('gets round 1 refused once round 2 was trained, and the hospital is charged once per round', async () => {
    const spec = resolveJob(parseJobSpec(syntheticJob({
      rounds: 3, secureAggregation: { enabled: false },
      privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
    })), 1);
    const fake = await fakeCoordinator((send) => send({ jobId: 'j', jobOffer: { spec: jobSpecToWire(spec), owner: '' } }));
    cleanups.push(() => fake.close());
    const { got, send } = fake;

    const state = openHospitalState(join(mkdtempSync(join(tmpdir(), 'cohort-replay-')), 'state.db'));
    cleanups.push(() => state.close());
    state.budget.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    const d = new ClientDaemon({ coordinatorUrl: fake.url, name: 'h', dataset: syntheticDataset(5), identity: ed25519KeyPair(), budget: state.budget, ledger: state.ledger, outputs: state.outputs });
    cleanups.push(() => d.stop());
    d.start();
    await until(() => got.some((e) => e.body === 'joinJob'), 10_000, 'the hospital joining');

    const weights = new Float32Array(4);
    const updates = () => got.filter((e) => e.body === 'update').map((e) => e.round);
    const errors = () => got.filter((e) => e.body === 'error').map((e) => [e.round, e.error?.code]);
    for (const [i, round] of [1, 2, 1, 2].entries()) {
      send({ jobId: 'j', round, roundConfig: { weights: tensorOf(weights), train: true, deadlineUnixMs: Date.now() + 60_000, seed: 1 } });
      await until(() => updates().length + errors().length >= i + 1, 20_000, `an answer to round ${round}`);
    }
    // Round 1 replayed after round 2: refused. Round 2 again: its kept output re-sent, not re-made.
    expect(updates()).toEqual([1, 2, 2]);
    expect(errors()).toEqual([[1, 'E_ROUND_MISMATCH']]);
    const sent = got.filter((e) => e.body === 'update' && e.round === 2).map((e) => Buffer.from(e.update!.delta!.data!).toString('hex'));
    expect(sent[0]).toBe(sent[1]);
    expect(state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1, 2]);
  }, 60_000);
});
