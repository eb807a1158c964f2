/**
 * Privacy of the distributed discrete Gaussian (DDG): each of n clients adds
 * its own N_Z(0, σ²)^d noise to an integer vector, and secure aggregation
 * reveals only the sum. Kairouz, Liu and Steinke, "The Distributed Discrete
 * Gaussian Mechanism for Federated Learning with Secure Aggregation", ICML
 * 2021, arXiv:2102.06387 (KLS21). Equation and result numbers are those the
 * authors' reference code cites (google-research/federated,
 * distributed_dp/accounting_utils.py and compression_utils.py).
 *
 * A sum of discrete Gaussians is not a discrete Gaussian, but it is close to
 * N_Z(0, nσ²) when σ is not tiny. KLS21 Prop. 14 (Eq. 17) bounds, for an
 * integer shift Δ ∈ Z^d with ‖Δ‖₂ ≤ Δ₂, ‖Δ‖₁ ≤ Δ₁ and σ ≥ 1/2, the Rényi
 * divergence of order α ≥ 1 between Z_n and Z_n + Δ by the least of
 *   α/2 · a² + τ·d,
 *   α/2 · (a² + 2·b·τ + τ²·d),
 *   α/2 · (a + τ·√d)²,
 * where a = Δ₂/(√n·σ), b = Δ₁/(√n·σ) and
 *   τ = 10 · Σ_{k=1}^{n−1} exp(−2π²σ²·k/(k+1))
 * measures how far the sum is from a single discrete Gaussian. With τ = 0
 * all three are α·Δ₂²/(2nσ²), the RDP bound of one N_Z(0, nσ²) for an
 * integer shift (Canonne, Kamath, Steinke, NeurIPS 2020: ½(Δ/σ)²-concentrated
 * DP, as for the continuous Gaussian).
 * KLS21 Thm. 1 states the end-to-end guarantee (rounded sensitivity and τ)
 * in concentrated-DP form; like the authors' accountant we keep Prop. 14's
 * bound order by order, which composes over rounds with conversion.ts.
 *
 * One step beyond the paper: fewer noise shares are never better than more.
 * Z_n = Z_m + W with W the other n − m shares, independent of the data, so
 * the n-client release is post-processing of the m-client one and its RDP is
 * at most the bound for any m ≤ n (data-processing inequality). We take the
 * least over m, which makes ε non-increasing in n even where τ grows with n
 * faster than a² shrinks (σ near 1/2).
 *
 * Integer inputs come from conditional randomized rounding (KLS21 Prop. 22,
 * Thm. 1 Eq. 2): a vector of L2 norm ≤ C scaled to the integer grid is
 * rounded up or down at random, coordinate-wise and unbiased, and the
 * rounding is redrawn until the result's norm is at most
 *   min( C + √d,  sqrt(C² + d/4 + √(2·ln(1/β))·(C + √d/2)) ),
 * which a fresh draw meets with probability ≥ 1 − β (the first bound holds
 * always). Since the integer difference of two neighbours has ‖Δ‖₁ ≤ ‖Δ‖₂²
 * and ‖Δ‖₁ ≤ √d·‖Δ‖₂, Δ₁ = Δ₂ · min(√d, Δ₂).
 *
 * Neighbouring relation: one client's vector replaced by zero (the client
 * still adds its noise), as in KLS21 and the reference code; for
 * replace-one pass twice the rounded bound as Δ₂.
 */
import { CohortError } from '../errors.ts';
import { calibrateSigma } from './calibrate.ts';
import { epsilonForDelta, type EpsilonAtOrder } from './conversion.ts';
import { DEFAULT_ORDERS, checkOrders, checkSteps } from './rdp.ts';

/** Smallest per-client σ (integer units) KLS21 Prop. 14 covers. */
export const MIN_DDG_SIGMA = 0.5;
/** Largest number of clients accepted: bounds the O(n) work of τ. */
export const MAX_DDG_CLIENTS = 1_000_000;
/** Largest dimension accepted (2^30): far above any model, keeps √d and τ·d finite and exact enough. */
export const MAX_DDG_DIM = 2 ** 30;

/** One round of the distributed discrete Gaussian, in integer (scaled) units. */
export interface DdgMechanism {
  /** n: clients whose noise shares enter the released sum (the fewest honest survivors), ≥ 1. */
  clients: number;
  /** σ: standard deviation parameter of each client's N_Z(0, σ²), ≥ 1/2. */
  sigma: number;
  /** Δ₂: L2 sensitivity of the integer sum, > 0. */
  l2Sensitivity: number;
  /** Δ₁: L1 sensitivity; default min(Δ₂², √d·Δ₂), which holds for every integer vector. */
  l1Sensitivity?: number;
  /** d: length of the integer vector (after any padding), ≥ 1. */
  dim: number;
}

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

function checkPositive(x: unknown, name: string, min = 0, inclusive = false): asserts x is number {
  if (typeof x !== 'number' || !Number.isFinite(x) || (inclusive ? x < min : x <= min)) {
    invalid(`"${name}" expected a finite number ${inclusive ? '>=' : '>'} ${min}, got ${String(x)}`);
  }
}

function checkInt(x: unknown, name: string, min: number, max: number): asserts x is number {
  if (!Number.isSafeInteger(x) || (x as number) < min || (x as number) > max) {
    invalid(`"${name}" expected an integer in [${min}, ${max}], got ${String(x)}`);
  }
}

function checkBeta(beta: unknown): asserts beta is number {
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1))
    invalid(`"beta" expected a number in [0, 1), got ${String(beta)}`);
}

/**
 * KLS21 Thm. 1 / Eq. 2 and Prop. 22: the L2 norm every conditionally rounded
 * vector is held to, for an input of norm ≤ `l2` (already in integer units)
 * in `dim` coordinates and bias β ∈ [0, 1). β = 0 means plain randomized
 * rounding, whose error is below 1 per coordinate: l2 + √d.
 */
export function roundedL2Bound(l2: number, dim: number, beta: number): number {
  checkPositive(l2, 'l2');
  checkInt(dim, 'dim', 1, MAX_DDG_DIM);
  checkBeta(beta);
  const sqrtD = Math.sqrt(dim);
  const always = l2 + sqrtD;
  if (beta === 0) return always;
  const squared = l2 * l2 + dim / 4 + Math.sqrt(2 * Math.log(1 / beta)) * (l2 + sqrtD / 2);
  return Math.min(always, Math.sqrt(squared));
}

/** Δ₁ for an integer vector of L2 norm ≤ l2 in `dim` coordinates: l2 · min(√d, l2). */
export function roundedL1Bound(l2: number, dim: number): number {
  checkPositive(l2, 'l2');
  checkInt(dim, 'dim', 1, MAX_DDG_DIM);
  return l2 * Math.min(Math.sqrt(dim), l2);
}

/** τ_m = 10 · Σ_{k=1}^{m−1} exp(−2π²σ²·k/(k+1)) for m = 1..n (index m − 1); τ_1 = 0. */
function tauPrefix(n: number, sigma: number): Float64Array {
  const tau = new Float64Array(n);
  const c = -2 * Math.PI * Math.PI * sigma * sigma;
  let sum = 0;
  for (let k = 1; k < n; k++) {
    sum += Math.exp((c * k) / (k + 1));
    tau[k] = 10 * sum;
  }
  return tau;
}

/** KLS21's τ for n clients of per-client σ (integer units): the distance of the sum from one discrete Gaussian. */
export function ddgTau(clients: number, sigma: number): number {
  checkInt(clients, 'clients', 1, MAX_DDG_CLIENTS);
  checkPositive(sigma, 'sigma');
  return tauPrefix(clients, sigma)[clients - 1]!;
}

/**
 * KLS21 Prop. 14 (Eq. 17) at one order for exactly n shares: the least of
 * its three bounds. `l2Scale` = Δ₂/(√n σ), `l1Scale` = Δ₁/(√n σ). Exposed
 * for tests against the reference code, which evaluates it at n alone.
 * @internal
 */
export function prop14Rdp(alpha: number, l2Scale: number, l1Scale: number, tau: number, dim: number): number {
  const half = alpha / 2;
  const t1 = half * l2Scale * l2Scale + tau * dim;
  const t2 = half * (l2Scale * l2Scale + 2 * l1Scale * tau + tau * tau * dim);
  const s3 = l2Scale + Math.sqrt(dim) * tau;
  const t3 = half * s3 * s3;
  return Math.min(t1, t2, t3);
}

function checkMechanism(m: DdgMechanism): Required<DdgMechanism> {
  if (typeof m !== 'object' || m === null) invalid(`"mechanism" expected an object, got ${String(m)}`);
  checkInt(m.clients, 'clients', 1, MAX_DDG_CLIENTS);
  checkPositive(m.sigma, 'sigma', MIN_DDG_SIGMA, true);
  checkPositive(m.l2Sensitivity, 'l2Sensitivity');
  checkInt(m.dim, 'dim', 1, MAX_DDG_DIM);
  const l1Default = roundedL1Bound(m.l2Sensitivity, m.dim);
  const l1 = m.l1Sensitivity ?? l1Default;
  checkPositive(l1, 'l1Sensitivity');
  // Every integer vector of L2 norm ≤ Δ₂ has L1 norm ≤ l1Default, so a larger Δ₁ is never needed.
  return {
    clients: m.clients,
    sigma: m.sigma,
    l2Sensitivity: m.l2Sensitivity,
    l1Sensitivity: Math.min(l1, l1Default),
    dim: m.dim,
  };
}

/**
 * RDP of one round at each order: KLS21 Prop. 14, least over 1 ≤ m ≤ n
 * shares (see the module comment). Throws E_PRIVACY_PARAMS for σ below 1/2,
 * non-positive sensitivities, out-of-range counts or orders.
 */
export function ddgRdp(mechanism: DdgMechanism, orders: readonly number[] = DEFAULT_ORDERS): number[] {
  const { clients: n, sigma, l2Sensitivity: l2, l1Sensitivity: l1, dim } = checkMechanism(mechanism);
  checkOrders(orders);
  const tau = tauPrefix(n, sigma);
  return orders.map((alpha) => {
    if (alpha === Infinity) return Infinity;
    // Every bound is ≥ α/2·Δ₂²/(mσ²), which grows as m falls: scanning down from
    // m = n, stop once that floor reaches the best bound so far. With τ
    // negligible this stops at m = n − 1.
    let best = Infinity;
    for (let m = n; m >= 1; m--) {
      const root = Math.sqrt(m) * sigma;
      const a = l2 / root;
      if ((alpha / 2) * a * a >= best) break;
      best = Math.min(best, prop14Rdp(alpha, a, l1 / root, tau[m - 1]!, dim));
    }
    return best;
  });
}

/** ε at δ over `rounds` rounds, the optimal order, and the composed RDP curve. */
export function ddgEpsilon(
  run: DdgMechanism & { rounds: number; delta: number; orders?: readonly number[] },
): EpsilonAtOrder & { rdp: number[] } {
  checkSteps(run.rounds);
  const orders = run.orders ?? DEFAULT_ORDERS;
  const perRound = ddgRdp(run, orders);
  // RDP adds up over rounds at each order (Mironov 2017, Prop. 1); no round releases nothing (and 0·∞ is not NaN).
  const rdp = perRound.map((r) => (run.rounds === 0 ? 0 : r * run.rounds));
  return { ...epsilonForDelta(rdp, orders, run.delta), rdp };
}

export interface CalibrateDdgOptions {
  /** ε to meet over all rounds, > 0. */
  targetEpsilon: number;
  /** δ, in (0, 1). */
  delta: number;
  /** Rounds composed, ≥ 1. */
  rounds: number;
  /** n_min: the fewest clients whose noise shares enter each round's sum, ≥ 1. */
  minClients: number;
  /** d: length of the integer vector (the padded length when a Hadamard rotation pads). */
  dim: number;
  /** c: L2 clip of each client's vector, real units, > 0. */
  clip: number;
  /** γ: real value of one integer unit, > 0. */
  gamma: number;
  /** β ∈ [0, 1) of conditional randomized rounding. */
  beta: number;
  orders?: readonly number[];
}

/**
 * The smallest per-client σ, in real units (the integer noise is σ/γ), for
 * which `rounds` rounds with `minClients` shares each are
 * (targetEpsilon, delta)-DP: the sensitivity is the rounded bound of c/γ,
 * and the search is calibrate.ts's (bracket, then narrow in log σ; the σ
 * returned meets the target, one SIGMA_REL_TOL smaller does not), run on
 * σ/γ so that its range does not depend on the units of the update. σ/γ
 * below 1/2 counts as missing the target: Prop. 14 does not cover it.
 * Throws E_PRIVACY_PARAMS for invalid options or an unreachable target.
 */
export function calibrateDdgNoise(options: CalibrateDdgOptions): number {
  const { targetEpsilon, delta, rounds, minClients, dim, clip, gamma, beta } = options;
  checkPositive(clip, 'clip');
  checkPositive(gamma, 'gamma');
  checkInt(rounds, 'rounds', 1, Number.MAX_SAFE_INTEGER);
  checkInt(minClients, 'minClients', 1, MAX_DDG_CLIENTS);
  const orders = options.orders ?? DEFAULT_ORDERS;
  checkOrders(orders);
  const l2Sensitivity = roundedL2Bound(clip / gamma, dim, beta);
  const l1Sensitivity = roundedL1Bound(l2Sensitivity, dim);
  const epsilonAt = (s: number): number => {
    if (!(s >= MIN_DDG_SIGMA)) return Infinity;
    return ddgEpsilon({ clients: minClients, sigma: s, l2Sensitivity, l1Sensitivity, dim, rounds, delta, orders })
      .epsilon;
  };
  const s = calibrateSigma({ targetEpsilon, delta, q: 1, steps: rounds, orders, accountant: epsilonAt });
  // Back to real units; σ/γ must not round below the s that met the target.
  let sigma = s * gamma;
  while (sigma / gamma < s) sigma = nextUp(sigma);
  return sigma;
}

/** The least double above a positive finite x. */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}
