/**
 * A hospital's attempt log across a daemon restart (review finding: it lived
 * in memory only). A coordinator runs attempt 1 of round 1, takes one
 * hospital's unmask answer (the other two vanish before theirs, so the
 * attempt fails), waits for that hospital's daemon to restart, then runs
 * attempt 2 with it. Without DP the restarted hospital would retrain its
 * update bit for bit, and a record-level DP one would re-send its kept output
 * (client/round-outputs.ts): the same input in a second sum, which differs
 * from the first by the hospitals left out. The restarted daemon reads the
 * mark from its state database (client/attempt-log-store.ts): without DP it
 * refuses (E_SECAGG_ATTEMPT), with record-level DP it trains afresh and is
 * charged again. A replayed attempt number is refused after a restart too.
 * Went red on the in-memory log: the restarted hospital opened attempt 2
 * with its unmask mark gone, re-sent its kept output uncharged, and opened a
 * replayed attempt.
 */
import { describe, it, expect, afterEach, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon, type ClientOptions } from '../../client/daemon.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { asCohortError } from '../../core/errors.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { HospitalSession, type OpenArgs } from '../../core/round/hospital-session.ts';
import { SecureStage } from '../../core/round/secure-stage.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork, type SimulatedNetwork } from '../../simulations/network.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';
import { hospitalUnderTest, NETWORK } from '../helpers/hospital-under-test.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

const NAMES = ['h0', 'h1', 'h2'];

/** Every session a hospital was offered: who, which attempt, and whether it opened (and with its input unmasked) or why not. */
function watchSessions() {
  const seen: { name: string; round: number; attempt: number; code: string | null; inputUnmasked: boolean }[] = [];
  const open = HospitalSession.open.bind(HospitalSession);
  vi.spyOn(HospitalSession, 'open').mockImplementation((a: OpenArgs) => {
    const { round, attempt } = a.offered;
    try {
      const hs = open(a);
      seen.push({ name: a.view.name, round, attempt, code: null, inputUnmasked: hs.inputUnmasked });
      return hs;
    } catch (err) {
      seen.push({ name: a.view.name, round, attempt, code: asCohortError(err).code, inputUnmasked: false });
      throw err;
    }
  });
  const answered: number[] = [];
  const unmask = HospitalSession.prototype.onUnmaskRequest;
  vi.spyOn(HospitalSession.prototype, 'onUnmaskRequest').mockImplementation(function (this: HospitalSession, m) {
    const r = unmask.call(this, m);
    answered.push(this.session.attempt);
    return r;
  });
  return { seen, answered };
}

/** A daemon of `net` on the state at `statePath`: with a budget and kept outputs for a DP job, else only the ledger copy (as `client start --state` without a budget). */
function daemonOf(
  net: SimulatedNetwork,
  port: number,
  name: string,
  statePath: string,
  dp: boolean,
  o: Partial<ClientOptions>,
) {
  if (dp)
    return hospitalDaemon({
      port,
      net,
      name,
      statePath,
      seed: 70 + NAMES.indexOf(name),
      accountant: 'rdp',
      options: o,
    });
  const st = openHospitalState(statePath);
  const d = new ClientDaemon({
    coordinatorUrl: `ws://127.0.0.1:${port}`,
    name,
    dataset: syntheticDataset(70 + NAMES.indexOf(name)),
    identity: net.identity(name),
    roster: net.chain,
    ledger: st.ledger,
    ...o,
  });
  return { d, st, close: async () => (await d.stop(), st.close()) };
}

/**
 * An attempt at round 1 fails after h0 answered its unmask request (h1 and
 * h2 vanish first, and stay away); h0's daemon is then restarted on its
 * state, h1 and h2 come back, and the coordinator opens the next attempt with
 * all three (attempt 2, unless a slow machine let an earlier one time out).
 */
async function restartBetweenAttempts(dp: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-attempt-restart-'));
  const net = simulatedNetwork(NAMES);
  const coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, roster: net.chain });
  const port = await coordinator.listen();
  cleanups.push(() => coordinator.close());
  const failed: string[] = [];
  coordinator.on('roundFailed', (e) => failed.push(`${e.round}/${e.attempt}`));
  const ended = new Promise<string>((resolve) =>
    coordinator.on('job', (e) => (e.status === 'completed' || e.status === 'failed') && resolve(e.status)),
  );
  const w = watchSessions();
  const fast = { backoffMinMs: 20, backoffMaxMs: 100 };
  const gone = new Set<string>();
  const hs = NAMES.map((n) => {
    const h = daemonOf(net, port, n, join(dir, `${n}.db`), dp, {
      ...fast,
      // Round 1, once: h1 and h2 vanish before unmasking (their masked inputs sent) and stay stopped.
      crashBefore: ({ round, phase }) => {
        if (round !== 1 || phase !== 'unmask' || n === 'h0' || gone.has(n)) return false;
        gone.add(n);
        void h.d.stop();
        return true;
      },
    });
    cleanups.push(h.close);
    return h;
  });
  coordinator.submitJob(
    syntheticJob({
      rounds: 2,
      minClients: 3,
      targetClients: 3,
      roundTimeoutMs: 20_000,
      ...(dp ? { privacy: RECORD_DP } : {}),
    }),
  );
  for (const { d } of hs) d.start();
  const unmaskedAt = () => w.answered[0];
  await until(
    () => gone.size === 2 && unmaskedAt() !== undefined && failed.includes(`1/${unmaskedAt()}`),
    60_000,
    'the attempt h0 unmasked failed',
  );
  // h0 restarts: a new daemon on the same state database.
  await hs[0]!.close();
  const h0 = daemonOf(net, port, 'h0', join(dir, 'h0.db'), dp, fast);
  cleanups.push(h0.close);
  h0.d.start();
  hs[1]!.d.start();
  hs[2]!.d.start();
  const again = () => w.seen.find((s) => s.name === 'h0' && s.round === 1 && s.attempt > unmaskedAt()!);
  await until(() => again() !== undefined, 60_000, "h0's answer to the next attempt");
  return {
    again: { ...again()!, next: again()!.attempt === unmaskedAt()! + 1 },
    ended,
    spends: () => h0.st.budget.spends('synthetic-v1').map((s) => s.round),
  };
}

describe('a coordinator that has a hospital restart between two attempts of an unmasked round', () => {
  it('without DP: the restarted hospital refuses the later attempt (E_SECAGG_ATTEMPT)', async () => {
    // The lying coordinator: it does not leave the hospitals whose unmask answer it took out of the retry.
    vi.spyOn(SecureStage.prototype, 'sitOut').mockImplementation((why: string) => why);
    const r = await restartBetweenAttempts(false);
    expect(r.again).toMatchObject({ next: true, code: 'E_SECAGG_ATTEMPT' });
  }, 150_000);

  it('record-level DP: the restarted hospital trains the round afresh and is charged again, its kept output not re-sent', async () => {
    const r = await restartBetweenAttempts(true);
    expect(r.again).toMatchObject({ next: true, code: null, inputUnmasked: true });
    expect(await r.ended).toBe('completed');
    // Round 1 twice (first trained, then afresh after the restart), round 2, and round 3's evaluation release.
    expect(r.spends()).toEqual([1, 1, 2, 3]);
  }, 150_000);
});

describe('a coordinator replaying an attempt number to a restarted hospital', () => {
  it('gets the attempt it already opened, and an older one, refused (E_SECAGG_ATTEMPT)', async () => {
    const spec = resolveJob(
      parseJobSpec(syntheticJob({ rounds: 3, minClients: 3, targetClients: 4, privacy: RECORD_DP })),
      NETWORK.length,
    );
    const h = await hospitalUnderTest(spec, { cleanups });
    h.round(1, h.secagg(1, 2));
    await until(() => h.frames(1).includes('secaggAdvertise'), 60_000, 'attempt 2 advertised');
    await h.daemon.stop();
    h.state.close();
    const again = await hospitalUnderTest(spec, { cleanups, dir: h.dir });
    again.round(1, again.secagg(1, 2));
    await until(() => again.frames(1).length > 0, 60_000, 'an answer to the replayed attempt 2');
    again.round(1, again.secagg(1, 1));
    await until(() => again.frames(1).length > 1, 60_000, 'an answer to attempt 1');
    expect(again.frames(1)).toEqual(['error E_SECAGG_ATTEMPT', 'error E_SECAGG_ATTEMPT']);
    // Attempt 3 moves forward: the kept output is re-sent, at no new charge.
    again.round(1, again.secagg(1, 3));
    await until(() => again.frames(1).length > 2, 60_000, 'an answer to attempt 3');
    expect(again.frames(1)[2]).toBe('secaggAdvertise');
    expect(again.state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1]);
  }, 150_000);
});
