/**
 * A hospital daemon's state database, opened whole: its privacy budget, its
 * copy of the ledger entries recording its spend, and its latest DP round
 * output (one SQLite file; each part keeps its own tables). The daemon keeps
 * its attempt log in the same file, on the connection of a part it is handed
 * (client/attempt-log-store.ts).
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

/** Opens every part of the state database at `path`; when one fails (E_STORE), the parts already opened are closed. */
export function openHospitalState(path: string): HospitalState {
  const opened: { close(): void }[] = [];
  const open = <P extends { close(): void }>(part: () => P): P => {
    const p = part();
    opened.push(p);
    return p;
  };
  // Emptied as it closes: a second close() does nothing.
  const closeAll = () => {
    for (const p of opened.splice(0).reverse()) p.close();
  };
  try {
    const budget = open(() => new BudgetStore(path));
    const ledger = open(() => new LocalLedger(path));
    const outputs = open(() => new RoundOutputs(path));
    return { budget, ledger, outputs, close: closeAll };
  } catch (err) {
    closeAll();
    throw err;
  }
}
