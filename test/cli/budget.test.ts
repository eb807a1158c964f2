import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure } from '../helpers/cli.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { DATASET as D, JOB_A, JOB_B, ROUND as round, reserveTwoJobs, times } from '../helpers/reservations.ts';

/** A state database as a daemon leaves it after a restart: job-a admitted for 10 rounds, 3 charged, its end never seen. */
function daemonState(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-budget-cli-')), 'hospital.db');
  const s = new BudgetStore(path);
  s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
  reserveTwoJobs(s);
  s.close();
  return path;
}

describe('cohort budget', () => {
  it("show: each dataset's budget, spent, reserved and remaining epsilon, and each job's charges, beside a running daemon", () => {
    const state = daemonState();
    // The daemon's connection stays open, as while it runs; it writes again after the command has read.
    const daemon = new BudgetStore(state);
    try {
      const spent = daemon.summary(D).spent.epsilon;
      const committed = daemon.committedSpend(D).epsilon;
      const jobA = daemon.summary(D).perJob.find((j) => j.jobId === 'job-a')!.spent.epsilon;
      const r = cohort('budget', 'show', '--state', state, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual([
        {
          dataset: D,
          budget: { epsilon: 100, delta: 1e-5, accountant: 'rdp' },
          spent,
          reserved: committed - spent,
          remaining: 100 - committed,
          jobs: [
            { jobId: 'job-a', roundsCharged: 3, epsilon: jobA, reservation: 'open' },
            { jobId: 'job-b', roundsCharged: 0, epsilon: 0, reservation: 'open' },
          ],
        },
      ]);
      expect(spent).toBeGreaterThan(0);
      expect(committed).toBeGreaterThan(spent);
      const table = cohort('budget', 'show', '--state', state);
      expect(table.code).toBe(0);
      expect(table.out).toMatch(
        /dataset[ │]+epsilon budget[ │]+delta[ │]+accountant[ │]+spent[ │]+reserved[ │]+remaining/,
      );
      expect(table.out).toContain(`${spent.toFixed(4)}`);
      expect(table.out).toContain(`${(100 - committed).toFixed(4)}`);
      expect(table.out).toMatch(new RegExp(`job-a[ │]+3[ │]+${jobA.toFixed(4)}[ │]+open`));
      expect(table.out).toMatch(/job-b[ │]+0[ │]+0\.0000[ │]+open/);
      expect(daemon.spendRound(D, 'job-a', 4, round).allowed).toBe(true);
    } finally {
      daemon.close();
    }
  });

  it('lists open reservations, closes one to what was charged, and the job stays ended', () => {
    const state = daemonState();
    const listed = JSON.parse(cohort('budget', 'reservations', '--state', state, '--json').out);
    expect(listed).toEqual([expect.objectContaining(JOB_A), expect.objectContaining(JOB_B)]);
    expect(listed[0].lastChargedAt).toMatch(/^\d{4}-/);
    expect(listed[1].lastChargedAt).toBeNull();
    expect(listed.every((r: { ageSeconds: number }) => Number.isInteger(r.ageSeconds) && r.ageSeconds >= 0)).toBe(true);
    const table = cohort('budget', 'reservations', '--state', state);
    expect(table.code).toBe(0);
    // Spent: the 3 charged rounds; committed: those and the 7 + 2 untrained rounds still reserved.
    const s0 = new BudgetStore(state);
    const [spent, committed] = [s0.summary(D).spent.epsilon, s0.committedSpend(D).epsilon];
    s0.close();
    expect(committed).toBeGreaterThan(spent);
    expect(table.out).toContain(
      `${D}: epsilon spent ${spent.toFixed(4)}, committed ${committed.toFixed(4)} of 100 (delta 0.00001, rdp)\n`,
    );
    expect(table.out).toMatch(/job-a .* 10 .* 3 .* 7 .* open .* ago/);
    expect(table.out).toMatch(/job-b .* 2 .* 0 .* 2 .* open .* never/);

    const closed = cohort('budget', 'close', '--state', state, '--job', 'job-a');
    expect(closed.err).toBe('');
    expect(closed.out).toBe(
      `closed job job-a on dataset ${D}: 3 charged round(s) stay spent, 7 reserved round(s) released\n`,
    );
    expect(
      JSON.parse(cohort('budget', 'reservations', '--state', state, '--json').out).map(
        (r: { jobId: string }) => r.jobId,
      ),
    ).toEqual(['job-b']);
    expect(
      JSON.parse(cohort('budget', 'reservations', '--state', state, '--all', '--json').out).map(
        (r: { jobId: string; open: boolean }) => [r.jobId, r.open],
      ),
    ).toEqual([
      ['job-a', false],
      ['job-b', true],
    ]);

    // What the daemon sees next: the 3 rounds still spent, the job ended (a re-offer is refused), the 7 released.
    const s = new BudgetStore(state);
    expect(s.spends(D)).toHaveLength(3);
    expect(s.jobEnded(D, 'job-a')).toBe(true);
    expect(s.admitJob(D, 'job-a', times(round, 10)).allowed).toBe(false);
    s.close();

    const json = JSON.parse(cohort('budget', 'close', '--state', state, '--job', 'job-b', '--json').out);
    expect(json).toMatchObject({ dataset: D, jobId: 'job-b', rounds: 2, charged: 0, open: false, released: 2 });
    expect(cohort('budget', 'reservations', '--state', state).out).toBe('no open reservations\n');
  });

  it('refuses an unknown job, a closed one, and a missing or unreadable state file with typed errors', () => {
    const state = daemonState();
    expectFailure(cohort('budget', 'close', '--state', state, '--job', 'ghost'), 'E_UNKNOWN_JOB');
    expectFailure(cohort('budget', 'close', '--state', state, '--job', 'job-a', '--dataset', 'other'), 'E_UNKNOWN_JOB');
    expect(cohort('budget', 'close', '--state', state, '--job', 'job-a').code).toBe(0);
    expectFailure(cohort('budget', 'close', '--state', state, '--job', 'job-a'), 'E_JOB_STATE');

    const dir = mkdtempSync(join(tmpdir(), 'cohort-budget-cli-'));
    const missing = join(dir, 'typo.db');
    expectFailure(cohort('budget', 'reservations', '--state', missing), 'E_STORE');
    expectFailure(cohort('budget', 'close', '--state', missing, '--job', 'job-a'), 'E_STORE');
    expect(existsSync(missing)).toBe(false); // never created
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database'.repeat(100));
    expectFailure(cohort('budget', 'reservations', '--state', junk), 'E_STORE');
    expect(cohort('budget', 'close', '--state', state).err).toMatch(/required option '--job <id>'/);
  });
});
