/**
 * Empirical ε lower bounds from one run of a mechanism: the one-run privacy
 * audit of Steinke, Nasr and Jagielski, "Privacy Auditing with One (1)
 * Training Run", NeurIPS 2023 (arXiv:2305.08846; theorem numbers of v1).
 *
 * The game (their Algorithm 1): m canaries, each included independently with
 * probability 1/2; one run of the mechanism; the auditor scores every
 * canary, guesses "in" for the k+ highest scores and "out" for the k−
 * lowest, and abstains on the rest. If the mechanism is (ε, δ)-DP in each
 * canary's inclusion, the number W of correct guesses among the r = k+ + k−
 * made satisfies (Theorem 5.2 in the ternary-guess form of Corollary 5.4,
 * the one their experiments use)
 *   P[W ≥ v] ≤ f(v) + 2mδ · max_{1 ≤ i ≤ v} (f(v − i) − f(v)) / i,
 *   f(v) = P[Binomial(r, e^ε/(1 + e^ε)) ≥ v],
 * so an observed v at which that bound is below β rejects "(ε, δ)-DP" at
 * level β. The lower bound is the largest ε so rejected: with confidence
 * 1 − β the mechanism is not (ε', δ)-DP for any ε' below it. oneRunPValue
 * and oneRunEpsilonLowerBound are their Appendix D code (`p_value_DP_audit`,
 * `get_eps_audit`, also in google-deepmind/jax_privacy auditing.py
 * `_one_run_p_value`), with scipy's binomial replaced by sums in log space;
 * test/core/privacy/audit.test.ts checks them against the paper's printed values.
 *
 * Choosing (k+, k−) after seeing the scores: the bound holds for a rule
 * fixed before the run, and taking the best of several rules after the run
 * overstates the confidence. auditScores tests every rule of a grid declared
 * before the run at β / (grid size) and keeps the largest bound: a union
 * (Bonferroni) bound, so the maximum keeps confidence 1 − β (jax_privacy's
 * one-run auditor does the same by default, `ThresholdStrategy.Bonferroni`).
 * A grid of one rule is Algorithm 1 as stated.
 */
import { CohortError } from '../errors.ts';

/** Most canaries an audit may score: bounds the work (each p-value is O(r)) and the log-factorial table. */
export const MAX_CANARIES = 1_000_000;

/** Bisection steps of oneRunEpsilonLowerBound: Appendix D's 30 (the bracket's width over 2^30). */
const BISECTION_STEPS = 30;

/** Where the bracket stops growing: above any bound MAX_CANARIES guesses support (all right, δ = 0, β = 1 − 10^−6: ε ≈ 27.6). */
const MAX_EPSILON = 40;

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

/** The counts of one audit: m canaries, r guesses made, v of them correct. */
export interface GuessCounts {
  m: number;
  r: number;
  v: number;
}

function checkCounts(c: GuessCounts): void {
  const { m, r, v } = c;
  if (!Number.isSafeInteger(m) || m < 1 || m > MAX_CANARIES)
    invalid(`"m" expected an integer in [1, ${MAX_CANARIES}], got ${String(m)}`);
  if (!Number.isSafeInteger(r) || r < 0 || r > m) invalid(`"r" expected an integer in [0, m = ${m}], got ${String(r)}`);
  if (!Number.isSafeInteger(v) || v < 0 || v > r) invalid(`"v" expected an integer in [0, r = ${r}], got ${String(v)}`);
}

function checkDelta(delta: number): void {
  if (typeof delta !== 'number' || !(delta >= 0 && delta <= 1))
    invalid(`"delta" expected a number in [0, 1], got ${String(delta)}`);
}

function checkSignificance(significance: number): void {
  if (typeof significance !== 'number' || !(significance > 0 && significance < 1))
    invalid(`"significance" expected a number in (0, 1), got ${String(significance)}`);
}

/** log k! for k = 0..n, summed with Kahan compensation: absolute error a few ulps of log n!, a relative 1e-9 in a probability at n = 10^6. */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  let sum = 0;
  let carry = 0;
  for (let k = 2; k <= n; k++) {
    const y = Math.log(k) - carry;
    const t = sum + y;
    carry = t - sum - y;
    sum = t;
    out[k] = sum;
  }
  return out;
}

/**
 * Corollary 5.4's bound for r guesses and v correct at (ε, δ), given log k!
 * up to r: f(v) + 2mδ·α, α = max_i (f(v − i) − f(v))/i, capped at 1.
 */
function pValueWith(counts: GuessCounts, epsilon: number, delta: number, lf: Float64Array): number {
  const { m, r, v } = counts;
  if (v === 0) return 1;
  // p = e^ε/(1 + e^ε): log p and log(1 − p) without cancellation.
  const log1pExp = Math.log1p(Math.exp(-epsilon));
  const logP = -log1pExp;
  const logQ = -epsilon - log1pExp;
  const pmf = (j: number) => Math.exp(lf[r]! - lf[j]! - lf[r - j]! + j * logP + (r - j) * logQ);
  let beta = 0; // f(v) = P[Binomial(r, p) >= v]
  for (let j = r; j >= v; j--) beta += pmf(j);
  if (delta === 0) return Math.min(beta, 1);
  let alpha = 0;
  let below = 0; // P[v − i <= Binomial(r, p) < v] = f(v − i) − f(v)
  for (let i = 1; i <= v; i++) {
    below += pmf(v - i);
    if (below > i * alpha) alpha = below / i;
  }
  return Math.min(beta + alpha * delta * 2 * m, 1);
}

/**
 * The probability, under the hypothesis that the mechanism is (ε, δ)-DP in
 * each canary, of at least v correct guesses among r with m canaries
 * (Steinke et al. Corollary 5.4; Appendix D `p_value_DP_audit`). Throws
 * E_PRIVACY_PARAMS unless 0 ≤ v ≤ r ≤ m ≤ MAX_CANARIES, ε ≥ 0 and δ ∈ [0, 1].
 */
export function oneRunPValue(counts: GuessCounts, epsilon: number, delta: number): number {
  checkCounts(counts);
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon))
    invalid(`"epsilon" expected a finite number >= 0, got ${String(epsilon)}`);
  checkDelta(delta);
  return pValueWith(counts, epsilon, delta, logFactorials(counts.r));
}

/**
 * The largest ε whose (ε, δ)-DP hypothesis v correct guesses among r reject
 * at level `significance`: a lower bound on the mechanism's ε at δ, held with
 * confidence 1 − significance (Appendix D `get_eps_audit`: grow an integer
 * bracket until the p-value reaches the level, bisect 30 times, return the
 * low end). 0 when nothing is rejected.
 */
export function oneRunEpsilonLowerBound(counts: GuessCounts, delta: number, significance: number): number {
  checkCounts(counts);
  checkDelta(delta);
  checkSignificance(significance);
  const lf = logFactorials(counts.r);
  const rejects = (eps: number) => pValueWith(counts, eps, delta, lf) < significance;
  let lo = 0; // invariant: rejected, or 0
  let hi = 1; // invariant: not rejected
  while (rejects(hi)) {
    lo = hi;
    hi += 1;
    if (hi > MAX_EPSILON) return lo;
  }
  for (let k = 0; k < BISECTION_STEPS; k++) {
    const mid = (lo + hi) / 2;
    if (rejects(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A guessing rule: "in" for the kPlus highest scores, "out" for the kMinus lowest, abstain on the rest. */
export interface GuessRule {
  kPlus: number;
  kMinus: number;
}

function checkRule(rule: GuessRule, m: number): void {
  const { kPlus, kMinus } = rule;
  if (!Number.isSafeInteger(kPlus) || !Number.isSafeInteger(kMinus) || kPlus < 0 || kMinus < 0 || kPlus + kMinus > m) {
    invalid(
      `guess rule expected integers kPlus, kMinus >= 0 with kPlus + kMinus <= m = ${m}, got ${String(kPlus)}, ${String(kMinus)}`,
    );
  }
}

function checkScored(scores: ArrayLike<number>, included: ArrayLike<boolean>): void {
  if (scores.length < 1 || scores.length > MAX_CANARIES)
    invalid(`"scores" expected 1 to ${MAX_CANARIES} canaries, got ${scores.length}`);
  if (included.length !== scores.length)
    invalid(`"included" has length ${included.length}, expected ${scores.length} (one per score)`);
}

/** Correct guesses of one rule, from scores and memberships per canary (true = included). Ties are broken by canary index, a rule fixed in advance. */
export function countCorrect(scores: ArrayLike<number>, included: ArrayLike<boolean>, rule: GuessRule): GuessCounts {
  checkScored(scores, included);
  checkRule(rule, scores.length);
  return countWithOrder(rankByScore(scores), included, rule);
}

function rankByScore(scores: ArrayLike<number>): Uint32Array {
  const m = scores.length;
  for (let i = 0; i < m; i++) if (Number.isNaN(scores[i]!)) invalid(`"scores" has NaN at canary ${i}`);
  // Descending by score, then ascending by index: a total order, so the guesses are a function of the scores alone.
  return Uint32Array.from({ length: m }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function countWithOrder(order: Uint32Array, included: ArrayLike<boolean>, rule: GuessRule): GuessCounts {
  const m = order.length;
  let v = 0;
  for (let j = 0; j < rule.kPlus; j++) if (included[order[j]!]) v++;
  for (let j = m - rule.kMinus; j < m; j++) if (!included[order[j]!]) v++;
  return { m, r: rule.kPlus + rule.kMinus, v };
}

/** What an audit found: the bound, and the rule and counts it came from. */
export interface AuditResult {
  /** ε lower bound at δ, confidence 1 − significance over the whole grid. */
  epsilon: number;
  /** The rule that gave it (the grid's first if none rejected anything), with its counts. */
  rule: GuessRule;
  counts: GuessCounts;
  /** Level each rule was tested at: significance / grid size. */
  perRuleSignificance: number;
}

/**
 * The one-run audit of a set of scored canaries over a grid of guess rules
 * declared before the run: each rule tested at significance / grid.length,
 * the largest bound kept (a union bound, so the maximum holds with
 * confidence 1 − significance). Throws E_PRIVACY_PARAMS for an empty grid, a
 * rule that guesses more than m canaries, or invalid δ or significance.
 */
export function auditScores(
  scores: ArrayLike<number>,
  included: ArrayLike<boolean>,
  grid: readonly GuessRule[],
  delta: number,
  significance: number,
): AuditResult {
  checkDelta(delta);
  checkSignificance(significance);
  checkScored(scores, included);
  if (grid.length === 0) invalid('"grid" expected at least one guess rule');
  for (const rule of grid) checkRule(rule, scores.length);
  const perRule = significance / grid.length;
  const order = rankByScore(scores);
  let best: AuditResult | undefined;
  for (const rule of grid) {
    const counts = countWithOrder(order, included, rule);
    const epsilon = oneRunEpsilonLowerBound(counts, delta, perRule);
    if (best === undefined || epsilon > best.epsilon) best = { epsilon, rule, counts, perRuleSignificance: perRule };
  }
  return best!;
}
