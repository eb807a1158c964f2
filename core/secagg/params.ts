/**
 * Neighbour-graph degree k and Shamir threshold t for a secure-aggregation
 * round, from the number of clients n, the assumed fraction γ of corrupt
 * clients (colluding with the server) and the expected fraction δ of clients
 * that drop out.
 *
 * Conditions (Bell, Bonawitz, Gascón, Lepoint, Raykova, CCS 2020, §3 for the
 * semi-honest server, §4 for the semi-malicious one), with the accounting of
 * Google's implementation by the same group (google-parfait/federated-compute,
 * fcp/secagg/server/graph_parameter_finder.cc, "ComputeHararyGraphParameters").
 * C = ⌊γn⌋ corrupt and D = ⌊δn⌋ dropped clients, placed uniformly on the
 * randomly permuted Harary graph of graph.ts, so the neighbourhood of a client
 * is a uniform k-subset of the other n − 1 and its corrupt (dropped)
 * neighbours are hypergeometric HG(n − 1, C, k) (HG(n − 1, D, k)). Dropouts
 * are thus a worst-case count placed at random, not independent coin flips,
 * as in the paper and Google's code: every bound below holds for rounds in
 * which at most ⌊δn⌋ clients drop.
 *
 *   S1 connectivity. The honest survivors stay connected, else the server
 *      learns the sum of a proper subset. Removing nodes from H_{k,n}
 *      disconnects it only if two disjoint runs of k/2 consecutive nodes are
 *      all corrupt or dropped; union bound over the n(n − k − 1)/2 pairs of
 *      runs, each all-bad with probability C(C+D, k) / C(n, k).
 *      Require P1 < 2^−(σ+1).
 *   S2 no reconstruction. Semi-honest: a client has t or more corrupt
 *      neighbours (they could rebuild its secrets) with probability
 *      < 2^−(σ+1)/n. Semi-malicious: the server may tell some neighbours a
 *      client dropped (asking for shares of its mask key) and the others it
 *      survived (asking for its self-mask seed); both reach t only if
 *      2t ≤ k + X for X corrupt neighbours, so require P[X ≥ 2t − k] < 2^−(σ+1)/n.
 *      Union over the n clients: P2 < 2^−(σ+1), so P1 + P2 < 2^−σ.
 *   C1 correctness. Every client keeps t surviving neighbours (to rebuild a
 *      dropped client's key or a survivor's self-mask):
 *      n · P[k − HG(n − 1, D, k) < t] < 2^−η.
 *
 * k is the smallest even degree (2 ≤ k ≤ n − 2) for which some t meets all
 * three; t is the smallest such (S2 alone fixes it; a larger t only costs
 * robustness), and at least 2 so no single neighbour ever holds a secret
 * outright, as in Google's implementation. Tails are exact hypergeometric sums
 * in log space over a table of log-factorials. This reproduces Google's
 * published table (fcp/secagg/server/graph_parameter_finder_test.cc; e.g.
 * n = 100, 5 % corrupt, 5 % dropout: k = 12, t = 6 semi-honest, k = 16,
 * t = 11 semi-malicious) except where Google's draw of neighbours from n
 * rather than n − 1 clients understates a tail: n = 1000, γ = 0, δ = 0.33,
 * semi-malicious gives k = 230, t = 116 here, 228 and 115 there.
 *
 * Below `fullGraphBelow` clients, and when no k ≤ n − 2 qualifies, the graph
 * is complete (Bonawitz et al., CCS 2017): each client's n − 1 neighbours
 * hold exactly C corrupt and, at worst, D dropped clients, so the conditions
 * are deterministic. t is floor(n/2) + 1, a majority of all clients, raised
 * to the S2 bound (t > C semi-honest; 2t > n − 1 + C semi-malicious, the
 * majority-plus-corrupt rule Bonawitz et al. need against a server that
 * lies about dropouts, as Google's CheckFullGraphParameters enforces) and
 * lowered to C1's n − 1 − D if dropouts leave no majority; if then
 * t < S2's bound, no threshold is both safe and live and the round must not
 * run (E_SECAGG_PARAMS). Two clients get t = 1: with two inputs the sum
 * reveals the other input anyway.
 *
 * The default adversary is semi-malicious: the coordinator is not trusted by
 * the hospitals, and the protocol runs Bonawitz et al.'s consistency check
 * precisely because the server may lie about who dropped out.
 */
import { CohortError } from '../errors.ts';

export type Adversary = 'semi-honest' | 'semi-malicious';

export interface ParamsOptions {
  /** Clients in the round, 2 ≤ n ≤ MAX_CLIENTS. */
  n: number;
  /** Expected fraction of clients that drop out, δ ∈ [0, 1). */
  dropoutFraction: number;
  /** Assumed fraction of clients colluding with the server, γ ∈ [0, 1). */
  corruptFraction: number;
  /** σ: security fails with probability below 2^−σ. */
  securityBits?: number;
  /** η: the protocol aborts (with at most ⌊δn⌋ dropouts) with probability below 2^−η. */
  correctnessBits?: number;
  /** Use the complete graph for fewer clients than this. */
  fullGraphBelow?: number;
  adversary?: Adversary;
}

export interface SecAggParams {
  /** Neighbours per client; n − 1 when `full`. */
  k: number;
  t: number;
  full: boolean;
  /** log2 of the bound on P[C1 fails]; −Infinity when it cannot fail. */
  failureProbLog2: number;
  /** log2 of the bound on P[S1 or S2 fails]; −Infinity when it cannot fail. */
  securityLog2: number;
}

export interface Assessment {
  failureProbLog2: number;
  securityLog2: number;
  /** log2 of the S1 bound. */
  disconnectLog2: number;
  /** log2 of the S2 bound (already multiplied by n). */
  reconstructLog2: number;
  /** Whether (k, t) meets S1, S2, C1 and t ≥ 2 (k ≥ 2) as chooseParams requires them. */
  ok: boolean;
}

/**
 * Largest n accepted: the job spec's cap on clients per round. The search
 * sums tails exactly, O(k) per candidate k; at this size the slowest feasible
 * instance (δ close to the infeasibility boundary, k near n) takes well under
 * a second, and it grows quadratically beyond.
 */
export const MAX_CLIENTS = 10_000;

const DEFAULTS = { securityBits: 40, correctnessBits: 20, fullGraphBelow: 64, adversary: 'semi-malicious' as Adversary };
const MIN_THRESHOLD = 2;
/** Guards ⌊γn⌋ against γn landing a hair below an integer in floating point. */
const EPS = 1e-9;

export function chooseParams(options: ParamsOptions): SecAggParams {
  const m = model(options);
  const { n } = m;
  // S2 and C1 together force Y = 2S − k − X ≥ 1 (semi-honest: S − X ≥ 1) at a
  // client except with probability p < 1/(k + 1), and Y ≥ −k, so they need
  // E[Y] > 0; E[Y] is k/(n − 1) times this margin, whatever k is.
  const margin = n - 1 - m.corrupt - (m.adversary === 'semi-malicious' ? 2 : 1) * m.dropped;
  if (n >= m.fullGraphBelow && margin > 0) {
    for (let k = 2; k <= n - 2; k += 2) {
      const t = smallestSecureThreshold(m, k);
      if (t === undefined) continue;
      const a = assess(m, k, t);
      if (a.ok) return { k, t, full: false, failureProbLog2: a.failureProbLog2, securityLog2: a.securityLog2 };
    }
  }
  return fullGraph(m);
}

/** Evaluates S1, S2 and C1 for a given degree and threshold (k = n − 1: the complete graph). */
export function assessParams(options: Omit<ParamsOptions, 'fullGraphBelow'> & { k: number; t: number }): Assessment {
  const m = model(options);
  const { k, t } = options;
  if (!Number.isInteger(k) || k < 1 || k > m.n - 1) throw new CohortError('E_SECAGG_PARAMS', `k must be an integer in [1, ${m.n - 1}], got ${k}`);
  if (!Number.isInteger(t) || t < 1 || t > k) throw new CohortError('E_SECAGG_PARAMS', `t must be an integer in [1, k = ${k}], got ${t}`);
  return assess(m, k, t);
}

interface Model {
  n: number;
  corrupt: number;
  dropped: number;
  adversary: Adversary;
  fullGraphBelow: number;
  /** ln of 2^−(σ+1): the budget of each of S1 and S2. */
  lnSecurityEach: number;
  /** ln of 2^−η. */
  lnCorrectness: number;
  logFactorial: Float64Array;
}

function model(o: Omit<ParamsOptions, 'fullGraphBelow'> & { fullGraphBelow?: number }): Model {
  if (typeof o !== 'object' || o === null) throw new CohortError('E_SECAGG_PARAMS', 'options must be an object');
  const { n, dropoutFraction, corruptFraction } = o;
  const securityBits = o.securityBits ?? DEFAULTS.securityBits;
  const correctnessBits = o.correctnessBits ?? DEFAULTS.correctnessBits;
  const fullGraphBelow = o.fullGraphBelow ?? DEFAULTS.fullGraphBelow;
  const adversary = o.adversary ?? DEFAULTS.adversary;
  if (!Number.isInteger(n) || n < 2 || n > MAX_CLIENTS) throw new CohortError('E_SECAGG_PARAMS', `"n" expected integer in [2, ${MAX_CLIENTS}], got ${n}`);
  fraction('dropoutFraction', dropoutFraction);
  fraction('corruptFraction', corruptFraction);
  // At least 1 bit each: the margin test in chooseParams relies on 2^−η + 2^−(σ+1) < 1.
  bits('securityBits', securityBits, 256);
  bits('correctnessBits', correctnessBits, 64);
  if (!Number.isInteger(fullGraphBelow) || fullGraphBelow < 0) {
    throw new CohortError('E_SECAGG_PARAMS', `"fullGraphBelow" expected integer >= 0, got ${fullGraphBelow}`);
  }
  if (adversary !== 'semi-honest' && adversary !== 'semi-malicious') {
    throw new CohortError('E_SECAGG_PARAMS', `"adversary" expected "semi-honest" or "semi-malicious", got ${String(adversary)}`);
  }
  const logFactorial = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) logFactorial[i] = logFactorial[i - 1]! + Math.log(i);
  return {
    n,
    corrupt: Math.floor(corruptFraction * n + EPS),
    dropped: Math.floor(dropoutFraction * n + EPS),
    adversary,
    fullGraphBelow,
    lnSecurityEach: -(securityBits + 1) * Math.LN2,
    lnCorrectness: -correctnessBits * Math.LN2,
    logFactorial,
  };
}

function fraction(name: string, v: number): void {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new CohortError('E_SECAGG_PARAMS', `"${name}" expected number in [0, 1), got ${v}`);
}

function bits(name: string, v: number, max: number): void {
  if (typeof v !== 'number' || !(v >= 1 && v <= max)) throw new CohortError('E_SECAGG_PARAMS', `"${name}" expected number in [1, ${max}], got ${v}`);
}

/** The complete-graph branch of the module comment. */
function fullGraph(m: Model): SecAggParams {
  const { n, corrupt, dropped } = m;
  const k = n - 1;
  const lowest = m.adversary === 'semi-malicious' ? Math.floor((k + corrupt) / 2) + 1 : corrupt + 1;
  const highest = k - dropped;
  const t = Math.min(Math.max(Math.floor(n / 2) + 1, lowest), highest);
  if (t < lowest || t < 1) {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `no threshold is both secure and live for ${n} clients with ${corrupt} corrupt and ${dropped} dropouts (${m.adversary}): need ${lowest} <= t <= ${highest}`,
    );
  }
  const a = assess(m, k, t);
  return { k, t, full: true, failureProbLog2: a.failureProbLog2, securityLog2: a.securityLog2 };
}

/**
 * Smallest t ≥ MIN_THRESHOLD (or 1 when k = 1) meeting S2 for degree k, or
 * undefined if none ≤ k does. Walks the corrupt-neighbour tail down from its
 * top, so the cost is the distance from the top to the answer.
 */
function smallestSecureThreshold(m: Model, k: number): number | undefined {
  const budget = m.lnSecurityEach - Math.log(m.n);
  const { lo, hi } = support(m.n - 1, m.corrupt, k);
  // x* = smallest x with P[X ≥ x] < budget.
  let xStar = hi + 1;
  let tail = -Infinity;
  for (let x = hi; x >= lo; x--) {
    tail = logAddExp(tail, hgLogPmf(m, m.n - 1, m.corrupt, k, x));
    if (tail >= budget) break;
    xStar = x;
  }
  // Semi-honest: t ≥ x*. Semi-malicious: 2t − k ≥ x*.
  const t = Math.max(m.adversary === 'semi-malicious' ? Math.ceil((xStar + k) / 2) : xStar, Math.min(MIN_THRESHOLD, k));
  return t <= k ? t : undefined;
}

function assess(m: Model, k: number, t: number): Assessment {
  const { n } = m;
  const lnN = Math.log(n);
  const bad = Math.min(m.corrupt + m.dropped, n);
  const lnDisconnect = k > bad || k >= n - 1
    ? -Infinity
    : lnN + Math.log(n - k - 1) - Math.LN2 + lnChoose(m, bad, k) - lnChoose(m, n, k);
  const reconstructAt = m.adversary === 'semi-malicious' ? 2 * t - k : t;
  const lnReconstruct = lnN + hgLogUpperTail(m, n - 1, m.corrupt, k, reconstructAt);
  // Fewer than t survivors ⇔ more than k − t dropped neighbours.
  const lnFailure = lnN + hgLogUpperTail(m, n - 1, m.dropped, k, k - t + 1);
  const ok = t >= Math.min(MIN_THRESHOLD, k) && lnDisconnect < m.lnSecurityEach && lnReconstruct < m.lnSecurityEach && lnFailure < m.lnCorrectness;
  return {
    failureProbLog2: Math.min(lnFailure, 0) / Math.LN2,
    securityLog2: Math.min(logAddExp(lnDisconnect, lnReconstruct), 0) / Math.LN2,
    disconnectLog2: Math.min(lnDisconnect, 0) / Math.LN2,
    reconstructLog2: Math.min(lnReconstruct, 0) / Math.LN2,
    ok,
  };
}

/** Values X ~ HG(population, marked, draws) can take. */
function support(population: number, marked: number, draws: number): { lo: number; hi: number } {
  return { lo: Math.max(0, draws - (population - marked)), hi: Math.min(draws, marked) };
}

function lnChoose(m: Model, a: number, b: number): number {
  if (b < 0 || b > a) return -Infinity;
  const f = m.logFactorial;
  return f[a]! - f[b]! - f[a - b]!;
}

function hgLogPmf(m: Model, population: number, marked: number, draws: number, x: number): number {
  return lnChoose(m, marked, x) + lnChoose(m, population - marked, draws - x) - lnChoose(m, population, draws);
}

/** ln P[X ≥ x], summed exactly from the top of the support. */
function hgLogUpperTail(m: Model, population: number, marked: number, draws: number, x: number): number {
  const { lo, hi } = support(population, marked, draws);
  if (x <= lo) return 0;
  let tail = -Infinity;
  for (let y = hi; y >= x; y--) tail = logAddExp(tail, hgLogPmf(m, population, marked, draws, y));
  return Math.min(tail, 0);
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}
