/**
 * Issue 16, finding 2: one enrolled hospital poisoned a job without secure
 * aggregation for good. Its update had only to be finite: 3·10^38 on every
 * coordinate, weighted 10^9 examples, drove the global weights to Infinity
 * in two rounds; then `job list` failed for everyone, the admin could not
 * cancel the job, and a coordinator restarted on that database exited at
 * once. Here, against a real coordinator with enrolment:
 * - the hostile update is refused (E_UPDATE_BOUND), its sender leaves the
 *   round, the weights stay finite and small, the job lists and the admin
 *   cancels it;
 * - a database in the state the old code left (non-finite weights, and the
 *   other things a row can hold: a spec that is not JSON, a weights blob of
 *   the wrong length, a server state that does not decode, round rows that
 *   are not JSON) is one a coordinator starts on, in process and out of it:
 *   the jobs it cannot resume are marked failed with a job-ended ledger
 *   entry, the rest resume, every job lists, and the admin cancels.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator, type RoundEvent } from '../../coordinator/coordinator.ts';
import { DashboardReader } from '../../coordinator/dashboard/reader.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { request, type RequestBody } from '../../client/request.ts';
import { CohortError } from '../../core/errors.ts';
import type { Identity } from '../../core/secagg/index.ts';
import type { Role } from '../../core/auth/policy.ts';
import type { LedgerEntry } from '../../core/ledger/types.ts';
import { tensorOf } from '../../edge/wire/codec.ts';
import { SYNTH_FEATURES, syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { until } from '../helpers/until.ts';
import { signedClient } from '../helpers/signed-client.ts';
import { startCoordinatorProcess } from '../helpers/coordinator-process.ts';
import { enrolledCoordinator } from '../helpers/enroll.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Secure aggregation off: the explicit, logged opt-out whose updates the coordinator sees. */
const plaintextJob = (o: Record<string, unknown> = {}) =>
  syntheticJob({ secureAggregation: { enabled: false }, roundTimeoutMs: 20_000, ...o });
/** The model of syntheticJob: 3 inputs and a bias. */
const DIM = 4;

async function coordinatorWithIds(dbPath: string, people: Record<string, Role>) {
  const { coordinator, port, ids } = await enrolledCoordinator({ dbPath, people });
  cleanups.push(() => coordinator.close());
  const as = (name: string, body: RequestBody) =>
    request({ coordinatorUrl: `ws://127.0.0.1:${port}`, name, identity: ids[name]! }, body);
  return { coordinator, port, ids, as };
}

const outcome = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof CohortError ? e.code : String(e);
  }
};

/** An enrolled hospital driven by hand: the signed handshake, then whatever frames the test sends. */
async function hostileHospital(port: number, name: string, id: Identity): Promise<RawClient> {
  const r = await signedClient(port, name, id, {
    hello: { datasets: [{ schemaId: 'synthetic-v1', features: SYNTH_FEATURES, label: 'y' }] },
  });
  cleanups.push(() => r.close());
  return r;
}

function honestHospital(port: number, name: string, identity: Identity, seed: number): ClientDaemon {
  const d = new ClientDaemon({
    coordinatorUrl: `ws://127.0.0.1:${port}`,
    name,
    dataset: syntheticDataset(seed),
    identity,
    backoffMinMs: 50,
    backoffMaxMs: 200,
  });
  cleanups.push(() => d.stop());
  d.start();
  return d;
}

const entriesOf = (db: string, jobId: string) =>
  readCoordinatorLedger(db)
    .entries.map((e) => JSON.parse(e.canonical) as LedgerEntry)
    .filter((e) => e.jobId === jobId);

describe('finding 2: a hostile hospital in a job without secure aggregation', () => {
  it('has its 3e38 x 1e9 update refused and leaves the round; the weights stay finite, the job lists, the admin cancels it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-f2-'));
    const db = join(dir, 'c.db');
    const { coordinator, port, ids, as } = await coordinatorWithIds(db, {
      ada: 'admin',
      aud: 'auditor',
      h1: 'hospital',
      h2: 'hospital',
      evil: 'hospital',
    });
    const jobId = coordinator.submitJob(plaintextJob({ rounds: 50, minClients: 2, targetClients: 3 }));
    const rounds: RoundEvent[] = [];
    coordinator.on('round', (e) => e.jobId === jobId && rounds.push(e));

    const evil = await hostileHospital(port, 'evil', ids.evil!);
    await evil.waitFor((e) => e.body === 'jobOffer' && e.jobId === jobId);
    // Declaring 10^9 examples is refused at join: above the job's updateBound.maxExamples.
    evil.send({ jobId, joinJob: { weight: 1e9 } });
    expect((await evil.waitFor((e) => e.body === 'error')).error!.code).toBe('E_UPDATE_BOUND');
    evil.send({ jobId, joinJob: { weight: 120 } });
    honestHospital(port, 'h1', ids.h1!, 1);
    honestHospital(port, 'h2', ids.h2!, 2);

    /** In `round`, the red team's update, 3e38 everywhere, weighted `numExamples`: the error it is answered with. */
    const poison = async (round: number, numExamples: number) => {
      await evil.waitFor((e) => e.body === 'roundConfig' && e.round === round);
      const delta = tensorOf(new Float32Array(DIM).fill(3e38));
      evil.send({ jobId, round, update: { delta, numExamples, trainLoss: 0.1, steps: 1 } });
      return (await evil.waitFor((e) => e.body === 'error' && e.round === round)).error!;
    };
    // Round 1: weighted 1e9, more than it declared: refused, and it leaves the round.
    expect(await poison(1, 1e9)).toMatchObject({ code: 'E_UPDATE_BOUND', message: expect.stringMatching(/declared/) });
    // Round 2: the same vector at its declared weight: refused by its L2 norm.
    expect(await poison(2, 120)).toMatchObject({ code: 'E_UPDATE_BOUND', message: expect.stringMatching(/norm/) });
    expect(evil.closeCode).toBeNull(); // refused, not disconnected: it is still a member

    // Both rounds complete from the honest hospitals as soon as they answer (the refused sender is dropped, not waited for).
    await until(() => rounds.length >= 2, 30_000, 'two rounds');
    expect(rounds.slice(0, 2).map((e) => e.record.dropped)).toEqual([['evil'], ['evil']]);
    const weights = coordinator.jobState(jobId)!.weights;
    expect(weights.every((w) => Number.isFinite(w) && Math.abs(w) < 100)).toBe(true);

    // Everyone can still list; the admin cancels.
    const listed = (await as('aud', { action: 'job.list' })).json as { id: string; status: string }[];
    expect(listed.find((j) => j.id === jobId)?.status).toBe('running');
    expect(
      ((await as('ada', { action: 'job.status', jobId })).json as { rounds: unknown[] }).rounds.length,
    ).toBeGreaterThanOrEqual(2);
    expect((await as('ada', { action: 'job.cancel', jobId })).json).toEqual({ jobId, status: 'cancelled' });
    expect(
      ((await as('ada', { action: 'job.list' })).json as { id: string; status: string }[]).find((j) => j.id === jobId)
        ?.status,
    ).toBe('cancelled');
    expect(entriesOf(db, jobId).at(-1)).toMatchObject({ kind: 'job-ended', body: { status: 'cancelled' } });
  });
});

/**
 * A database holding what the old code could leave, built by the real code
 * and then damaged by SQL as the poisoned round and older software left it.
 * Returns the job ids by what their rows hold.
 */
async function poisonedDatabase(db: string) {
  const { coordinator, ids } = await coordinatorWithIds(db, { ada: 'admin', aud: 'auditor' });
  const job = (name: string, o: Record<string, unknown> = {}) =>
    coordinator.submitJob(plaintextJob({ name, rounds: 5, ...o }));
  const jobs = {
    poisoned: job('poisoned'),
    badSpec: job('bad-spec'),
    shortWeights: job('short-weights'),
    badState: job('bad-state', { strategy: { name: 'fedadam' } }),
    healthy: job('healthy'),
  };
  cleanups.splice(cleanups.length - 1, 1); // closed here, not after the test
  await coordinator.close();
  const sql = new Database(db);
  const inf = Buffer.from(new Float32Array(DIM).fill(Infinity).buffer);
  const twoRounds =
    sql.prepare(`INSERT INTO rounds (job_id, round, kind, participants, dropped, evaluations, pooled, train_loss, weights, completed_at, phase_counts)
    VALUES (?, ?, 'train', ?, '[]', ?, NULL, 0.5, ?, 1, NULL)`);
  // What two poisoned rounds left: Infinity committed as the job's weights and its second round's, the job running at round 2.
  twoRounds.run(jobs.poisoned, 1, '["evil","h1","h2"]', '{}', Buffer.from(new Float32Array(DIM).fill(3e38).buffer));
  twoRounds.run(jobs.poisoned, 2, '{not json', 'nor this', inf);
  sql
    .prepare(`UPDATE jobs SET weights = ?, completed_rounds = 2, status = 'running' WHERE id = ?`)
    .run(inf, jobs.poisoned);
  sql.prepare(`UPDATE jobs SET spec = '{"name": "bad-spec", oops' WHERE id = ?`).run(jobs.badSpec);
  sql.prepare(`UPDATE jobs SET weights = x'0000803f' WHERE id = ?`).run(jobs.shortWeights);
  sql
    .prepare(`UPDATE jobs SET server_state = ?, completed_rounds = 1, status = 'running' WHERE id = ?`)
    .run(Buffer.from(new Float32Array(2 * DIM).fill(Number.NaN).buffer), jobs.badState);
  sql.close();
  return { jobs, ids };
}

describe('finding 2: a coordinator restarted on the database a poisoned job left', () => {
  it('starts, fails the jobs it cannot resume with their job-ended entries, resumes the rest, lists every job, and lets the admin cancel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-f2-restart-'));
    const db = join(dir, 'c.db');
    const { jobs, ids } = await poisonedDatabase(db);
    const damaged = [jobs.poisoned, jobs.badSpec, jobs.shortWeights, jobs.badState];

    const coordinator = new Coordinator({ dbPath: db, port: 0, requireEnrolment: true });
    cleanups.push(() => coordinator.close());
    const port = await coordinator.listen();
    const as = (name: string, body: RequestBody) =>
      request({ coordinatorUrl: `ws://127.0.0.1:${port}`, name, identity: ids[name]! }, body);

    // Only the healthy job is live; the others ended, each with its reason and a job-ended entry.
    expect(Object.keys(coordinator.snapshot().jobs)).toEqual([jobs.healthy]);
    const listed = (await as('aud', { action: 'job.list' })).json as {
      id: string;
      name: string | null;
      status: string;
      reason: string;
      problem?: string;
    }[];
    expect(listed.map((j) => j.id).sort()).toEqual(Object.values(jobs).sort());
    const byId = new Map(listed.map((j) => [j.id, j]));
    for (const id of damaged)
      expect(byId.get(id)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^cannot be resumed: /) });
    expect(byId.get(jobs.poisoned)!.reason).toMatch(/not finite/);
    expect(byId.get(jobs.shortWeights)!.reason).toMatch(/expected 4 float32 values/);
    expect(byId.get(jobs.badState)!.reason).toMatch(/server state/);
    expect(byId.get(jobs.badSpec)).toMatchObject({ name: null, problem: 'spec is not JSON' });
    expect(byId.get(jobs.healthy)!.status).toBe('waiting');
    for (const id of damaged)
      expect(entriesOf(db, id).at(-1)).toMatchObject({ kind: 'job-ended', body: { status: 'failed' } });
    expect(verifyFiles({ db }).ok).toBe(true);

    // Every read path: a job's status with its rounds (one of them not JSON), the dashboard's reader.
    const status = (await as('ada', { action: 'job.status', jobId: jobs.poisoned })).json as {
      rounds: { round: number; participants: number }[];
    };
    expect(status.rounds).toEqual([
      expect.objectContaining({ round: 1, participants: 3 }),
      expect.objectContaining({ round: 2, participants: 0 }),
    ]);
    const reader = new DashboardReader(db);
    cleanups.push(() => reader.close());
    expect(
      reader
        .jobs()
        .map((j) => j.id)
        .sort(),
    ).toEqual(
      Object.values(jobs)
        .filter((id) => id !== jobs.badSpec)
        .sort(),
    );
    expect(reader.rounds(jobs.poisoned).map((r) => r.participants.length)).toEqual([3, 0]);
    // Its model is not served as if it were one: reading it is a typed error naming what is wrong.
    expect(() => coordinator.jobState(jobs.poisoned)).toThrow(
      expect.objectContaining({ code: 'E_STORE', message: expect.stringMatching(/not finite/) }),
    );

    // The admin cancels the live job, and an ended one is refused by its state.
    expect((await as('ada', { action: 'job.cancel', jobId: jobs.healthy })).json).toEqual({
      jobId: jobs.healthy,
      status: 'cancelled',
    });
    expect(await outcome(as('ada', { action: 'job.cancel', jobId: jobs.poisoned }))).toBe('E_JOB_STATE');

    // A job the database holds as unfinished but that is not live here (another process set it running again): the admin still ends it.
    const sql = new Database(db);
    sql.prepare(`UPDATE jobs SET status = 'running' WHERE id = ?`).run(jobs.poisoned);
    sql.close();
    expect((await as('ada', { action: 'job.cancel', jobId: jobs.poisoned })).json).toEqual({
      jobId: jobs.poisoned,
      status: 'cancelled',
    });
    expect(coordinator.database.jobListing(jobs.poisoned)!.status).toBe('cancelled');
    expect(entriesOf(db, jobs.poisoned).at(-1)).toMatchObject({ kind: 'job-ended', body: { status: 'cancelled' } });
    expect(verifyFiles({ db }).ok).toBe(true);
  });

  it('starts out of process too (test/helpers/coordinator-proc.ts), and marks the poisoned jobs failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-f2-proc-'));
    const db = join(dir, 'c.db');
    const { jobs } = await poisonedDatabase(db);
    const { proc, port: listening } = startCoordinatorProcess(['--db', db]);
    cleanups.push(() => void proc.kill('SIGKILL'));
    const port = await listening;
    expect(port).toBeGreaterThan(0);
    const ro = new Database(db, { readonly: true });
    const statuses = Object.fromEntries(
      (ro.prepare(`SELECT id, status FROM jobs`).all() as { id: string; status: string }[]).map((r) => [
        r.id,
        r.status,
      ]),
    );
    ro.close();
    expect(statuses).toEqual({
      [jobs.poisoned]: 'failed',
      [jobs.badSpec]: 'failed',
      [jobs.shortWeights]: 'failed',
      [jobs.badState]: 'failed',
      [jobs.healthy]: 'waiting',
    });
  });
});
