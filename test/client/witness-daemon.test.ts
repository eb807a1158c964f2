/**
 * The real hospital daemon as a witness over a real socket, against a
 * coordinator the test plays from the real core pieces: it cosigns the
 * honest ledger after its catch-up and sends no receipt; shown a split view
 * it logs E_LEDGER_SPLIT_VIEW, sends no cosignature, keeps the checkpoint it
 * had and stays connected (it goes on cosigning the honest ledger after).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientDaemon } from '../../client/daemon.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import type { WitnessEvent } from '../../client/witness.ts';
import { checkpointBody, logOrigin, verifyCosignature, witnessName } from '../../core/ledger/checkpoint.ts';
import { syntheticDataset } from '../../simulations/synthetic.ts';
import { buildFixture } from '../core/ledger/fixture.ts';
import { fakeCoordinator } from '../helpers/fake-coordinator.ts';
import { until } from '../helpers/until.ts';
import { ME, ledgerAnswer, ownLedger, swapped, view, type View } from './witness-harness.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A coordinator serving `shown` (the test changes it) to one hospital: its pages and its proofs; every frame recorded. */
async function playedCoordinator(ledgerKey: Uint8Array, first: View) {
  const state = { shown: first };
  const fake = await fakeCoordinator(() => undefined, [], {
    ledgerKey,
    onFrame: (env, send) => {
      const r = env.request;
      if (env.body === 'request' && r)
        send({ reply: { id: r.id ?? 0, json: JSON.stringify(ledgerAnswer(state.shown, ledgerKey, r)) } });
    },
  });
  cleanups.push(() => fake.close());
  return { url: fake.url, got: fake.got, state, send: fake.send };
}

describe('the hospital daemon as a witness', () => {
  it('cosigns the honest ledger, refuses a split view with E_LEDGER_SPLIT_VIEW and stays connected', async () => {
    const { big, entries, mechanism } = ownLedger(buildFixture(), 6);
    const key = big.coordinator;
    const statePath = join(mkdtempSync(join(tmpdir(), 'cohort-witness-daemon-')), 'state.db');
    const state = openHospitalState(statePath);
    cleanups.push(() => state.close());
    // What h1 charged to its budget: the six rounds the ledger records.
    const dataset = syntheticDataset(5);
    state.budget.setBudget(dataset.schemaId, { epsilon: 1e9, delta: 1e-5, accountant: 'rdp' });
    expect(state.budget.admitJob(dataset.schemaId, 'job-many', Array(6).fill(mechanism)).allowed).toBe(true);
    for (let round = 1; round <= 6; round++)
      expect(state.budget.spendRound(dataset.schemaId, 'job-many', round, mechanism).allowed).toBe(true);

    const n = entries.length - 2; // the first checkpoint: all but the last two rounds
    const coordinator = await playedCoordinator(key.publicKey, view(entries.slice(0, n), key));
    const daemon = new ClientDaemon({
      coordinatorUrl: coordinator.url,
      name: ME,
      dataset,
      identity: big.hospitals.get(ME)!,
      budget: state.budget,
      ledger: state.ledger,
    });
    cleanups.push(() => daemon.stop());
    const closed: string[] = [];
    daemon.on('disconnected', ({ reason }) => closed.push(reason));
    const witnessed: WitnessEvent[] = [];
    daemon.on('witnessed', (e) => witnessed.push(e));
    const cosignatures = () => coordinator.got.filter((e) => e.body === 'ledgerCosignature');
    daemon.start();
    // The first catch-up checks six entries against the budget's charges, pricing each from a cold accountant memo.
    await until(() => witnessed.length === 1, 60_000, 'the first witness round');
    expect(witnessed[0]).toEqual({ size: n, cosigned: true, code: null });
    await until(() => cosignatures().length === 1, 20_000, 'the cosignature at the coordinator');
    const [first] = cosignatures();
    const t1 = view(entries.slice(0, n), key);
    const body = checkpointBody({ origin: logOrigin(key.publicKey), size: n, root: t1.tree.root() });
    const sig = {
      name: witnessName(ME),
      timestamp: Number(first!.ledgerCosignature!.timestamp),
      signature: first!.ledgerCosignature!.signature!,
    };
    expect(verifyCosignature(body, sig, big.hospitals.get(ME)!.publicKey)).toBe(true);

    // The split view: a tree that rewrote the first round entry (before n), grown to the whole ledger.
    coordinator.state.shown = view(
      swapped(entries, 2, key, (e) => ({ ...e, at: e.at + 1 })),
      key,
    );
    const announce = () =>
      coordinator.send({ jobId: 'job-many', round: 6, roundResult: { ledgerEntry: entries.at(-1)! } });
    announce();
    await until(() => witnessed.length === 2, 20_000, 'the split view judged');
    expect(witnessed[1]).toMatchObject({ cosigned: false, code: 'E_LEDGER_SPLIT_VIEW' });
    expect(cosignatures()).toHaveLength(1);
    expect(state.ledger.witnessed()!.size).toBe(n);
    expect(Buffer.from(state.ledger.witnessed()!.root).equals(Buffer.from(t1.tree.root()))).toBe(true);

    // Still connected: the honest ledger is cosigned on the next catch-up.
    coordinator.state.shown = view(entries, key);
    announce();
    await until(() => witnessed.length === 3, 20_000, 'the honest ledger judged');
    expect(witnessed[2]).toEqual({ size: entries.length, cosigned: true, code: null });
    await until(() => cosignatures().length === 2, 20_000, 'the second cosignature at the coordinator');
    expect(cosignatures().map((e) => e.ledgerCosignature!.size)).toEqual([n, entries.length]);
    expect(closed).toEqual([]);
  }, 120_000);
});
