/**
 * A hospital daemon's state database, opened whole: its privacy budget, its
 * copy of the ledger entries recording its spend, and its latest DP round
 * output (one SQLite file; each part keeps its own tables).
 */
import { BudgetStore } from './budget-store.ts';
import { LocalLedger } from './local-ledger.ts';
import { RoundOutputs } from './round-outputs.ts';

export interface HospitalState {
  budget: BudgetStore;
  ledger: LocalLedger;
  outputs: RoundOutputs;
  close(): void;
}

export function openHospitalState(path: string): HospitalState {
  const budget = new BudgetStore(path);
  const ledger = new LocalLedger(path);
  const outputs = new RoundOutputs(path);
  return {
    budget,
    ledger,
    outputs,
    close: () => {
      outputs.close();
      ledger.close();
      budget.close();
    },
  };
}
