/**
 * Graded authorisation: every role/action pair of the policy table, checked
 * end to end through authenticated requests to a live coordinator, plus
 * ownership (a researcher acts only on its own jobs) and the auditor's view
 * (metadata, never a model).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coordinator, RoundEvent } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { request, type RequestBody } from '../../client/request.ts';
import { writeIdentityKey } from '../../edge/keys.ts';
import { ACTIONS, POLICY, ROLES, denial, type Role } from '../../core/auth/policy.ts';
import type { Identity } from '../../core/secagg/index.ts';
import { CohortError } from '../../core/errors.ts';
import type { LedgerEntry, RoundBody, SealedEntry } from '../../core/ledger/types.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { enrolledCoordinator } from '../helpers/enroll.ts';

let coordinator: Coordinator;
let port: number;
const dir = mkdtempSync(join(tmpdir(), 'cohort-roles-'));
let ids: Record<string, Identity>;
// h1 and h2 run daemons (one live connection per identity); h3 is the hospital that sends requests.
const users: Record<string, Role> = {
  ada: 'admin',
  rita: 'researcher',
  rob: 'researcher',
  aud: 'auditor',
  h1: 'hospital',
  h2: 'hospital',
  h3: 'hospital',
};
const daemons: ClientDaemon[] = [];
let ritasJob = '';
/** The CLI test's job runs on beside later tests; a test that counts ledger entries waits for its end. */
let cliJobEnded: Promise<void> = Promise.resolve();
// The hospitals' signed roster; each hospital is enrolled under its roster key. Jobs here run on h1 and h2 alone.
const net = simulatedNetwork(['h1', 'h2', 'h3']);
const job = (o: Record<string, unknown>) =>
  syntheticJob({ privacy: RECORD_DP, secureAggregation: PAIR_SECURE_AGGREGATION, ...o });

beforeAll(async () => {
  ({ coordinator, port, ids } = await enrolledCoordinator({ dbPath: join(dir, 'c.db'), people: users, net }));
  for (const h of ['h1', 'h2']) {
    // A budget: a DP job is declined without one.
    const budget = new BudgetStore(join(dir, `${h}.db`));
    budget.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: 'pld' });
    const d = new ClientDaemon({
      coordinatorUrl: `ws://127.0.0.1:${port}`,
      name: h,
      dataset: syntheticDataset(h === 'h1' ? 1 : 2),
      identity: ids[h]!,
      roster: net.chain,
      budget,
    });
    daemons.push(d);
    d.start();
  }
  // A researcher's job is checked against the datasets hospitals have offered: let them connect first.
  await Promise.all(daemons.map((d) => new Promise<void>((resolve) => d.once('connected', () => resolve()))));
  const done = new Promise<void>((resolve) => coordinator.on('job', (e) => e.status === 'completed' && resolve()));
  ritasJob = (
    (
      await as('rita', {
        action: 'job.submit',
        specJson: JSON.stringify(job({ rounds: 1, minClients: 2, targetClients: 2 })),
      })
    ).json as { jobId: string }
  ).jobId;
  await done;
});
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  await coordinator.close();
});

const as = (name: string, body: RequestBody) =>
  request({ coordinatorUrl: `ws://127.0.0.1:${port}`, name, identity: ids[name]! }, body);
const outcome = async (name: string, body: RequestBody): Promise<string> => {
  try {
    await as(name, body);
    return 'ok';
  } catch (e) {
    return e instanceof CohortError ? e.code : String(e);
  }
};

describe('the policy table', () => {
  it('grants exactly: researchers submit and act on their own jobs, auditors read metadata and the ledger, hospitals join and read their own entries, admins manage', () => {
    const grid = Object.fromEntries(
      ROLES.map((r) => [r, ACTIONS.filter((a) => POLICY[a][r]).map((a) => `${a}:${POLICY[a][r]}`)]),
    );
    expect(grid).toEqual({
      admin: [
        'job.list:any',
        'job.status:any',
        'job.pause:any',
        'job.resume:any',
        'job.cancel:any',
        'ledger.read:any',
        'ledger.prove:any',
        'dashboard.login:any',
        'dashboard.ledger:any',
        'dashboard.hospitals:any',
      ],
      researcher: [
        'job.submit:any',
        'job.list:own',
        'job.status:own',
        'job.pause:own',
        'job.resume:own',
        'job.cancel:own',
        'job.download:own',
        'dashboard.login:any',
        'dashboard.hospitals:any',
      ],
      auditor: [
        'job.list:any',
        'job.status:any',
        'ledger.read:any',
        'ledger.prove:any',
        'dashboard.login:any',
        'dashboard.ledger:any',
        'dashboard.hospitals:any',
      ],
      hospital: ['job.join:any', 'ledger.read:own', 'ledger.prove:any'],
    });
    expect(denial('researcher', 'rita', 'ledger.read')).toMatch(/may not read the ledger/);
    expect(denial('researcher', 'rob', 'job.download', 'rita')).toMatch(/only its own jobs/);
    expect(denial('auditor', 'aud', 'job.download', 'rita')).toMatch(/may not download/);
  });
});

describe('every role/action pair against a live coordinator', () => {
  // Cancel last: it would change the job (already completed, so a granted cancel is refused by its state).
  const actions = [
    'job.submit',
    'job.list',
    'job.status',
    'job.download',
    'ledger.read',
    'ledger.prove',
    'job.pause',
    'job.resume',
    'job.cancel',
  ] as const;
  const body = (a: (typeof actions)[number]): RequestBody =>
    a === 'job.submit'
      ? { action: a, specJson: JSON.stringify(job({ rounds: 1, name: 'x' })) }
      : a === 'job.list' || a === 'ledger.read' || a === 'ledger.prove'
        ? { action: a }
        : { action: a, jobId: ritasJob };
  for (const [name, role] of Object.entries(users).filter(([n]) => n !== 'h1' && n !== 'h2')) {
    for (const a of actions) {
      const owner = 'rita';
      const granted = !denial(
        role,
        name,
        a,
        a === 'job.submit' || a === 'job.list' || a === 'ledger.read' || a === 'ledger.prove' ? undefined : owner,
      );
      // Rita's job has completed: a granted pause, resume or cancel reaches the job and is refused by its state.
      const expected = !granted
        ? 'E_FORBIDDEN'
        : a === 'job.pause' || a === 'job.resume' || a === 'job.cancel'
          ? 'E_JOB_STATE'
          : 'ok';
      it(`${role} ${name} ${a}: ${expected === 'ok' ? 'allowed' : 'denied'}`, async () => {
        expect(await outcome(name, body(a))).toBe(expected);
      });
    }
  }

  it('a researcher lists only its own jobs; an auditor sees all, as metadata without weights', async () => {
    const mine = (await as('rita', { action: 'job.list' })).json as { id: string; owner: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((j) => j.owner === 'rita')).toBe(true);
    const robs = (await as('rob', { action: 'job.list' })).json as { id: string; owner: string }[];
    expect(robs.every((j) => j.owner === 'rob')).toBe(true);
    expect(robs.map((j) => j.id)).not.toContain(ritasJob);
    const all = await as('aud', { action: 'job.list' });
    expect((all.json as unknown[]).length).toBe(mine.length + robs.length);
    expect(all.model).toBeNull();
    expect(JSON.stringify(all.json)).not.toMatch(/weights/);
    const status = await as('aud', { action: 'job.status', jobId: ritasJob });
    expect(status.model).toBeNull();
    expect((status.json as { rounds: unknown[] }).rounds.length).toBe(2);
  });

  it('every denial is a ledger entry (once per identity, action and job, whatever the connection), and the ledger verifies', async () => {
    const { readCoordinatorLedger } = await import('../../coordinator/ledger-reader.ts');
    const { verifyFiles } = await import('../../coordinator/ledger-audit.ts');
    const before = readCoordinatorLedger(join(dir, 'c.db')).entries.length;
    // The matrix denied aud this download already: a new connection does not record it again.
    expect(await outcome('aud', { action: 'job.download', jobId: ritasJob })).toBe('E_FORBIDDEN');
    expect(readCoordinatorLedger(join(dir, 'c.db')).entries.length).toBe(before);
    expect(await outcome('aud', { action: 'job.download', jobId: 'another-job' })).toBe('E_FORBIDDEN');
    const entries = readCoordinatorLedger(join(dir, 'c.db')).entries.map(
      (e) => JSON.parse(e.canonical) as { kind: string; jobId: string; body: Record<string, unknown> },
    );
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({
      kind: 'access-denial',
      jobId: 'another-job',
      body: { subject: 'aud', role: 'auditor', action: 'job.download' },
    });
    const denials = entries.filter((e) => e.kind === 'access-denial');
    expect(denials.length).toBeGreaterThanOrEqual(Object.keys(users).length); // the matrix's denied pairs
    expect(verifyFiles({ db: join(dir, 'c.db') }).ok).toBe(true);
  });

  it("job status gives the owner each hospital's rounds charged and epsilon spent, as the job's round entries record them", async () => {
    const entries = coordinator.database
      .ledgerEntriesAfter(0, ritasJob, 1000)
      .map((e) => JSON.parse(e.canonical) as LedgerEntry)
      .filter((e) => e.kind === 'round');
    const expected = new Map<string, { hospital: string; rounds: number; epsilon: number }>();
    for (const e of entries)
      for (const sp of (e.body as RoundBody).spends) {
        const was = expected.get(sp.hospital);
        expected.set(sp.hospital, {
          hospital: sp.hospital,
          rounds: (was?.rounds ?? 0) + 1,
          epsilon: sp.cumulativeEpsilon,
        });
      }
    const status = (await as('rita', { action: 'job.status', jobId: ritasJob })).json as {
      spent: { hospital: string; rounds: number; epsilon: number }[];
      roundsPlanned: number;
      completedRounds: number;
      evaluated: boolean;
    };
    expect(status.roundsPlanned).toBe(1);
    // The stored count includes the final evaluation round: 1 of 1 and evaluated, never "2 of 1".
    expect(status).toMatchObject({ completedRounds: 1, evaluated: true });
    expect(status.spent).toEqual([expected.get('h1'), expected.get('h2')]);
    expect(status.spent.every((x) => x.rounds >= 1 && x.epsilon > 0)).toBe(true);
    // Another researcher's request for it reads as forbidden, spend and all.
    expect(await outcome('rob', { action: 'job.status', jobId: ritasJob })).toBe('E_FORBIDDEN');
    // The CLI prints the table and says whose account it is.
    const key = join(dir, 'rita-status.key');
    writeIdentityKey(key, ids.rita!);
    const common = ['--coordinator', `ws://127.0.0.1:${port}`, '--name', 'rita', '--identity', key];
    const { stdout } = await promisify(execFile)('node', ['cohort.mjs', 'job', 'status', ritasJob, ...common], {
      encoding: 'utf8',
    });
    expect(stdout).toContain(`job ${ritasJob}`);
    expect(stdout).toContain('rounds completed: 1 of 1, final model evaluated');
    expect(stdout).toContain(
      "as recorded in the coordinator's ledger; each hospital's own budget database is authoritative",
    );
    for (const h of status.spent)
      expect(stdout).toMatch(new RegExp(`${h.hospital}[ │]+${h.rounds}[ │]+${h.epsilon.toFixed(4)}`));
  });

  it('the owner downloads the trained model (from the store: a finished job is no longer held in memory)', async () => {
    expect(Object.keys(coordinator.snapshot().jobs)).not.toContain(ritasJob);
    const r = await as('rita', { action: 'job.download', jobId: ritasJob });
    expect(Buffer.from(r.model!.buffer).equals(Buffer.from(coordinator.jobState(ritasJob)!.weights.buffer))).toBe(true);
  });

  it('a bad spec or one without a privacy target is refused; an unknown job reads as forbidden to a researcher', async () => {
    const bad = await outcome('rita', {
      action: 'job.submit',
      specJson: JSON.stringify(syntheticJob({ rounds: 0, privacy: RECORD_DP })),
    });
    expect(bad).toBe('E_JOB_SPEC');
    // No privacy target: refused.
    expect(await outcome('rita', { action: 'job.submit', specJson: JSON.stringify(syntheticJob({ rounds: 1 })) })).toBe(
      'E_JOB_SPEC',
    );
    expect(await outcome('rita', { action: 'job.status', jobId: 'nope' })).toBe('E_FORBIDDEN');
    expect(await outcome('aud', { action: 'job.status', jobId: 'nope' })).toBe('E_UNKNOWN_JOB');
  });

  it('cohort job submit/list/download through the CLI', async () => {
    // Asynchronous: the coordinator lives in this process and must keep answering.
    const cli = async (...args: string[]) => {
      try {
        return {
          out: (await promisify(execFile)('node', ['cohort.mjs', ...args], { encoding: 'utf8' })).stdout,
          err: '',
        };
      } catch (e) {
        return { out: '', err: String((e as { stderr: string }).stderr) };
      }
    };
    const key = join(dir, 'rita.key');
    writeIdentityKey(key, ids.rita!);
    const spec = join(dir, 'job.json');
    writeFileSync(spec, JSON.stringify(job({ rounds: 1, name: 'cli', targetClients: 2 })));
    const common = ['--coordinator', `ws://127.0.0.1:${port}`, '--name', 'rita', '--identity', key];
    cliJobEnded = new Promise<void>((resolve) =>
      coordinator.on(
        'job',
        (e) => e.jobId.startsWith('cli-') && !['running', 'waiting'].includes(e.status) && resolve(),
      ),
    );
    const out = JSON.parse((await cli('job', 'submit', spec, ...common)).out) as { jobId: string };
    expect(out.jobId).toMatch(/^cli-/);
    const listed = JSON.parse((await cli('job', 'list', ...common)).out) as { id: string }[];
    expect(listed.map((j) => j.id)).toContain(out.jobId);
    const weights = join(dir, 'w.bin');
    await cli('job', 'download', ritasJob, '--out', weights, '--format', 'raw', ...common);
    expect(readFileSync(weights).length).toBe(4 * 4);
    // The default: a tfjs LayersModel folder, built from the spec the coordinator sends with the weights.
    const folder = join(dir, 'model');
    await cli('job', 'download', ritasJob, '--out', folder, ...common);
    expect(readFileSync(join(folder, 'weights.bin')).length).toBe(4 * 4);
    expect((JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { format: string }).format).toBe(
      'layers-model',
    );
    writeFileSync(
      spec,
      JSON.stringify({
        ...syntheticJob({ rounds: 1 }),
        model: { inputDim: 3, layers: [{ units: 1, activation: 'softmax' }] },
      }),
    );
    expect((await cli('job', 'submit', spec, ...common)).err).toMatch(/E_JOB_SPEC: "model.layers.0.activation"/);
  });
});

describe('pause and resume on a live job', () => {
  it('a paused job finishes the round in flight, stays paused (also in the store), and completes once its owner resumes it', async () => {
    let pausedId: (id: string) => void;
    const paused = new Promise<string>((resolve) => (pausedId = resolve));
    // The round in flight closing is the moment a next round would open: the job machine opens it in that same
    // step (core/round/job.ts, tick), so what is in flight then is read inside the event, not after a wait.
    const inFlightAfterRound2 = new Promise<number | null>((resolve) => {
      const onRound = (e: RoundEvent) => {
        if (!e.jobId.startsWith('pausable-')) return;
        if (e.record.round === 1) {
          // Round 2 is already open when round 1's event fires: it is the round in flight.
          coordinator.pauseJob(e.jobId, 'paused by the test');
          pausedId(e.jobId);
        } else if (e.record.round === 2) {
          coordinator.off('round', onRound);
          resolve(coordinator.snapshot().jobs[e.jobId]?.round ?? null);
        }
      };
      coordinator.on('round', onRound);
    });
    const spec = job({ rounds: 3, minClients: 2, targetClients: 2, name: 'pausable' });
    const id = ((await as('rita', { action: 'job.submit', specJson: JSON.stringify(spec) })).json as { jobId: string })
      .jobId;
    expect(await paused).toBe(id);
    expect(await inFlightAfterRound2).toBeNull();
    expect(coordinator.jobState(id)).toMatchObject({ status: 'paused', completedRounds: 2 });
    expect(coordinator.database.getJob(id)!.status).toBe('paused');
    expect((await as('aud', { action: 'job.status', jobId: id })).json).toMatchObject({ status: 'paused' });
    expect(await outcome('rob', { action: 'job.resume', jobId: id })).toBe('E_FORBIDDEN');
    // Requests handled since round 2 closed, and the hospitals' frames with them: still no round in flight.
    expect(coordinator.snapshot().jobs[id]?.round ?? null).toBeNull();

    const completed = new Promise<void>((resolve) =>
      coordinator.on('job', (e) => e.jobId === id && e.status === 'completed' && resolve()),
    );
    expect((await as('rita', { action: 'job.resume', jobId: id })).json).toMatchObject({
      jobId: id,
      status: 'running',
    });
    await completed;
    expect(coordinator.jobState(id)!.completedRounds).toBe(4);
    expect(await outcome('rita', { action: 'job.pause', jobId: id })).toBe('E_JOB_STATE');
  });
});

describe('reading the ledger over the authenticated connection', () => {
  const parse = (e: SealedEntry) => JSON.parse(e.canonical) as LedgerEntry & { body: Record<string, unknown> };

  it('an auditor reads every entry; a hospital only the entries that concern it', async () => {
    await cliJobEnded;
    const before = coordinator.database.ledgerEntries();
    const page = (await as('aud', { action: 'ledger.read' })).json as {
      scope: string;
      entries: SealedEntry[];
      more: boolean;
      coordinatorKey: string;
    };
    // Another test's job may still be writing entries: the page is every entry there was when it was read.
    const all = coordinator.database.ledgerEntries();
    expect(page.scope).toBe('all');
    expect(page.more).toBe(false);
    expect(page.entries.length).toBeGreaterThanOrEqual(before.length);
    expect(page.entries).toEqual(all.slice(0, page.entries.length));
    expect(page.coordinatorKey).toBe(coordinator.database.ledgerKey());
    const one = (await as('aud', { action: 'ledger.read', jobId: ritasJob })).json as { entries: SealedEntry[] };
    expect(one.entries.length).toBeGreaterThan(2);
    expect(one.entries.every((e) => parse(e).jobId === ritasJob)).toBe(true);

    // h3 trained nothing: its own ledger is its enrolment and its denials.
    const own = (await as('h3', { action: 'ledger.read' })).json as { scope: string; entries: SealedEntry[] };
    expect(own.scope).toBe('own');
    const expected = all.filter((e) => parse(e).body['subject'] === 'h3').map((e) => e.seq);
    expect(expected.length).toBeGreaterThan(1);
    expect(own.entries.map((e) => e.seq)).toEqual(expected);
  });

  it('cohort ledger fetch verifies the whole chain for an auditor, each seal for a hospital, and fails under another key', async () => {
    const run = async (...args: string[]) => {
      try {
        return {
          code: 0,
          out: (await promisify(execFile)('node', ['cohort.mjs', 'ledger', 'fetch', ...args], { encoding: 'utf8' }))
            .stdout,
        };
      } catch (e) {
        return { code: (e as { code: number }).code, out: String((e as { stdout: string }).stdout) };
      }
    };
    const common = (who: string) => {
      const key = join(dir, `${who}.key`);
      if (!existsSync(key)) writeIdentityKey(key, ids[who]!);
      return ['--coordinator', `ws://127.0.0.1:${port}`, '--name', who, '--identity', key];
    };
    const out = join(dir, 'fetched.json');
    await cliJobEnded; // no entry is written between the fetch and the count below
    const aud = await run(...common('aud'), '--coordinator-key', coordinator.database.ledgerKey()!, '--out', out);
    expect(aud.code).toBe(0);
    expect(aud.out).toMatch(/^ledger OK: \d+ entries \(all\); checked the whole chain/);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { entries: unknown[] }).entries.length).toBe(
      coordinator.database.ledgerEntries().length,
    );
    const h3 = await run(...common('h3'), '--own');
    expect(h3.code).toBe(0);
    expect(h3.out).toMatch(/entries \(your own\); checked each entry's hash and seal/);
    const wrong = await run(...common('aud'), '--coordinator-key', Buffer.from(ids.aud!.publicKey).toString('hex'));
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^ledger FAILED at|^ledger FAILED: entry 1: bad-signature/);
  });
});

describe('feature check at submission', () => {
  it("refuses a job whose features no connected hospital's schema has, naming them", async () => {
    const spec = syntheticJob({ rounds: 1, privacy: RECORD_DP, features: ['f0', 'f1', 'cholesterol'] });
    try {
      await as('rita', { action: 'job.submit', specJson: JSON.stringify(spec) });
      expect.unreachable();
    } catch (e) {
      expect((e as CohortError).code).toBe('E_JOB_FEATURES');
      expect((e as CohortError).message).toMatch(/"cholesterol" is in no hospital's schema/);
    }
    const reordered = syntheticJob({ rounds: 1, privacy: RECORD_DP, features: ['f2', 'f1', 'f0'] });
    expect(await outcome('rita', { action: 'job.submit', specJson: JSON.stringify(reordered) })).toBe('E_JOB_FEATURES');
  });
});
