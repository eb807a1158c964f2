/**
 * Neighbour-graph degree k and Shamir threshold t for a secure-aggregation
 * round, from the number of clients n, the number C of clients colluding with
 * the server, and the expected fraction δ of clients that drop out.
 *
 * Holders. A client Shamir-shares its self-mask seed b_u and its mask key s_u
 * to its k graph neighbours and keeps one share of each itself (client.ts,
 * shareSecrets), so every secret has k + 1 holders; on the complete graph
 * (k = n − 1) every one of the n clients holds a share of every secret.
 *
 * Corrupt count. cohort assumes at most ⌈γN⌉ colluding hospitals in a network
 * of N, and a coordinator that picks a round's participants can put all of
 * them into one round; callers therefore pass that count as `corrupt`. Given
 * only `corruptFraction` γ, C = ⌈γn⌉ for this round's n: rounded up, since
 * 5 % of 21 hospitals is at worst 2 colluders, not 1. D = ⌊δn⌋ dropouts.
 *
 * Conditions (Bell, Bonawitz, Gascón, Lepoint, Raykova, CCS 2020, §3 for the
 * semi-honest server, §4 for the semi-malicious one). The C corrupt and D
 * dropped clients sit uniformly on the randomly permuted Harary graph of
 * graph.ts, so an honest client's neighbourhood is a uniform k-subset of the
 * other n − 1 and its corrupt (dropped) neighbours X (Y) are hypergeometric
 * HG(n − 1, C, k) (HG(n − 1, D, k)). Dropouts are a worst-case count placed at
 * random, not independent coin flips, as in the paper and Google's code:
 * every bound below holds for rounds in which at most D clients drop.
 *
 *   S1 connectivity. The honest survivors stay connected, else the server
 *      learns the sum of a proper subset. Removing nodes from H_{k,n}
 *      disconnects it only if two disjoint runs of k/2 consecutive nodes are
 *      all corrupt or dropped; union bound over the n(n − k − 1)/2 pairs of
 *      runs, each all-bad with probability C(C+D, k) / C(n, k).
 *      Require P1 < 2^−(σ+1). This counts dropouts that are not the
 *      adversary's choice: a lying server knows the graph once the seed is
 *      revealed and can drop whom it likes, disconnecting the honest
 *      survivors. It then learns sums of parts of them, each still holding
 *      ≥ t − X honest inputs by H, which is the guarantee cohort states; S1
 *      stays in the search (and in the printed bound) for the honest-server
 *      reading of "only the sum of all survivors".
 *   S2 no reconstruction. Semi-honest: the X corrupt holders rebuild s_u if
 *      X ≥ t; require P[X ≥ t] < 2^−(σ+1)/n. Semi-malicious: the server tells
 *      some of u's holders that u dropped (they reveal shares of s_u) and the
 *      others that it survived (shares of b_u); u itself, told it survived,
 *      reveals its own b_u share, and the X corrupt holders give both. With
 *      the k − X honest neighbours split a : k − X − a the server gets
 *      a + X + 1 shares of b_u and k − a of s_u, both ≥ t for some a iff
 *      2t ≤ k + 1 + X. Require P[X ≥ 2t − k − 1] < 2^−(σ+1)/n.
 *      Union over the n clients: P2 < 2^−(σ+1), so P1 + P2 < 2^−σ.
 *   H  honest inputs. To unmask any sum that contains an honest client u the
 *      server needs t shares of b_u; at most X come from corrupt holders, the
 *      rest from honest ones, which reveal only if named survivors (client.ts
 *      onSurvivors), so their inputs are in that sum. Every sum the server can
 *      learn thus holds ≥ t − X honest inputs: require t ≥ X̄ + minHonest, X̄
 *      the most corrupt holders S2's budget admits (x* − 1 below; exactly C on
 *      the complete graph, where the rule is t ≥ C + minHonest). minHonest = 1
 *      is the paper's semi-honest bound; cohort's default 2 refuses to unmask
 *      one honest hospital's input beside the colluders' own.
 *   C1 correctness. Every client keeps t live holders (to rebuild a dropped
 *      client's key or a survivor's self-mask). Sparse graph, conservatively
 *      counting neighbours only: n · P[k − HG(n − 1, D, k) < t] < 2^−η.
 *      Complete graph, exactly: each secret keeps n − D live holders (a
 *      survivor's b_u the n − D survivors, a dropped client's s_u the same).
 *
 * k is the smallest even degree (2 ≤ k ≤ n − 2) for which some t meets all
 * four; t is the smallest such (S2 and H bound t from below, C1 from above;
 * a larger t only costs robustness), and at least 2 so no single holder ever
 * has a secret outright, as in Google's implementation. Tails are exact
 * hypergeometric sums in log space over a table of log-factorials.
 *
 * Google's implementation by the same group (google-parfait/federated-compute,
 * fcp/secagg/server/graph_parameter_finder.cc, ComputeHararyGraphParameters)
 * bounds the semi-malicious server with k holders (2t − k), but its
 * fcp/secagg/server/secagg_server.cc, SecAggServer::Create, adds the self-edge
 * after the search ("degree = computed_params_status_or_value->degree + 1"):
 * each secret there too has k + 1 holders, so its semi-malicious table rows
 * are one corrupt holder short. Its n = 100, γ = δ = 5 % row, k = 16, t = 11,
 * yields both secrets of a client with 5 corrupt neighbours (2·11 ≤ 16 + 1 + 5).
 * `holders: 'k'` with `corrupt: ⌊γn⌋` and `minHonest: 1` reproduces their
 * published table (graph_parameter_finder_test.cc; the tests keep it as a
 * vector) except where their draw of neighbours from n rather than n − 1
 * clients understates a tail: n = 1000, γ = 0, δ = 0.33, semi-malicious gives
 * k = 230, t = 116 here, 228 and 115 there.
 *
 * Below `fullGraphBelow` clients, and when no k ≤ n − 2 qualifies, the graph
 * is complete (Bonawitz et al., CCS 2017): each secret's n holders include
 * exactly C corrupt and, at worst, D dropped clients, so the conditions are
 * deterministic. t is ⌊n/2⌋ + 1, a majority of all clients, raised to the
 * security floor (semi-malicious 2t ≥ n + 1 + C, semi-honest t ≥ C + 1;
 * t ≥ C + minHonest; t ≥ 2) and lowered to C1's n − D if dropouts leave no
 * majority; if then t is below the floor, no threshold is both safe and live
 * and the round must not run (E_SECAGG_PARAMS): two clients, one of them
 * corrupt, is such a round. Google's CheckFullGraphParameters (same file)
 * counts the same n holders, its complete graph having the self-edge, but
 * asks t > ⌈(n + γn)/2⌉: one stricter than 2t > n + γn whenever
 * (n + γn)/2 is not an integer.
 *
 * The default adversary is semi-malicious: the coordinator is not trusted by
 * the hospitals, and the protocol runs Bonawitz et al.'s consistency check
 * precisely because the server may lie about who dropped out.
 */
import { CohortError } from '../errors.ts';

export type Adversary = 'semi-honest' | 'semi-malicious';

/** Holders of a secret counted by the S2 and C1 bounds: cohort's k + 1, or Google's k (a test vector only). */
export type HolderCount = 'k+1' | 'k';

export interface ParamsOptions {
  /** Clients in the round, 2 ≤ n ≤ MAX_CLIENTS. */
  n: number;
  /** Expected fraction of clients that drop out, δ ∈ [0, 1). */
  dropoutFraction: number;
  /** Clients colluding with the server, an integer in [0, n − 1]. Exactly one of this and `corruptFraction`. */
  corrupt?: number;
  /** Assumed fraction γ ∈ [0, 1) of clients colluding with the server: C = ⌈γn⌉. */
  corruptFraction?: number;
  /** σ: security fails with probability below 2^−σ. */
  securityBits?: number;
  /** η: the protocol aborts (with at most ⌊δn⌋ dropouts) with probability below 2^−η. */
  correctnessBits?: number;
  /** Use the complete graph for fewer clients than this. */
  fullGraphBelow?: number;
  adversary?: Adversary;
  /** Default 'k+1', cohort's protocol; 'k' is Google's accounting. */
  holders?: HolderCount;
  /** Honest inputs every unmaskable sum must contain (condition H), an integer in [1, n]. */
  minHonest?: number;
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
  /** C: colluding clients assumed in this round. */
  corrupt: number;
  /** D: dropouts the round must survive. */
  dropped: number;
  /** Holders of each secret as counted: k + 1, or k with `holders: 'k'`. */
  holders: number;
  /**
   * Fewest honest inputs in any sum the server can unmask (condition H):
   * t − C on the complete graph; t − x̄ on a sparse one, x̄ the most corrupt
   * neighbours S2's budget admits, except with probability below 2^−(σ+1)
   * (an event that contains S2's failure, so with S1 below 2^−σ in all).
   */
  honestInSum: number;
}

export interface Assessment {
  failureProbLog2: number;
  securityLog2: number;
  /** log2 of the S1 bound. */
  disconnectLog2: number;
  /** log2 of the S2 bound (already multiplied by n). */
  reconstructLog2: number;
  /** x̄: the most corrupt holders of one client's secrets S2's budget admits (C on the complete graph). */
  corruptHolders: number;
  /** Whether (k, t) meets S1, S2, H, C1 and t ≥ 2 (k ≥ 2) as chooseParams requires them. */
  ok: boolean;
}

/**
 * Largest n accepted: the job spec's cap on clients per round. The search
 * sums tails exactly, O(k) per candidate k; at this size the slowest feasible
 * instance (δ close to the infeasibility boundary, k near n) takes well under
 * a second, and it grows quadratically beyond.
 */
export const MAX_CLIENTS = 10_000;

/** σ unless the caller sets `securityBits`. */
export const DEFAULT_SECURITY_BITS = 40;

const DEFAULTS = {
  securityBits: DEFAULT_SECURITY_BITS,
  correctnessBits: 20,
  fullGraphBelow: 64,
  adversary: 'semi-malicious' as Adversary,
  holders: 'k+1' as HolderCount,
  minHonest: 2,
};
const MIN_THRESHOLD = 2;
/** Guards ⌈γn⌉ and ⌊δn⌋ against γn or δn landing a hair off an integer in floating point. */
const EPS = 1e-9;

export function chooseParams(options: ParamsOptions): SecAggParams {
  const m = model(options);
  const { n } = m;
  // S2 and C1 together force Y = 2S − h − X ≥ 1 (semi-honest: S − X ≥ 1) at a
  // client, S its surviving neighbours and h ≤ k + 1 its holders, except with
  // probability p < 1/(k + 2), and Y ≥ −k − 1, so they need E[Y] > 0; E[Y] is
  // at most k/(n − 1) times this margin, whatever k is.
  const margin = n - 1 - m.corrupt - (m.adversary === 'semi-malicious' ? 2 : 1) * m.dropped;
  if (n >= m.fullGraphBelow && margin > 0) {
    for (let k = 2; k <= n - 2; k += 2) {
      const t = smallestSecureThreshold(m, k);
      if (t === undefined) continue;
      const a = assess(m, k, t);
      if (a.ok) return result(m, k, t, false, a);
    }
  }
  return fullGraph(m);
}

/** Evaluates S1, S2, H and C1 for a given degree and threshold (k = n − 1: the complete graph). */
export function assessParams(options: Omit<ParamsOptions, 'fullGraphBelow'> & { k: number; t: number }): Assessment {
  const m = model(options);
  const { k, t } = options;
  if (!Number.isInteger(k) || k < 1 || k > m.n - 1)
    throw new CohortError('E_SECAGG_PARAMS', `k must be an integer in [1, ${m.n - 1}], got ${k}`);
  const h = holdersOf(m, k);
  if (!Number.isInteger(t) || t < 1 || t > h)
    throw new CohortError('E_SECAGG_PARAMS', `t must be an integer in [1, ${h}] (the holders of a secret), got ${t}`);
  return assess(m, k, t);
}

interface Model {
  n: number;
  corrupt: number;
  dropped: number;
  adversary: Adversary;
  holders: HolderCount;
  minHonest: number;
  fullGraphBelow: number;
  /** ln of 2^−(σ+1): the budget of each of S1 and S2. */
  lnSecurityEach: number;
  /** ln of 2^−η. */
  lnCorrectness: number;
  logFactorial: Float64Array;
}

function model(o: Omit<ParamsOptions, 'fullGraphBelow'> & { fullGraphBelow?: number }): Model {
  if (typeof o !== 'object' || o === null) throw new CohortError('E_SECAGG_PARAMS', 'options must be an object');
  const { n, dropoutFraction } = o;
  const securityBits = o.securityBits ?? DEFAULTS.securityBits;
  const correctnessBits = o.correctnessBits ?? DEFAULTS.correctnessBits;
  const fullGraphBelow = o.fullGraphBelow ?? DEFAULTS.fullGraphBelow;
  const adversary = o.adversary ?? DEFAULTS.adversary;
  const holders = o.holders ?? DEFAULTS.holders;
  const minHonest = o.minHonest ?? DEFAULTS.minHonest;
  if (!Number.isInteger(n) || n < 2 || n > MAX_CLIENTS)
    throw new CohortError('E_SECAGG_PARAMS', `"n" expected integer in [2, ${MAX_CLIENTS}], got ${n}`);
  fraction('dropoutFraction', dropoutFraction);
  const corrupt = resolveCorrupt(o, n);
  // At least 1 bit each: the margin test in chooseParams relies on 2^−η + 2^−(σ+1) < 1.
  bits('securityBits', securityBits, 256);
  bits('correctnessBits', correctnessBits, 64);
  if (!Number.isInteger(fullGraphBelow) || fullGraphBelow < 0) {
    throw new CohortError('E_SECAGG_PARAMS', `"fullGraphBelow" expected integer >= 0, got ${fullGraphBelow}`);
  }
  if (adversary !== 'semi-honest' && adversary !== 'semi-malicious') {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `"adversary" expected "semi-honest" or "semi-malicious", got ${String(adversary)}`,
    );
  }
  if (holders !== 'k+1' && holders !== 'k')
    throw new CohortError('E_SECAGG_PARAMS', `"holders" expected "k+1" or "k", got ${String(holders)}`);
  if (!Number.isInteger(minHonest) || minHonest < 1 || minHonest > n) {
    throw new CohortError('E_SECAGG_PARAMS', `"minHonest" expected integer in [1, ${n}], got ${minHonest}`);
  }
  const logFactorial = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) logFactorial[i] = logFactorial[i - 1]! + Math.log(i);
  return {
    n,
    corrupt,
    dropped: Math.floor(dropoutFraction * n + EPS),
    adversary,
    holders,
    minHonest,
    fullGraphBelow,
    lnSecurityEach: -(securityBits + 1) * Math.LN2,
    lnCorrectness: -correctnessBits * Math.LN2,
    logFactorial,
  };
}

/**
 * Colluders a fraction γ of n clients stands for: ⌈γn⌉, the EPS guarding γn a
 * hair above an integer in floating point. Jobs count it of the network (the
 * roster), core/job/privacy.ts.
 */
export function corruptCount(gamma: number, n: number): number {
  return Math.max(0, Math.ceil(gamma * n - EPS));
}

/** C from `corrupt` or ⌈γn⌉; an honest client must remain to protect. */
function resolveCorrupt(o: Pick<ParamsOptions, 'corrupt' | 'corruptFraction'>, n: number): number {
  if ((o.corrupt === undefined) === (o.corruptFraction === undefined)) {
    throw new CohortError('E_SECAGG_PARAMS', 'give exactly one of "corrupt" (a count) and "corruptFraction"');
  }
  if (o.corrupt !== undefined) {
    const c = o.corrupt;
    if (!Number.isInteger(c) || c < 0 || c > n - 1)
      throw new CohortError('E_SECAGG_PARAMS', `"corrupt" expected integer in [0, ${n - 1}], got ${c}`);
    return c;
  }
  const gamma = o.corruptFraction!;
  fraction('corruptFraction', gamma);
  const c = corruptCount(gamma, n);
  if (c > n - 1)
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `"corruptFraction" ${gamma} of ${n} clients rounds up to ${c} corrupt: no honest client is left`,
    );
  return c;
}

function fraction(name: string, v: number): void {
  if (typeof v !== 'number' || !(v >= 0 && v < 1))
    throw new CohortError('E_SECAGG_PARAMS', `"${name}" expected number in [0, 1), got ${v}`);
}

function bits(name: string, v: number, max: number): void {
  if (typeof v !== 'number' || !(v >= 1 && v <= max))
    throw new CohortError('E_SECAGG_PARAMS', `"${name}" expected number in [1, ${max}], got ${v}`);
}

/** Holders of each secret at degree k, as this model counts them. */
function holdersOf(m: Model, k: number): number {
  return m.holders === 'k+1' ? k + 1 : k;
}

/** The complete-graph branch of the module comment. */
function fullGraph(m: Model): SecAggParams {
  const { n, corrupt, dropped } = m;
  const k = n - 1;
  const lowest = lowestThreshold(m, k, corruptBound(m, k));
  const highest = holdersOf(m, k) - dropped;
  const t = Math.min(Math.max(Math.floor(n / 2) + 1, lowest), highest);
  if (t < lowest) {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `no threshold is both secure and live for ${n} clients with ${corrupt} corrupt and ${dropped} dropouts ` +
        `(${m.adversary}, ${m.holders} holders, ${m.minHonest} honest inputs per sum): ` +
        `need t >= ${lowest} against collusion but t <= ${highest} to survive the dropouts`,
    );
  }
  return result(m, k, t, true, assess(m, k, t));
}

function result(m: Model, k: number, t: number, full: boolean, a: Assessment): SecAggParams {
  return {
    k,
    t,
    full,
    failureProbLog2: a.failureProbLog2,
    securityLog2: a.securityLog2,
    corrupt: m.corrupt,
    dropped: m.dropped,
    holders: holdersOf(m, k),
    honestInSum: t - a.corruptHolders,
  };
}

/**
 * x̄ = x* − 1, x* the smallest x with n · P[X ≥ x] below S2's budget, X the
 * corrupt neighbours of a client (exactly C at k = n − 1). Walks the tail down
 * from its top, so the cost is the distance from the top to the answer.
 */
function corruptBound(m: Model, k: number): number {
  const budget = m.lnSecurityEach - Math.log(m.n);
  const { lo, hi } = support(m.n - 1, m.corrupt, k);
  let xStar = hi + 1;
  let tail = -Infinity;
  for (let x = hi; x >= lo; x--) {
    tail = logAddExp(tail, hgLogPmf(m, m.n - 1, m.corrupt, k, x));
    if (tail >= budget) break;
    xStar = x;
  }
  return xStar - 1;
}

/** Smallest t meeting S2 and H, and t ≥ 2 where there are two holders, given x̄ corrupt holders. */
function lowestThreshold(m: Model, k: number, corruptHolders: number): number {
  const h = holdersOf(m, k);
  const xStar = corruptHolders + 1;
  // Semi-malicious S2: 2t − h ≥ x*; semi-honest: t ≥ x*.
  const s2 = m.adversary === 'semi-malicious' ? Math.ceil((xStar + h) / 2) : xStar;
  return Math.max(s2, corruptHolders + m.minHonest, Math.min(MIN_THRESHOLD, h));
}

/** Smallest t meeting S2 and H for degree k, or undefined if none is at most the holder count. */
function smallestSecureThreshold(m: Model, k: number): number | undefined {
  const t = lowestThreshold(m, k, corruptBound(m, k));
  return t <= holdersOf(m, k) ? t : undefined;
}

function assess(m: Model, k: number, t: number): Assessment {
  const { n } = m;
  const lnN = Math.log(n);
  const h = holdersOf(m, k);
  const bad = Math.min(m.corrupt + m.dropped, n);
  const lnDisconnect =
    k > bad || k >= n - 1 ? -Infinity : lnN + Math.log(n - k - 1) - Math.LN2 + lnChoose(m, bad, k) - lnChoose(m, n, k);
  const reconstructAt = m.adversary === 'semi-malicious' ? 2 * t - h : t;
  const lnReconstruct = lnN + hgLogUpperTail(m, n - 1, m.corrupt, k, reconstructAt);
  const lnFailure =
    k === n - 1
      ? t > h - m.dropped
        ? 0
        : -Infinity
      : // Fewer than t surviving neighbours ⇔ more than k − t dropped ones.
        lnN + hgLogUpperTail(m, n - 1, m.dropped, k, k - t + 1);
  const corruptHolders = corruptBound(m, k);
  const ok =
    t >= Math.min(MIN_THRESHOLD, h) &&
    t >= corruptHolders + m.minHonest &&
    lnDisconnect < m.lnSecurityEach &&
    lnReconstruct < m.lnSecurityEach &&
    lnFailure < m.lnCorrectness;
  return {
    failureProbLog2: Math.min(lnFailure, 0) / Math.LN2,
    securityLog2: Math.min(logAddExp(lnDisconnect, lnReconstruct), 0) / Math.LN2,
    disconnectLog2: Math.min(lnDisconnect, 0) / Math.LN2,
    reconstructLog2: Math.min(lnReconstruct, 0) / Math.LN2,
    corruptHolders,
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
