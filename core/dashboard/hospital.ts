/**
 * One hospital's page: the ε the ledger charged it in each job the viewer may
 * see, and its budget refusals. The hospital's own budget is not here: each
 * hospital keeps its budget in its own database (client/budget-store.ts), and
 * the coordinator's ledger records only its refusals' codes and reasons, so
 * the coordinator does not know the budget and the page says so.
 */
import type { BudgetRefusalBody, LedgerEntry } from '../ledger/types.ts';
import { privacyView, type JobRecord } from './views.ts';

export interface HospitalJobSpend {
  jobId: string;
  name: string;
  status: string;
  unit: string;
  /** The job's target, which is not the hospital's budget. */
  target: { epsilon: number; delta: number };
  rounds: number;
  /** Cumulative ε the ledger's last round entry for the job charged the hospital. */
  epsilon: number;
}

export interface HospitalPageView {
  name: string;
  jobs: HospitalJobSpend[];
  /** Sum of ε over the jobs, per privacy unit: an upper bound by basic composition. */
  totals: { unit: string; epsilon: number; delta: number; jobs: number }[];
  /** Always null: the coordinator holds no hospital's budget (see above). */
  budget: null;
  refusals: { jobId: string; round: number; code: string; reason: string }[];
}

export function hospitalPageView(
  name: string,
  jobs: readonly { job: JobRecord; entries: readonly LedgerEntry[] }[],
): HospitalPageView {
  const spends: HospitalJobSpend[] = [];
  const refusals: HospitalPageView['refusals'] = [];
  for (const { job, entries } of jobs) {
    for (const e of entries) {
      const b = e.body as BudgetRefusalBody;
      if (e.kind === 'budget-refusal' && b.hospital === name)
        refusals.push({ jobId: job.id, round: e.round, code: b.code, reason: b.reason });
    }
    const p = job.spec.privacy;
    const mine = p && privacyView(job.spec, entries).remaining.find((r) => r.hospital === name);
    if (!p || !mine) continue;
    spends.push({
      jobId: job.id,
      name: job.spec.name,
      status: job.status,
      unit: p.unit,
      target: { epsilon: p.epsilon, delta: p.delta },
      rounds: mine.rounds,
      epsilon: mine.spent,
    });
  }
  const totals = new Map<string, HospitalPageView['totals'][number]>();
  for (const s of spends) {
    const t = totals.get(s.unit) ?? { unit: s.unit, epsilon: 0, delta: 0, jobs: 0 };
    t.epsilon += s.epsilon;
    t.delta += s.target.delta;
    t.jobs++;
    totals.set(s.unit, t);
  }
  return { name, jobs: spends, totals: [...totals.values()], budget: null, refusals };
}
