/**
 * The figures a round entry records for each hospital: what this round
 * alone cost it and what every round of the job it was charged for has
 * cost it so far. The coordinator writes them and the verifier recomputes
 * them with this same function, so they must be a deterministic function of
 * (mechanisms, δ, accountant) and are compared exactly.
 *
 * Prices come from the accountant's memo (core/privacy/spend-memo.ts).
 */
import type { AccountantName, Mechanism } from '../privacy/spend.ts';
import { memoisedSpend as spendOf } from '../privacy/spend-memo.ts';
import type { HospitalSpend } from './types.ts';

export { SPEND_CACHE_LIMIT, spendCacheStats, clearSpendCache } from '../privacy/spend-memo.ts';

export interface RoundSpendArgs {
  /** Hospitals whose updates are in the released sum, in the entry's order. */
  survivors: readonly string[];
  /** The mechanism this round applied to each survivor's records. */
  mechanism: Mechanism;
  /** Each hospital's mechanisms in the earlier rounds of this job it was charged for (absent: none). */
  prior: ReadonlyMap<string, readonly Mechanism[]>;
  delta: number;
  accountant: AccountantName;
}

/**
 * One HospitalSpend per survivor, in order. `bound` is the bound of the
 * cumulative figure (the job's accountant, or rdp when its PLD grid would be
 * too large), and `epsilon` is this round's ε by that same bound, so the two
 * figures of an entry are always by one accountant. Throws E_PRIVACY_PARAMS
 * for an invalid mechanism or δ.
 */
export function roundSpends(args: RoundSpendArgs): HospitalSpend[] {
  const { mechanism, delta, accountant } = args;
  const alone = spendOf([mechanism], delta, accountant);
  return args.survivors.map((hospital) => {
    const total = spendOf([...(args.prior.get(hospital) ?? []), mechanism], delta, accountant);
    const bound = total.bound;
    return {
      hospital,
      // Mechanisms are flat: a shallow copy keeps entries from sharing (and mutating) the caller's object.
      mechanism: { ...mechanism },
      epsilon: bound === 'pld' && alone.pld !== null ? alone.pld : alone.rdp.epsilon,
      rdpEpsilon: alone.rdp.epsilon,
      pldEpsilon: alone.pld,
      cumulativeEpsilon: total.epsilon,
      cumulativeRdpEpsilon: total.rdp.epsilon,
      cumulativePldEpsilon: total.pld,
      bound,
    };
  });
}
