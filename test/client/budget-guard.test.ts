/**
 * The hospital's budget guard over real sockets: jobs it cannot afford are
 * declined before anything trains, rounds are charged before they run, a
 * refused round is reported to the coordinator, and what was spent is in the
 * hospital's own database afterwards.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { jobSpend, roundMechanism } from '../../core/job/privacy.ts';
import { accountSpend } from '../../core/privacy/spend.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { parseHospitalPolicy } from '../../core/job/policy.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const dir = () => mkdtempSync(join(tmpdir(), 'cohort-guard-'));
// Every hospital a test starts, in the roster they all signed: secure aggregation takes identity keys from it alone.
const net = simulatedNetwork(['h0', 'h1', 'h2', 'strict']);
const DP = {
  unit: 'record',
  epsilon: 5,
  delta: 1e-5,
  clip: 1,
  samplingRate: 0.1,
  noiseMultiplier: 1.5,
  accountant: 'rdp',
} as const;

async function setup(budgets: (number | null)[], job: Record<string, unknown>) {
  const d = dir();
  const coordinator = new Coordinator({ dbPath: join(d, 'c.db'), port: 0, roster: net.chain });
  const port = await coordinator.listen();
  cleanups.push(() => coordinator.close());
  const stores = budgets.map((eps, i) => {
    if (eps === null) return undefined;
    const s = new BudgetStore(join(d, `h${i}.db`));
    s.setBudget('synthetic-v1', { epsilon: eps, delta: 1e-5, accountant: 'rdp' });
    cleanups.push(() => s.close());
    return s;
  });
  const clients = budgets.map(
    (_, i) =>
      new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name: `h${i}`,
        dataset: syntheticDataset(200 + i),
        backoffMinMs: 50,
        backoffMaxMs: 300,
        identity: net.identity(`h${i}`),
        roster: net.chain,
        ...(stores[i] ? { budget: stores[i] } : {}),
      }),
  );
  cleanups.push(async () => void (await Promise.all(clients.map((c) => c.stop()))));
  const jobId = coordinator.submitJob(job);
  const done = new Promise<string>((resolve) =>
    coordinator.on('job', (e) => {
      if (e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting') resolve(e.status);
    }),
  );
  return { coordinator, clients, stores, jobId, done, url: `ws://127.0.0.1:${port}` };
}

const declined = (c: ClientDaemon) =>
  new Promise<{ code: string; reason: string }>((resolve) => c.once('declined', resolve));

describe('budget guard in the client daemon', () => {
  it('declines a job without DP when a budget is enforced, and one that costs more than the budget', async () => {
    const noDp = await setup([5], syntheticJob({ rounds: 2, minClients: 1 }));
    const d1 = declined(noDp.clients[0]!);
    noDp.clients[0]!.start();
    expect((await d1).code).toBe('E_BUDGET_EXCEEDED');

    const job = syntheticJob({ rounds: 4, minClients: 1, privacy: DP });
    const spec = (await setup([], job)).coordinator.database.listJobs()[0]!.spec!;
    const cost = jobSpend(spec).epsilon;
    const tooSmall = await setup([cost * 0.99], job);
    const d2 = declined(tooSmall.clients[0]!);
    tooSmall.clients[0]!.start();
    const why = await d2;
    expect(why.code).toBe('E_BUDGET_EXCEEDED');
    expect(why.reason).toMatch(/over this hospital's budget/);
    expect(tooSmall.stores[0]!.spends('synthetic-v1')).toHaveLength(0);
  });

  it("declines a job whose delta is above the budget's, saying nothing of the record count (red-team review, issue 15)", async () => {
    const { clients } = await setup(
      [50],
      syntheticJob({ rounds: 2, minClients: 1, privacy: { ...DP, delta: 0.01, epsilon: 20 } }),
    );
    const d = declined(clients[0]!);
    clients[0]!.start();
    const why = await d;
    expect(why.code).toBe('E_PRIVACY_PARAMS');
    expect(why.reason).toBe("privacy.delta 0.01 is above this hospital's budget delta 0.00001");
    expect(why.reason).not.toMatch(/120/);
  });

  it('declines a DP job without a budget (E_BUDGET_REQUIRED): it could record nothing it released', async () => {
    const { clients } = await setup([null], syntheticJob({ rounds: 2, minClients: 1, privacy: DP }));
    const d = declined(clients[0]!);
    clients[0]!.start();
    expect((await d).code).toBe('E_BUDGET_REQUIRED');
  });

  it('refuses to start with a budget delta not below 1/records: a local configuration error, never a decline', () => {
    const s = new BudgetStore(join(dir(), 'h.db'));
    cleanups.push(() => s.close());
    s.setBudget('synthetic-v1', { epsilon: 5, delta: 0.01, accountant: 'rdp' }); // 120 training records
    const start = () =>
      new ClientDaemon({
        coordinatorUrl: 'ws://127.0.0.1:1',
        name: 'h0',
        dataset: syntheticDataset(200),
        identity: net.identity('h0'),
        budget: s,
      });
    expect(start).toThrow(/not below 1\/records/);
    s.setBudget('synthetic-v1', { epsilon: 5, delta: 1e-3, accountant: 'rdp' });
    expect(start).not.toThrow();
  });

  it('declines a job its local policy forbids, naming the rule, before pricing it', async () => {
    const { stores, url } = await setup([50], syntheticJob({ rounds: 2, minClients: 1, privacy: DP }));
    const policed = new ClientDaemon({
      coordinatorUrl: url,
      name: 'strict',
      dataset: syntheticDataset(9),
      identity: net.identity('strict'),
      roster: net.chain,
      budget: stores[0]!,
      policy: parseHospitalPolicy({ maxEpsilon: 1 }),
    });
    cleanups.push(() => policed.stop());
    const d = declined(policed);
    policed.start();
    const why = await d;
    expect(why.code).toBe('E_POLICY_DECLINED');
    expect(why.reason).toMatch(/epsilon 5 is above this hospital's maximum of 1/);
    expect(stores[0]!.spends('synthetic-v1')).toHaveLength(0);
  });

  it('charges every round before it trains; the spent epsilon equals the accountant for the rounds trained', async () => {
    const { clients, stores, jobId, done, coordinator } = await setup(
      [50, 50],
      syntheticJob({
        rounds: 3,
        minClients: 2,
        targetClients: 2,
        privacy: DP,
        secureAggregation: PAIR_SECURE_AGGREGATION,
      }),
    );
    for (const c of clients) c.start();
    expect(await done).toBe('completed');
    const spec = coordinator.database.getJob(jobId)!.spec;
    for (const s of stores) {
      const rows = s!.spends('synthetic-v1');
      // Three training rounds, then the final evaluation's noisy counts (round 4).
      expect(rows.map((r) => [r.jobId, r.round])).toEqual([
        [jobId, 1],
        [jobId, 2],
        [jobId, 3],
        [jobId, 4],
      ]);
      expect(rows[3]!.mechanism).toEqual(roundMechanism(spec, 4));
      expect(rows[2]!.epsilonAfter).toBeCloseTo(
        accountSpend(
          [1, 2, 3].map(() => roundMechanism(spec)),
          1e-5,
          'rdp',
        ).epsilon,
        12,
      );
      expect(s!.summary('synthetic-v1').spent.epsilon).toBeCloseTo(jobSpend(spec).epsilon, 12);
    }
  });

  it('refuses a round the budget no longer covers; the coordinator drops that hospital and the job goes on', async () => {
    // Once h2 is dropped the job goes on with two hospitals: secure aggregation for a pair (no colluder assumed).
    const { clients, stores, jobId, done, coordinator } = await setup(
      [50, 50, 50],
      syntheticJob({
        rounds: 3,
        minClients: 2,
        targetClients: 3,
        joinWaitMs: 300,
        privacy: DP,
        secureAggregation: PAIR_SECURE_AGGREGATION,
      }),
    );
    const spec = coordinator.database.getJob(jobId)!.spec;
    const oneRound = accountSpend([roundMechanism(spec)], 1e-5, 'rdp').epsilon;
    // h2 lowers its budget after admission to what one round costs: round 2 must be refused.
    clients[2]!.once('joined', () =>
      stores[2]!.setBudget('synthetic-v1', { epsilon: oneRound * 1.001, delta: 1e-5, accountant: 'rdp' }),
    );
    const refused = new Promise<{ round: number }>((resolve) => clients[2]!.once('refused', resolve));
    for (const c of clients) c.start();
    const r = (await refused).round;
    expect(await done).toBe('completed');
    // h2 may have joined after round 1 started: it trains one round, whichever, and is refused the next.
    const spent = stores[2]!.spends('synthetic-v1').map((x) => x.round);
    expect(spent).toEqual([r - 1]);
    const rounds = coordinator.database.rounds(jobId);
    expect(rounds[r - 1]!.participants).toContain('h2');
    expect(rounds[r - 1]!.dropped).toContain('h2');
    for (const later of rounds.slice(r)) expect(later.participants).not.toContain('h2');
    // No longer a member, h2 is still told the job ended (issue 16, finding 3): its reservation closes, its round stays spent.
    await until(() => !stores[2]!.reserved('synthetic-v1', jobId), 10_000, "h2's reservation closed");
    expect(stores[2]!.jobEnded('synthetic-v1', jobId)).toBe(true);
    expect(stores[2]!.committedSpend('synthetic-v1').epsilon).toBe(stores[2]!.summary('synthetic-v1').spent.epsilon);
  });
});
