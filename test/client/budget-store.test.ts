import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { errorCode } from '../helpers/errors.ts';
import { until } from '../helpers/until.ts';
import { refusal } from '../helpers/refusal.ts';
import { connectionsOpened } from '../helpers/sqlite-connections.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { accountSpend, type Mechanism } from '../../core/privacy/spend.ts';
import { DATASET as D, JOB_A, JOB_B, ROUND as round, reserveTwoJobs, times } from '../helpers/reservations.ts';

/** ε (RDP, δ 1e-5) of r rounds of `round`. */
const eps = (r: number) =>
  accountSpend(
    Array.from({ length: r }, () => round),
    1e-5,
    'rdp',
  ).epsilon;

describe('BudgetStore', () => {
  let path: string;
  beforeEach(() => {
    path = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'hospital.db');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('admits a job that fits, reserving all its rounds; refuses the next that would not fit', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: eps(15), delta: 1e-5, accountant: 'rdp' });
    const a = s.admitJob(D, 'job-a', times(round, 10));
    expect(a.allowed).toBe(true);
    expect(a.projected.epsilon).toBeCloseTo(eps(10), 12);
    // Nothing trained yet, but job-a's 10 rounds are reserved: 10 + 10 > 15.
    const b = s.admitJob(D, 'job-b', times(round, 10));
    expect(b.allowed).toBe(false);
    expect(b.reason).toMatch(/over this hospital's budget/);
    expect(s.admitJob(D, 'job-c', times(round, 5)).allowed).toBe(true);
    s.close();
  });

  it('charges rounds before they run and keeps them across a restart', () => {
    let s = new BudgetStore(path);
    s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    s.admitJob(D, 'job-a', times(round, 10));
    for (let r = 1; r <= 3; r++) expect(s.spendRound(D, 'job-a', r, round).allowed).toBe(true);
    s.close();
    s = new BudgetStore(path);
    const rows = s.spends(D);
    expect(rows.map((x) => x.round)).toEqual([1, 2, 3]);
    expect(rows[2]!.epsilonAfter).toBeCloseTo(eps(3), 12);
    expect(s.summary(D).spent.epsilon).toBeCloseTo(eps(3), 12);
    expect(s.summary(D).perJob).toEqual([expect.objectContaining({ jobId: 'job-a', rounds: 3 })]);
    // Re-offered after the restart: the reservation is kept, not doubled.
    expect(s.admitJob(D, 'job-a', times(round, 10)).allowed).toBe(true);
    s.setBudget(D, { epsilon: eps(12), delta: 1e-5, accountant: 'rdp' });
    expect(s.admitJob(D, 'job-b', times(round, 3)).allowed).toBe(false); // 10 reserved + 3 > 12
    s.close();
  });

  it('prices rounds beyond the reservation (retries) on their own, and refuses the one that does not fit', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: eps(3) * (1 + 1e-9), delta: 1e-5, accountant: 'rdp' });
    expect(s.admitJob(D, 'job-a', times(round, 3)).allowed).toBe(true);
    for (let r = 1; r <= 3; r++) expect(s.spendRound(D, 'job-a', r, round).allowed).toBe(true);
    const retry = s.spendRound(D, 'job-a', 3, round);
    expect(retry.allowed).toBe(false);
    expect(s.spends(D)).toHaveLength(3);
    s.close();
  });

  it('a retried training round cannot use up the slot its job reserved for the evaluation: it is priced against other jobs (red-team review)', () => {
    const evaluation: Mechanism = { kind: 'sampled-gaussian', q: 1, sigma: 20, steps: 1 };
    const job = [round, round, evaluation];
    const s = new BudgetStore(path);
    s.setBudget(D, {
      epsilon: accountSpend([...job, ...job], 1e-5, 'rdp').epsilon * 1.0001,
      delta: 1e-5,
      accountant: 'rdp',
    });
    expect(s.admitJob(D, 'job-a', job).allowed).toBe(true);
    expect(s.admitJob(D, 'job-b', job).allowed).toBe(true);
    expect(s.spendRound(D, 'job-a', 1, round).allowed).toBe(true);
    expect(s.spendRound(D, 'job-a', 2, round).allowed).toBe(true);
    // A third training charge of job-a is past its two training slots, whatever its evaluation slot holds: it would eat job-b's.
    expect(s.spendRound(D, 'job-a', 2, round).allowed).toBe(false);
    for (const [r, m] of [
      [1, round],
      [2, round],
      [3, evaluation],
    ] as const)
      expect(s.spendRound(D, 'job-b', r, m).allowed).toBe(true);
    expect(s.spendRound(D, 'job-a', 3, evaluation).allowed).toBe(true);
    s.close();
  });

  it('refuses a round once the budget was lowered below what it would spend', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    s.admitJob(D, 'job-a', times(round, 10));
    expect(s.spendRound(D, 'job-a', 1, round).allowed).toBe(true);
    s.setBudget(D, { epsilon: eps(1) * 1.01, delta: 1e-5, accountant: 'rdp' });
    const refused = s.spendRound(D, 'job-a', 2, round);
    expect(refused.allowed).toBe(false);
    expect(refused.projected.epsilon).toBeCloseTo(eps(2), 12);
    expect(s.spends(D)).toHaveLength(1);
    s.close();
  });

  it('releases what a finished job did not train', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: eps(12), delta: 1e-5, accountant: 'rdp' });
    s.admitJob(D, 'job-a', times(round, 10));
    s.spendRound(D, 'job-a', 1, round);
    s.spendRound(D, 'job-a', 2, round);
    expect(s.admitJob(D, 'job-b', times(round, 8)).allowed).toBe(false);
    expect(s.committedSpend(D).epsilon).toBeCloseTo(eps(10), 12);
    expect(s.reserved(D, 'job-a')).toBe(true);
    expect(s.closeJob(D, 'job-a')?.released).toBe(8);
    expect(s.reserved(D, 'job-a')).toBe(false);
    expect(s.committedSpend(D).epsilon).toBeCloseTo(eps(2), 12); // the charged rounds stay spent
    expect(s.closeJob(D, 'job-a')).toBeNull(); // already closed: nothing to do
    expect(s.closeJob(D, 'ghost')).toBeNull(); // never admitted: nothing recorded
    expect(s.jobEnded(D, 'ghost')).toBe(false);
    expect(s.admitJob(D, 'job-b', times(round, 8)).allowed).toBe(true);
    // A closed job's rounds are refused: it was finished.
    expect(s.spendRound(D, 'job-a', 3, round).allowed).toBe(false);
    // And it is never admitted again: a coordinator offering it anew would replay its rounds.
    const again = s.admitJob(D, 'job-a', times(round, 10));
    expect(again.allowed).toBe(false);
    expect(again.reason).toMatch(/already ended/);
    expect(s.spendRound(D, 'job-a', 3, round).allowed).toBe(false);
    s.close();
  });

  it('refuses rounds of a job never admitted, or with another mechanism than admitted', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'pld' });
    expect(s.spendRound(D, 'ghost', 1, round).allowed).toBe(false);
    s.admitJob(D, 'job-a', times(round, 2));
    expect(s.spendRound(D, 'job-a', 1, { ...round, sigma: 0.5 }).allowed).toBe(false);
    expect(s.spends(D)).toHaveLength(0);
    s.close();
  });

  it('lists reservations and closes one: charged rounds stay spent, the rest is released, the job ended', () => {
    let clock = 1_000;
    const s = new BudgetStore(path, { now: () => clock });
    s.setBudget(D, { epsilon: eps(12), delta: 1e-5, accountant: 'rdp' });
    reserveTwoJobs(s, () => (clock += 1_000)); // job-a admitted at 1 000, charged at 2 000; job-b admitted at 3 000
    expect(s.reservations()).toEqual([
      { ...JOB_A, at: 1_000, lastChargedAt: 2_000 },
      { ...JOB_B, at: 3_000, lastChargedAt: null },
    ]);
    expect(s.admitJob(D, 'job-c', times(round, 5)).allowed).toBe(false); // 10 + 2 + 5 > 12

    const closed = s.closeReservation('job-a');
    expect(closed).toEqual({ reservation: { ...JOB_A, open: false, at: 1_000, lastChargedAt: 2_000 }, released: 7 });
    expect(s.reservations().map((r) => r.jobId)).toEqual(['job-b']);
    expect(s.reservations({ all: true }).map((r) => [r.jobId, r.open])).toEqual([
      ['job-a', false],
      ['job-b', true],
    ]);
    expect(s.summary(D).spent.epsilon).toBeCloseTo(eps(3), 12); // the charged rounds stay spent
    expect(s.admitJob(D, 'job-c', times(round, 5)).allowed).toBe(true); // 3 spent + 2 + 5 ≤ 12: the 7 were released
    expect(s.jobEnded(D, 'job-a')).toBe(true);
    expect(s.admitJob(D, 'job-a', times(round, 10)).reason).toMatch(/already ended/);
    expect(s.spendRound(D, 'job-a', 4, round).allowed).toBe(false);

    expect(errorCode(() => s.closeReservation('job-a'))).toBe('E_JOB_STATE');
    expect(errorCode(() => s.closeReservation('ghost'))).toBe('E_UNKNOWN_JOB');
    expect(errorCode(() => s.closeReservation('job-b', 'other-dataset'))).toBe('E_UNKNOWN_JOB');
    // A job reserved on two datasets needs the dataset named.
    s.setBudget('other-dataset', { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    s.admitJob('other-dataset', 'job-b', times(round, 1));
    expect(errorCode(() => s.closeReservation('job-b'))).toBe('E_CONFIG_INVALID');
    expect(s.closeReservation('job-b', 'other-dataset').released).toBe(1);
    expect(s.reservations().map((r) => [r.dataset, r.jobId])).toEqual([
      [D, 'job-b'],
      [D, 'job-c'],
    ]);
    s.close();
  });

  it('an operator open (mustExist) never creates a database, and refuses one without budget tables', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'typo.db');
    expect(errorCode(() => new BudgetStore(missing, { mustExist: true }))).toBe('E_STORE');
    expect(existsSync(missing)).toBe(false);
    const other = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'other.db');
    const raw = new Database(other);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expect(errorCode(() => new BudgetStore(other, { mustExist: true }))).toBe('E_STORE');
    new BudgetStore(path).close();
    const s = new BudgetStore(path, { mustExist: true });
    expect(s.reservations()).toEqual([]);
    s.close();
  });

  it.each([false, true])(
    'refuses a file of another schema version (mustExist %s): E_STORE, its connection closed',
    (mustExist) => {
      new BudgetStore(path).close();
      const planted = new Database(path);
      planted.prepare(`UPDATE meta SET value = '999' WHERE key = 'schema_version'`).run();
      planted.close();

      const opened = connectionsOpened();
      const err = refusal(() => new BudgetStore(path, { mustExist }));
      expect(err.code).toBe('E_STORE');
      expect(err.message).toMatch(/schema version 999, this build reads/);
      expect(opened).toHaveLength(1);
      expect(opened[0]!.open).toBe(false);
    },
  );

  // Two processes on one file: one admits in a transaction held open (its clock hook sleeps between its
  // reads and its write), the other admits meanwhile. IMMEDIATE transactions make the second wait for the
  // first's write lock and then see its reservation; deferred ones let the second write first and the
  // first's write then fail with SQLITE_BUSY (a stale read in WAL), a refusal for no reason of the budget's.
  it('a second process waits for an admission in progress and decides on its reservation', async () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: eps(15), delta: 1e-5, accountant: 'rdp' }); // room for one job of 10 rounds
    const marker = `${path}.inside`;
    const store = fileURLToPath(new URL('../../client/budget-store.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', HOLDER, store, path, marker, JSON.stringify(round), '1500'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(
      () => existsSync(marker) || child.exitCode !== null,
      30_000,
      'the other process inside its transaction',
    );
    expect(existsSync(marker), err).toBe(true);
    const mine = s.admitJob(D, 'job-here', times(round, 10)); // blocks until the other process commits
    expect(await exited, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ allowed: true });
    expect(mine.allowed).toBe(false);
    expect(mine.reason).toMatch(/over this hospital's budget/);
    expect(s.reservations().map((r) => r.jobId)).toEqual(['job-there']);
    s.close();
  });

  it('fails closed: no budget configured, invalid budgets, unreadable database', () => {
    const s = new BudgetStore(path);
    expect(errorCode(() => s.admitJob(D, 'job-a', times(round, 1)))).toBe('E_BUDGET_EXCEEDED');
    for (const b of [
      { epsilon: 0, delta: 1e-5 },
      { epsilon: NaN, delta: 1e-5 },
      { epsilon: 1, delta: 1 },
      { epsilon: 1, delta: 0 },
      { epsilon: Infinity, delta: 1e-5 },
    ]) {
      expect(errorCode(() => s.setBudget(D, { ...b, accountant: 'pld' }))).toBe('E_PRIVACY_PARAMS');
    }
    s.close();
    const junk = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'junk.db');
    writeFileSync(junk, 'this is not a database'.repeat(100));
    expect(errorCode(() => new BudgetStore(junk))).toBe('E_STORE');
  });
});

/** The other process: admits job-there with a clock that, between the transaction's reads and its write, marks that it is inside and sleeps. */
const HOLDER = `
const [store, path, marker, round, holdMs] = process.argv.slice(1);
const { writeFileSync } = await import('node:fs');
const { BudgetStore } = await import(store);
const now = () => {
  writeFileSync(marker, '');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdMs));
  return Date.now();
};
const s = new BudgetStore(path, { now });
try {
  process.stdout.write(JSON.stringify({ allowed: s.admitJob('${D}', 'job-there', Array.from({ length: 10 }, () => JSON.parse(round))).allowed }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e.code ?? e.message) }));
} finally {
  s.close();
}
`;
