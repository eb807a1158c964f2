/**
 * The figures a round entry records for each hospital: what this round
 * alone cost it and what every round of the job it was charged for has
 * cost it so far. The coordinator writes them and the verifier recomputes
 * them with this same function, so they must be a deterministic function of
 * (mechanisms, δ, accountant) and are compared exactly.
 *
 * A PLD evaluation costs 50–250 ms, so results are memoised: a job's
 * survivors share one mechanism, so a 20-round job has at most 21 distinct
 * lists to price (each prefix, and one round alone), and jobs with the same
 * settings share them all.
 */
import { accountSpend, type AccountantName, type Mechanism, type SpendReport } from '../privacy/spend.ts';
import { canonicalJson } from './canonical.ts';
import type { HospitalSpend } from './types.ts';

/** Distinct (mechanisms, δ, accountant) results kept: ~1 KB each, so a few MB at most. */
export const SPEND_CACHE_LIMIT = 4096;

const cache = new Map<string, SpendReport>();
let evaluations = 0;

const isNumber = (x: unknown): x is number => typeof x === 'number';

/**
 * A canonical key of one mechanism. For the two known shapes (all that the
 * entry schema admits) it lists the fields in a fixed order, each number as
 * its JCS (ECMAScript) text: equal to comparing canonical JSON, at a tenth
 * of the cost, which matters because a cumulative key lists every earlier
 * round. Anything else falls back to canonicalJson itself.
 */
function mechanismKey(m: Mechanism): string {
  if (m.kind === 'sampled-gaussian' && isNumber(m.q) && isNumber(m.sigma) && isNumber(m.steps) && Object.keys(m).length === 4) return `g${m.q},${m.sigma},${m.steps}`;
  if (m.kind === 'distributed-discrete-gaussian' && isNumber(m.clients) && isNumber(m.sigma) && isNumber(m.l2Sensitivity) && isNumber(m.dim) && isNumber(m.rounds)) {
    if (m.l1Sensitivity === undefined && Object.keys(m).length === 6) return `d${m.clients},${m.sigma},${m.l2Sensitivity},,${m.dim},${m.rounds}`;
    if (isNumber(m.l1Sensitivity) && Object.keys(m).length === 7) return `d${m.clients},${m.sigma},${m.l2Sensitivity},${m.l1Sensitivity},${m.dim},${m.rounds}`;
  }
  return `j${canonicalJson(m)}`;
}

/** accountSpend, memoised by a canonical key of its arguments (LRU: a hit moves to the back). */
function spendOf(mechanisms: readonly Mechanism[], delta: number, accountant: AccountantName): SpendReport {
  let key = `${accountant}|${canonicalJson(delta)}`;
  for (const m of mechanisms) key += `|${mechanismKey(m)}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  evaluations++;
  const report = accountSpend(mechanisms, delta, accountant);
  Object.freeze(report.rdp);
  Object.freeze(report);
  if (cache.size >= SPEND_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, report);
  return report;
}

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

/** How many accountant evaluations the memo has run (misses) and how many results it holds. */
export function spendCacheStats(): { evaluations: number; size: number } {
  return { evaluations, size: cache.size };
}

/** Empties the memo (benchmarks measure cold recomputation with it). */
export function clearSpendCache(): void {
  cache.clear();
  evaluations = 0;
}
