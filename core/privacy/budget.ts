/**
 * A hospital's privacy budget and the admission rule its daemon applies
 * before any training: what has been spent, plus what running jobs have
 * reserved, plus what is asked for must stay within (ε, δ) by the
 * hospital's accountant. Fail closed: anything that cannot be priced is
 * refused.
 */
import { CohortError } from '../errors.ts';
import { accountSpend, type AccountantName, type Mechanism, type SpendReport } from './spend.ts';

export interface Budget {
  /** Total ε the dataset may ever spend, > 0. */
  epsilon: number;
  /** δ the total is stated at, in (0, 1). */
  delta: number;
  /** The bound charged against it. */
  accountant: AccountantName;
}

export interface Decision {
  allowed: boolean;
  /** ε at the budget's δ if the request were granted. */
  projected: SpendReport;
  reason: string;
}

export function checkBudgetConfig(b: Budget): Budget {
  if (typeof b.epsilon !== 'number' || !Number.isFinite(b.epsilon) || !(b.epsilon > 0)) {
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `budget "epsilon" expected a finite number > 0, got ${String(b.epsilon)}`,
    );
  }
  if (typeof b.delta !== 'number' || !(b.delta > 0 && b.delta < 1)) {
    throw new CohortError('E_PRIVACY_PARAMS', `budget "delta" expected a number in (0, 1), got ${String(b.delta)}`);
  }
  if (b.accountant !== 'pld' && b.accountant !== 'rdp')
    throw new CohortError('E_PRIVACY_PARAMS', `budget "accountant" expected pld or rdp, got ${String(b.accountant)}`);
  return b;
}

/**
 * What a researcher is shown of a budget refusal, in place of its reason:
 * admit's reason states the hospital's budget and its projected spend, which
 * counts its other researchers' jobs (docs/threat-model.md, "What a
 * researcher sees of the ledger"). The code is shown as it is.
 */
export const REFUSAL_SHOWN_TO_RESEARCHERS = 'its privacy budget cannot take the job';

/**
 * Whether `request` fits beside `committed` (spent and reserved). Never
 * throws for a priced request: an accountant failure is a refusal.
 */
export function admit(budget: Budget, committed: readonly Mechanism[], request: readonly Mechanism[]): Decision {
  let projected: SpendReport;
  try {
    projected = accountSpend([...committed, ...request], budget.delta, budget.accountant);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { allowed: false, projected: failed(budget), reason: `cannot price the request: ${message}` };
  }
  const allowed = projected.epsilon <= budget.epsilon;
  const reason = allowed
    ? `projected epsilon ${projected.epsilon.toFixed(4)} of ${budget.epsilon} (${budget.accountant}, delta ${budget.delta})`
    : `would spend epsilon ${projected.epsilon.toFixed(4)} (${budget.accountant}, delta ${budget.delta}), over this hospital's budget of ${budget.epsilon}`;
  return { allowed, projected, reason };
}

function failed(b: Budget): SpendReport {
  return { delta: b.delta, epsilon: Infinity, bound: b.accountant, rdp: { epsilon: Infinity, order: NaN }, pld: null };
}
