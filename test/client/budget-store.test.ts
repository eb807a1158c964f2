import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode } from '../helpers/errors.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { accountSpend, type Mechanism } from '../../core/privacy/spend.ts';

const round: Mechanism = { kind: 'sampled-gaussian', q: 0.05, sigma: 2, steps: 20 };
const D = 'heart-disease';
/** ε (RDP, δ 1e-5) of r rounds of `round`. */
const eps = (r: number) => accountSpend(Array.from({ length: r }, () => round), 1e-5, 'rdp').epsilon;

describe('BudgetStore', () => {
  let path: string;
  beforeEach(() => {
    path = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'hospital.db');
  });

  it('admits a job that fits, reserving all its rounds; refuses the next that would not fit', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: eps(15), delta: 1e-5, accountant: 'rdp' });
    const a = s.admitJob(D, 'job-a', round, 10);
    expect(a.allowed).toBe(true);
    expect(a.projected.epsilon).toBeCloseTo(eps(10), 12);
    // Nothing trained yet, but job-a's 10 rounds are reserved: 10 + 10 > 15.
    const b = s.admitJob(D, 'job-b', round, 10);
    expect(b.allowed).toBe(false);
    expect(b.reason).toMatch(/over this hospital's budget/);
    expect(s.admitJob(D, 'job-c', round, 5).allowed).toBe(true);
    s.close();
  });

  it('charges rounds before they run and keeps them across a restart', () => {
    let s = new BudgetStore(path);
    s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    s.admitJob(D, 'job-a', round, 10);
    for (let r = 1; r <= 3; r++) expect(s.spendRound(D, 'job-a', r, round).allowed).toBe(true);
    s.close();
    s = new BudgetStore(path);
    const rows = s.spends(D);
    expect(rows.map((x) => x.round)).toEqual([1, 2, 3]);
    expect(rows[2]!.epsilonAfter).toBeCloseTo(eps(3), 12);
    expect(s.summary(D).spent.epsilon).toBeCloseTo(eps(3), 12);
    expect(s.summary(D).perJob).toEqual([expect.objectContaining({ jobId: 'job-a', rounds: 3 })]);
    // Re-offered after the restart: the reservation is kept, not doubled.
    expect(s.admitJob(D, 'job-a', round, 10).allowed).toBe(true);
    s.setBudget(D, { epsilon: eps(12), delta: 1e-5, accountant: 'rdp' });
    expect(s.admitJob(D, 'job-b', round, 3).allowed).toBe(false); // 10 reserved + 3 > 12
    s.close();
  });

  it('prices rounds beyond the reservation (retries) on their own, and refuses the one that does not fit', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: eps(3) * (1 + 1e-9), delta: 1e-5, accountant: 'rdp' });
    expect(s.admitJob(D, 'job-a', round, 3).allowed).toBe(true);
    for (let r = 1; r <= 3; r++) expect(s.spendRound(D, 'job-a', r, round).allowed).toBe(true);
    const retry = s.spendRound(D, 'job-a', 3, round);
    expect(retry.allowed).toBe(false);
    expect(s.spends(D)).toHaveLength(3);
    s.close();
  });

  it('refuses a round once the budget was lowered below what it would spend', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    s.admitJob(D, 'job-a', round, 10);
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
    s.admitJob(D, 'job-a', round, 10);
    s.spendRound(D, 'job-a', 1, round);
    s.spendRound(D, 'job-a', 2, round);
    expect(s.admitJob(D, 'job-b', round, 8).allowed).toBe(false);
    s.closeJob(D, 'job-a');
    expect(s.admitJob(D, 'job-b', round, 8).allowed).toBe(true);
    // A closed job's rounds are refused: it was finished.
    expect(s.spendRound(D, 'job-a', 3, round).allowed).toBe(false);
    // And it is never admitted again: a coordinator offering it anew would replay its rounds.
    const again = s.admitJob(D, 'job-a', round, 10);
    expect(again.allowed).toBe(false);
    expect(again.reason).toMatch(/already ended/);
    expect(s.spendRound(D, 'job-a', 3, round).allowed).toBe(false);
    s.close();
  });

  it('refuses rounds of a job never admitted, or with another mechanism than admitted', () => {
    const s = new BudgetStore(path);
    s.setBudget(D, { epsilon: 100, delta: 1e-5, accountant: 'pld' });
    expect(s.spendRound(D, 'ghost', 1, round).allowed).toBe(false);
    s.admitJob(D, 'job-a', round, 2);
    expect(s.spendRound(D, 'job-a', 1, { ...round, sigma: 0.5 }).allowed).toBe(false);
    expect(s.spends(D)).toHaveLength(0);
    s.close();
  });

  it('fails closed: no budget configured, invalid budgets, unreadable database', () => {
    const s = new BudgetStore(path);
    expect(errorCode(() => s.admitJob(D, 'job-a', round, 1))).toBe('E_BUDGET_EXCEEDED');
    for (const b of [{ epsilon: 0, delta: 1e-5 }, { epsilon: NaN, delta: 1e-5 }, { epsilon: 1, delta: 1 }, { epsilon: 1, delta: 0 }, { epsilon: Infinity, delta: 1e-5 }]) {
      expect(errorCode(() => s.setBudget(D, { ...b, accountant: 'pld' }))).toBe('E_PRIVACY_PARAMS');
    }
    s.close();
    const junk = join(mkdtempSync(join(tmpdir(), 'cohort-budget-')), 'junk.db');
    writeFileSync(junk, 'this is not a database'.repeat(100));
    expect(errorCode(() => new BudgetStore(junk))).toBe('E_STORE');
  });
});
