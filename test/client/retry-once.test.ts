/**
 * A retried round costs a record-level DP hospital nothing more: the round's
 * privatised output is kept before it leaves and sent again on retry
 * (client/round-outputs.ts), with fresh secure-aggregation keys and masks;
 * unless it had answered the failed attempt's unmask request, when it trains
 * afresh and pays again (core/round/hospital-round.ts).
 * The control run without the kept outputs charges the retried round twice,
 * so the assertion can fail.
 */
import { describe, it, expect, afterAll, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { SecAggClient } from '../../core/secagg/index.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  vi.restoreAllMocks();
});

const advertised: string[] = [];
const advertise = SecAggClient.prototype.advertise;
vi.spyOn(SecAggClient.prototype, 'advertise').mockImplementation(function (this: SecAggClient) {
  const a = advertise.call(this);
  advertised.push(Buffer.from(a.cPk!).toString('hex'), Buffer.from(a.sPk!).toString('hex'));
  return a;
});

/** Runs a 2-round job in which round 1's first attempt fails after every hospital trained (two vanish before unmasking). */
async function run(keepOutputs: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-retry-'));
  const names = ['h0', 'h1', 'h2'];
  const net = simulatedNetwork(names);
  const coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, roster: net.chain });
  const port = await coordinator.listen();
  cleanups.push(() => coordinator.close());
  const failed: number[] = [];
  coordinator.on('roundFailed', (e) => failed.push(e.round));
  const crashed = new Set<string>();
  const states = names.map((n, i) => {
    const h = hospitalDaemon({
      port,
      net,
      name: n,
      statePath: join(dir, `${n}.db`),
      seed: 60 + i,
      accountant: 'rdp',
      keepOutputs,
      options: {
        backoffMinMs: 20,
        backoffMaxMs: 100,
        // Round 1, first attempt only: h1 and h2 vanish before unmasking, after sending their masked inputs.
        crashBefore: ({ round, phase }) => {
          if (round !== 1 || phase !== 'unmask' || n === 'h0' || crashed.has(n)) return false;
          crashed.add(n);
          return true;
        },
      },
    });
    cleanups.push(h.close);
    return h;
  });
  const done = new Promise<void>((resolve, reject) =>
    coordinator.on('job', (e) =>
      e.status === 'completed' ? resolve() : e.status === 'failed' && reject(new Error(e.reason)),
    ),
  );
  coordinator.submitJob(
    syntheticJob({
      rounds: 2,
      minClients: 3,
      targetClients: 3,
      roundTimeoutMs: 8000,
      privacy: RECORD_DP,
    }),
  );
  for (const { d } of states) d.start();
  await done;
  const spends = states.map(({ st }) => st.budget.spends('synthetic-v1').map((h) => h.round));
  return { failed, spends, db: join(dir, 'c.db'), stateFiles: names.map((n) => join(dir, `${n}.db`)) };
}

describe('a retried record-level DP round', () => {
  it('is charged once by each hospital that did not unmask, sent again with fresh keys; the ledger agrees', async () => {
    advertised.length = 0;
    const r = await run(true);
    expect(r.failed).toEqual([1]); // the first attempt of round 1 failed and was retried
    // Rounds 1 and 2 trained, round 3 the final evaluation's release. h1 and h2 vanished before unmasking and re-sent
    // their kept outputs at no new charge; h0 had answered the unmask request, so its output may be in a sum, and it
    // trained round 1 afresh rather than put the same output into a second sum, paying again (threat-model.md).
    expect(r.spends).toEqual([
      [1, 1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    // Every attempt drew new key pairs (and with them new mask seeds): none repeats.
    expect(advertised.length).toBeGreaterThanOrEqual(2 * 3 * 3);
    expect(new Set(advertised).size).toBe(advertised.length);
    expect(verifyFiles({ db: r.db, hospitalLedger: r.stateFiles }).ok).toBe(true);
  }, 60_000);

  it('without kept outputs (the control), the retry is charged again', async () => {
    const r = await run(false);
    expect(r.failed).toEqual([1]);
    for (const rounds of r.spends) expect(rounds).toEqual([1, 1, 2, 3]);
  }, 60_000);
});
