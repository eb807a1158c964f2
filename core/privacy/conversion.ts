/**
 * From RDP curves to (ε, δ)-differential privacy, and the one-call RDP
 * accountant for a single sampled-Gaussian run.
 *
 * An (α, r)-RDP mechanism is (ε, δ)-DP with
 *   ε = r + log((α − 1)/α) − (log δ + log α)/(α − 1)
 * (Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020, arXiv:2004.00010, Prop. 12 in v4; Balle et al.,
 * "Hypothesis Testing Interpretations and Rényi Differential Privacy",
 * AISTATS 2020, Thm. 21; Asoodeh et al. arXiv:2001.05990 eq. 20). It beats
 * Mironov's original r + log(1/δ)/(α − 1) at every order, and is the
 * conversion of Opacus's get_privacy_spent and of dp_accounting's
 * compute_epsilon / compute_delta, so ε matches their published figures.
 * Every order gives a valid bound; we report the smallest and its order.
 *
 * As dp_accounting does, each order's bound is also capped by the one from
 * the KL divergence, which no Rényi divergence of order > 1 falls below: the
 * total-variation distance, hence the δ at ε = 0, is at most √(1 − e^{−KL})
 * (Bretagnolle–Huber). It only matters for tiny RDP (r ≲ δ²), where it
 * lets ε reach 0.
 */
import { CohortError } from '../errors.ts';
import { DEFAULT_ORDERS, checkOrders, composeRdp } from './rdp.ts';

/** The smallest ε over the orders and the order attaining it; order is NaN exactly when ε is +∞. */
export interface EpsilonAtOrder {
  epsilon: number;
  order: number;
}

/** The smallest δ over the orders and the order attaining it. */
export interface DeltaAtOrder {
  delta: number;
  order: number;
}

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

function checkCurve(rdp: unknown, orders: unknown): asserts rdp is readonly number[] {
  checkOrders(orders);
  if (!Array.isArray(rdp)) invalid(`"rdp" expected an array of numbers, got ${typeof rdp}`);
  if (rdp.length !== orders.length || rdp.length === 0) {
    invalid(`"rdp" and "orders" expected the same non-zero length, got ${rdp.length} and ${orders.length}`);
  }
  for (const r of rdp as unknown[]) {
    if (typeof r !== 'number' || Number.isNaN(r) || r < 0) invalid(`"rdp" expected numbers >= 0, got ${String(r)}`);
  }
}

/** ε at one order for δ in (0, 1], r ≥ 0 (Canonne et al. 2020, Prop. 12, with the KL cap). */
function epsilonAt(alpha: number, r: number, delta: number): number {
  if (r === Infinity) return Infinity;
  if (delta * delta + Math.expm1(-r) > 0) return 0; // δ ≥ √(1 − e^{−r}) ≥ TV distance
  if (alpha === Infinity) return r; // pure DP: D_∞ ≤ r gives (r, 0)-DP
  return r + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1);
}

/** log δ at one order for ε ≥ 0, r ≥ 0: the same bound solved for δ, capped by the KL one. */
function logDeltaAt(alpha: number, r: number, epsilon: number): number {
  const fromKl = r === 0 ? -Infinity : 0.5 * Math.log1p(-Math.exp(-r));
  let fromRdp: number;
  if (r === Infinity) fromRdp = Infinity;
  else if (alpha === Infinity) fromRdp = r <= epsilon ? -Infinity : Infinity;
  else fromRdp = (alpha - 1) * (r - epsilon + Math.log1p(-1 / alpha)) - Math.log(alpha);
  return Math.min(fromKl, fromRdp);
}

/**
 * The smallest ε such that the mechanism with RDP `rdp` at `orders` is
 * (ε, δ)-DP, and the order attaining it (the first one on ties). δ = 0 gives
 * ε = 0 if every RDP value is 0, else +∞: RDP of finite order never implies
 * pure DP. Throws E_PRIVACY_PARAMS for δ ∉ [0, 1], mismatched or empty lists,
 * invalid orders, or negative or NaN RDP.
 */
export function epsilonForDelta(rdp: readonly number[], orders: readonly number[], delta: number): EpsilonAtOrder {
  checkCurve(rdp, orders);
  if (typeof delta !== 'number' || Number.isNaN(delta) || delta < 0 || delta > 1) {
    invalid(`"delta" expected a number in [0, 1], got ${String(delta)}`);
  }
  if (delta === 0) {
    return rdp.every((r) => r === 0) ? { epsilon: 0, order: orders[0]! } : { epsilon: Infinity, order: NaN };
  }
  let best = Infinity;
  let order = NaN;
  for (let k = 0; k < orders.length; k++) {
    const eps = epsilonAt(orders[k]!, rdp[k]!, delta);
    if (eps < best) {
      best = eps;
      order = orders[k]!;
    }
  }
  return { epsilon: Math.max(0, best), order };
}

/**
 * The smallest δ such that the mechanism is (ε, δ)-DP by any one order,
 * and that order (dp_accounting's compute_delta; the first order on ties).
 * δ is at most 1. Throws E_PRIVACY_PARAMS for ε not finite or < 0 and for
 * the list errors of epsilonForDelta.
 */
export function deltaForEpsilon(rdp: readonly number[], orders: readonly number[], epsilon: number): DeltaAtOrder {
  checkCurve(rdp, orders);
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    invalid(`"epsilon" expected a finite number >= 0, got ${String(epsilon)}`);
  }
  let best = Infinity;
  let order = orders[0]!;
  for (let k = 0; k < orders.length; k++) {
    const logDelta = logDeltaAt(orders[k]!, rdp[k]!, epsilon);
    if (logDelta < best) {
      best = logDelta;
      order = orders[k]!;
    }
  }
  return { delta: Math.min(Math.exp(best), 1), order };
}

/** A sampled-Gaussian run to account: sampling rate, noise multiplier, steps, and the orders to track. */
export interface RdpRun {
  q: number;
  sigma: number;
  steps: number;
  orders?: readonly number[];
}

/** ε at δ for `steps` steps of the sampled Gaussian mechanism, with the optimal order and the composed RDP curve. */
export function rdpEpsilon(run: RdpRun & { delta: number }): EpsilonAtOrder & { rdp: number[] } {
  const orders = run.orders ?? DEFAULT_ORDERS;
  const rdp = composeRdp([{ q: run.q, sigma: run.sigma, steps: run.steps }], orders);
  return { ...epsilonForDelta(rdp, orders, run.delta), rdp };
}

/** δ at ε for `steps` steps of the sampled Gaussian mechanism, with the optimal order and the composed RDP curve. */
export function rdpDelta(run: RdpRun & { epsilon: number }): DeltaAtOrder & { rdp: number[] } {
  const orders = run.orders ?? DEFAULT_ORDERS;
  const rdp = composeRdp([{ q: run.q, sigma: run.sigma, steps: run.steps }], orders);
  return { ...deltaForEpsilon(rdp, orders, run.epsilon), rdp };
}
