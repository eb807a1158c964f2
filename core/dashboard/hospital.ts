/**
 * One hospital's page: the ε the ledger charged it in each job the viewer may
 * see, and its budget refusals. The hospital's own budget is not here: each
 * hospital keeps its budget in its own database (client/budget-store.ts), and
 * the coordinator's ledger records only its refusals' codes and reasons, so
 * the coordinator does not know the budget and the page says so.
 */
import type { BudgetRefusalBody, LedgerEntry } from '../ledger/types.ts';
import { addCharges, type Charge, type JobRecord } from './views.ts';

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

/**
 * What one hospital's page needs from one job's ledger, for every hospital:
 * its size grows with the hospitals charged and the refusals, not with the
 * rounds, so the dashboard can keep one per job and add on only the entries
 * appended since.
 */
export interface LedgerTally {
  /** Per hospital charged: privacyView's remaining, without the target. */
  spends: ReadonlyMap<string, Charge>;
  /** Budget refusals, in ledger order. */
  refusals: readonly { hospital: string; round: number; code: string; reason: string }[];
  /** The highest round of a round entry tallied (-Infinity before the first). */
  lastRound: number;
}

const NOTHING: LedgerTally = { spends: new Map(), refusals: [], lastRound: -Infinity };

/** The tally of a job's ledger entries (in ledger order). */
export function ledgerTally(entries: readonly LedgerEntry[]): LedgerTally {
  return extendLedgerTally(NOTHING, entries)!;
}

/**
 * `from`, the tally of a job's earlier entries, with `entries`, those
 * appended after them, added on; null when one of them is a round entry of an
 * earlier round than `from` tallied: privacyView orders round entries by
 * round, so only a tally of the whole ledger puts that one in its place.
 */
export function extendLedgerTally(from: LedgerTally, entries: readonly LedgerEntry[]): LedgerTally | null {
  const rounds = entries.filter((e) => e.kind === 'round').sort((a, b) => a.round - b.round);
  if (rounds.length > 0 && rounds[0]!.round < from.lastRound) return null;
  const refusals = [...from.refusals];
  for (const e of entries) {
    const b = e.body as BudgetRefusalBody;
    if (e.kind === 'budget-refusal')
      refusals.push({ hospital: b.hospital, round: e.round, code: b.code, reason: b.reason });
  }
  const spends = new Map([...from.spends].map(([h, c]) => [h, { ...c }]));
  // Charged even without a privacy target: the job page lists every hospital named (jobParticipants).
  addCharges(spends, rounds);
  return { spends, refusals, lastRound: rounds.at(-1)?.round ?? from.lastRound };
}

export function hospitalPageView(
  name: string,
  jobs: readonly { job: JobRecord; tally: LedgerTally }[],
): HospitalPageView {
  const spends: HospitalJobSpend[] = [];
  const refusals: HospitalPageView['refusals'] = [];
  for (const { job, tally } of jobs) {
    for (const r of tally.refusals)
      if (r.hospital === name) refusals.push({ jobId: job.id, round: r.round, code: r.code, reason: r.reason });
    const p = job.spec.privacy;
    const mine = p && tally.spends.get(name);
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
