/**
 * Each hospital's spend per job as the ledger records it (`ledger budget`,
 * `GET /ledger/budget`, the dashboard): the rounds charged in released sums
 * and the cumulative epsilon at the job's delta. A fold over the entries in
 * seq order, so a reader that follows a growing ledger adds what was
 * appended since rather than reading it all again.
 */
import type { RoundBody, SealedEntry } from '../core/ledger/types.ts';
import { listedEntry } from './ledger-reader.ts';

/** One hospital's spend in one job. */
export interface BudgetRow {
  hospital: string;
  jobId: string;
  unit: string;
  rounds: number;
  epsilon: number;
  delta: number;
  bound: string;
}

type Listed = Partial<Pick<SealedEntry, 'seq'>> & Pick<SealedEntry, 'canonical'>;

export class BudgetFold {
  private readonly byKey = new Map<string, BudgetRow>();

  /** The next entries, in seq order; one that is no ledger entry is E_LEDGER_ENTRY naming its row. */
  add(entries: Iterable<Listed>): void {
    for (const sealed of entries) {
      const e = listedEntry(sealed);
      if (e.kind !== 'round') continue;
      const b = e.body as RoundBody;
      for (const s of b.spends) {
        const key = `${s.hospital}/${e.jobId}`;
        const rounds = (this.byKey.get(key)?.rounds ?? 0) + 1;
        const row = { hospital: s.hospital, jobId: e.jobId, unit: b.unit, rounds, delta: b.delta };
        this.byKey.set(key, { ...row, epsilon: s.cumulativeEpsilon, bound: s.bound });
      }
    }
  }

  rows(): BudgetRow[] {
    return [...this.byKey.values()].sort((a, b) => (a.hospital + a.jobId < b.hospital + b.jobId ? -1 : 1));
  }
}

/** The summary of `data.entries`, the whole ledger in seq order. */
export function budgetSummary(data: { entries: Iterable<Listed> }): BudgetRow[] {
  const fold = new BudgetFold();
  fold.add(data.entries);
  return fold.rows();
}
