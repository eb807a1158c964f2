import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { jobEnded } from '../helpers/job-ended.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { signedClient } from '../helpers/signed-client.ts';

// The hospitals' signed roster: secure aggregation takes every identity key from it, never from the coordinator.
const net = simulatedNetwork(['alpha', 'beta', 'gamma']);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'cohort-test-')), 'coordinator.db');
}

async function startCoordinator(dbPath: string, port = 0) {
  const coordinator = new Coordinator({ dbPath, port, roster: net.chain });
  const actual = await coordinator.listen();
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await coordinator.close();
    }
  };
  cleanups.push(close);
  return { coordinator, port: actual, close };
}

/** Roster members' daemons, each holding its roster key and the roster; `withRoster: false` leaves the roster out. */
function startClients(port: number, names: string[], { withRoster = true } = {}) {
  const clients = names.map(
    (name, i) =>
      new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name,
        dataset: syntheticDataset(100 + i),
        backoffMinMs: 50,
        backoffMaxMs: 300,
        identity: net.identity(name),
        ...(withRoster ? { roster: net.chain } : {}),
      }),
  );
  for (const c of clients) c.start();
  cleanups.push(async () => void (await Promise.all(clients.map((c) => c.stop()))));
  return clients;
}

describe('coordinator and clients over loopback WebSockets', () => {
  it('trains a job end to end with three hospitals', async () => {
    const { coordinator, port } = await startCoordinator(tmpDb());
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 3 }));
    const done = jobEnded(coordinator, jobId);
    const clients = startClients(port, ['alpha', 'beta', 'gamma']);
    const seen = new Map<string, number[]>();
    for (const c of clients) c.on('round', (e) => seen.set(c.name, [...(seen.get(c.name) ?? []), e.round]));

    expect(await done).toBe('completed');
    const rounds = coordinator.database.rounds(jobId);
    expect(rounds.map((r) => [r.round, r.kind])).toEqual([
      [1, 'train'],
      [2, 'train'],
      [3, 'train'],
      [4, 'evaluate'],
    ]);
    for (const r of rounds) expect(r.participants).toEqual(['alpha', 'beta', 'gamma']);
    for (const c of clients) expect(seen.get(c.name)).toEqual([1, 2, 3, 4]);
    const final = rounds.at(-1)!;
    expect(Object.keys(final.evaluations).sort()).toEqual(['alpha', 'beta', 'gamma']);
    // The untrained model starts near chance; three rounds of FedAvg learn the separable rule.
    expect(rounds[0]!.pooled!.accuracy).toBeLessThan(final.pooled!.accuracy);
    expect(final.pooled!.accuracy).toBeGreaterThan(0.85);
    const state = coordinator.jobState(jobId)!;
    expect(state.status).toBe('completed');
    expect(state.weights.every(Number.isFinite)).toBe(true);
  });

  it('a restarted coordinator resumes the job at the last completed round', async () => {
    const dbPath = tmpDb();
    const first = await startCoordinator(dbPath);
    const jobId = first.coordinator.submitJob(syntheticJob({ rounds: 4 }));
    const afterTwo = new Promise<Float32Array>((resolve) => {
      first.coordinator.on('round', (e) => {
        if (e.record.round === 2) resolve(e.record.weights);
      });
    });
    startClients(first.port, ['alpha', 'beta', 'gamma']);
    const weightsAfterTwo = await afterTwo;
    // Stop the coordinator between rounds, as a crash would: round 3 is in flight and lost.
    await first.close();

    const second = await startCoordinator(dbPath, first.port);
    expect(second.coordinator.jobState(jobId)).toMatchObject({ completedRounds: 2 });
    expect([...second.coordinator.jobState(jobId)!.weights]).toEqual([...weightsAfterTwo]);
    const done = jobEnded(second.coordinator, jobId);
    expect(await done).toBe('completed'); // the daemons reconnected on their own
    const rounds = second.coordinator.database.rounds(jobId);
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3, 4, 5]);
    expect(rounds.at(-1)!.kind).toBe('evaluate');
  });

  it('a daemon started without a roster declines a secure-aggregation job with E_ROSTER_MISSING', async () => {
    const { coordinator, port } = await startCoordinator(tmpDb());
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 1 }));
    // alpha holds its roster key but no roster: it has nowhere trustworthy to take its peers' keys from.
    const [alpha] = startClients(port, ['alpha'], { withRoster: false });
    const declined = await new Promise<{ jobId: string; code: string }>((resolve) => alpha!.once('declined', resolve));
    expect(declined).toMatchObject({ jobId, code: 'E_ROSTER_MISSING' });
    expect(coordinator.jobState(jobId)).toMatchObject({ status: 'waiting', completedRounds: 0 });
  });

  it("a job every hospital that could run it declines fails at once, naming each one's code and reason", async () => {
    const { coordinator, port } = await startCoordinator(tmpDb());
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 1 }));
    const ended = new Promise<{ status: string; reason: string }>((resolve) =>
      coordinator.on('job', (e) => {
        if (e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting') resolve(e);
      }),
    );
    // Every roster member connects without its roster: each declines, and no one is left who could run it.
    startClients(port, ['alpha', 'beta', 'gamma'], { withRoster: false });
    const e = await ended;
    expect(e.status).toBe('failed');
    for (const h of ['alpha', 'beta', 'gamma']) expect(e.reason).toContain(`${h}: E_ROSTER_MISSING`);
    // What the researcher's `job status` reads: the stored status and reason.
    expect(coordinator.database.jobListing(jobId)).toMatchObject({ status: 'failed', reason: e.reason });
    expect(coordinator.database.jobListing(jobId)!.reason).toMatch(/^declined by every hospital: /);
  });

  it("a hostile hospital cannot write on the researcher's terminal through its decline: a frame with control or bidi characters is refused", async () => {
    const { coordinator, port } = await startCoordinator(tmpDb());
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 1 }));
    for (const name of ['alpha', 'beta', 'gamma']) {
      const raw = await signedClient(port, name, net.identity(name));
      cleanups.push(async () => raw.close());
      await raw.waitFor((e) => e.body === 'jobOffer' && e.jobId === jobId);
      raw.sendUncleaned({ jobId, declineJob: { code: 'E_\u001b[2J', reason: '\u001b[31mok\u202e\u0007\nfine' } });
      // Answered once, then disconnected (core/printable.ts): the decline is never taken.
      const answer = await raw.waitFor((e) => e.body === 'error');
      expect(answer.error!.code).toBe('E_WIRE_FIELD');
      expect(await raw.waitClosed()).toBe(1007);
    }
    // Every hospital's decline was refused, so none stands: the job waits for hospitals that can run it.
    const listed = coordinator.database.jobListing(jobId)!;
    expect(listed.status).toBe('waiting');
    expect(listed.reason ?? '').not.toMatch(/[\p{Cc}\p{Cf}]|ok|fine/u);
  });

  it("a budget refusal in a declined-by-all job's reason gives the code, not the hospital's budget figures", async () => {
    const { coordinator, port } = await startCoordinator(tmpDb());
    const jobId = coordinator.submitJob(syntheticJob({ rounds: 2, privacy: RECORD_DP }));
    const ended = jobEnded(coordinator, jobId);
    const dir = mkdtempSync(join(tmpdir(), 'cohort-budgets-'));
    for (const [i, name] of ['alpha', 'beta', 'gamma'].entries()) {
      const budget = new BudgetStore(join(dir, `${name}.db`));
      cleanups.push(async () => budget.close());
      // Far below what the job costs: each hospital declines it with E_BUDGET_EXCEEDED.
      budget.setBudget('synthetic-v1', { epsilon: 0.01, delta: 1e-5, accountant: 'pld' });
      const d = new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name,
        dataset: syntheticDataset(100 + i),
        identity: net.identity(name),
        roster: net.chain,
        budget,
      });
      cleanups.push(() => d.stop());
      d.start();
    }
    expect(await ended).toBe('failed');
    const reason = coordinator.database.jobListing(jobId)!.reason;
    for (const h of ['alpha', 'beta', 'gamma'])
      expect(reason).toContain(`${h}: E_BUDGET_EXCEEDED its privacy budget cannot take the job`);
    expect(reason).not.toMatch(/0\.01|would spend/);
  });
});
