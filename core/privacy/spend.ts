/**
 * What a sequence of DP releases costs, by both accountants: the privacy
 * spend of one round, one job, or everything a hospital has trained on a
 * dataset. Mechanisms compose sequentially (the same records take part in
 * each), so RDP curves add per order (Mironov 2017, Prop. 1) and PLDs
 * convolve (pld.ts). Both are upper bounds on the same ε, so either may be
 * charged: `pld` (the default of jobs and budgets) charges the smaller of
 * the two, `rdp` charges RDP alone (the figure Opacus and TF Privacy give).
 * The other figure is reported beside the charged one for the ledger.
 */
import { CohortError } from '../errors.ts';
import { epsilonForDelta } from './conversion.ts';
import {
  composeSampledGaussianPlds,
  composeSymmetricPmf,
  DEFAULT_DISCRETIZATION,
  DEFAULT_MAX_BINS,
  keptStepPmf,
  pldEpsilonFor,
  type PldRun,
} from './pld.ts';
import { checkDiscreteGaussianSigma, discreteGaussianPmf } from './discrete-gaussian-pld.ts';
import { checkSteps, DEFAULT_ORDERS, rdpSampledGaussian } from './rdp.ts';
import { ddgRdp, type DdgMechanism } from './distributed-dg.ts';

export type AccountantName = 'pld' | 'rdp';

/** `steps` steps of the Poisson-subsampled Gaussian mechanism (DP-SGD; q = 1 is the plain Gaussian). */
export interface SampledGaussianMechanism {
  kind: 'sampled-gaussian';
  q: number;
  sigma: number;
  steps: number;
}

/**
 * `rounds` rounds of the distributed discrete Gaussian in the secure sum
 * (Kairouz, Liu, Steinke 2021), in the integer units of the sum. It has no
 * PLD here: its RDP bound is the only one, and is charged.
 */
export interface DistributedDiscreteGaussianMechanism extends DdgMechanism {
  kind: 'distributed-discrete-gaussian';
  rounds: number;
}

/**
 * `steps` releases of an integer of sensitivity 1 plus discrete Gaussian
 * noise N_Z(0, σ²), no sampling (a hospital's evaluation counts,
 * core/privacy/noisy-counts.ts). RDP α/(2σ²) a step, the continuous
 * Gaussian's (an upper bound: Canonne, Kamath, Steinke 2020); PLD its own,
 * exact up to the grid (discrete-gaussian-pld.ts), since its δ(ε) exceeds the
 * continuous Gaussian's. σ is finite, ≥ 1.
 */
export interface DiscreteGaussianMechanism {
  kind: 'discrete-gaussian';
  sigma: number;
  steps: number;
}

export type Mechanism = SampledGaussianMechanism | DistributedDiscreteGaussianMechanism | DiscreteGaussianMechanism;

export interface SpendReport {
  /** δ every figure is stated at. */
  delta: number;
  /** The ε charged: `bound`'s (under `pld`, the smaller of the two). */
  epsilon: number;
  bound: AccountantName;
  rdp: { epsilon: number; order: number };
  /** ε by PLD; null when some mechanism has no PLD here. */
  pld: number | null;
}

/** The spend of nothing: ε = 0 at any δ. */
export function noSpend(delta: number, bound: AccountantName): SpendReport {
  return { delta, epsilon: 0, bound, rdp: { epsilon: 0, order: DEFAULT_ORDERS[0]! }, pld: bound === 'pld' ? 0 : null };
}

/**
 * The mechanisms of one kind, those with the same parameters merged into one
 * with their count (`steps` or `rounds`) summed: composition is the same
 * either way, and one PLD or RDP curve is cheaper than many. Entries that
 * release nothing (a count of 0, or q = 0) are left out.
 */
function merged<K extends Mechanism['kind'], M extends Extract<Mechanism, { kind: K }>>(
  mechanisms: readonly Mechanism[],
  kind: K,
  count: 'steps' | 'rounds',
): M[] {
  const byParams = new Map<string, M>();
  for (const m of mechanisms) {
    if (m.kind !== kind) continue;
    const n = (m as unknown as Record<string, number>)[count]!;
    if (!(n > 0) || (m.kind === 'sampled-gaussian' && m.q === 0)) continue;
    const key = JSON.stringify({ ...m, [count]: 0 });
    const seen = byParams.get(key) as Record<string, number> | undefined;
    if (seen) seen[count]! += n;
    else byParams.set(key, { ...m } as M);
  }
  return [...byParams.values()];
}

function checkMechanism(m: Mechanism): void {
  if (m.kind === 'discrete-gaussian') {
    checkDiscreteGaussianSigma(m.sigma);
    checkSteps(m.steps);
  } else if (m.kind !== 'sampled-gaussian' && m.kind !== 'distributed-discrete-gaussian') {
    throw new CohortError('E_PRIVACY_PARAMS', `unknown mechanism kind ${String((m as { kind: unknown }).kind)}`);
  }
}

/**
 * ε at δ of running every mechanism in turn: under `pld`, min(PLD ε, RDP ε)
 * (PLD on a tie), under `rdp`, RDP ε; `bound` names the one charged. Throws
 * E_PRIVACY_PARAMS for an invalid mechanism or δ (checked by the accountants).
 */
export function accountSpend(mechanisms: readonly Mechanism[], delta: number, accountant: AccountantName): SpendReport {
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1))
    throw new CohortError('E_PRIVACY_PARAMS', `"delta" expected a number in (0, 1), got ${String(delta)}`);
  for (const m of mechanisms) checkMechanism(m);
  const runs = merged(mechanisms, 'sampled-gaussian', 'steps');
  const ddg = merged(mechanisms, 'distributed-discrete-gaussian', 'rounds');
  const discrete = merged(mechanisms, 'discrete-gaussian', 'steps');
  if (runs.length === 0 && ddg.length === 0 && discrete.length === 0) return noSpend(delta, accountant);
  const orders = DEFAULT_ORDERS;
  const rdp = new Array<number>(orders.length).fill(0);
  for (const r of runs) rdpSampledGaussian(r.q, r.sigma, orders).forEach((v, i) => (rdp[i]! += v * r.steps));
  for (const m of ddg) ddgRdp(m, orders).forEach((v, i) => (rdp[i]! += v * m.rounds));
  for (const m of discrete) rdpSampledGaussian(1, m.sigma, orders).forEach((v, i) => (rdp[i]! += v * m.steps));
  const byRdp = epsilonForDelta(rdp, orders, delta);
  const pldRuns: PldRun[] = runs.map((r) => ({ q: r.q, sigma: r.sigma, steps: r.steps }));
  const pld = ddg.length > 0 ? null : pldOrNull(pldRuns, discrete, delta);
  // PLD is the tight one up to its pessimism (grid, truncated tails), RDP up to its conversion's slack; where
  // the PLD's pessimism is the larger (a δ near its truncated tail mass, e.g. below 1e-15 after many steps,
  // where it says ∞) or its grid would be too large, RDP is the smaller valid bound and is charged.
  const bound: AccountantName = accountant === 'pld' && pld !== null && pld <= byRdp.epsilon ? 'pld' : 'rdp';
  const epsilon = bound === 'pld' ? pld! : byRdp.epsilon;
  return { delta, epsilon, bound, rdp: { epsilon: byRdp.epsilon, order: byRdp.order }, pld };
}

/** ε by PLD of the sampled-Gaussian runs then the discrete Gaussians, or null when its grid would exceed the limit (very long runs at small σ). */
function pldOrNull(runs: PldRun[], discrete: readonly DiscreteGaussianMechanism[], delta: number): number | null {
  try {
    let pld = composeSampledGaussianPlds(runs);
    for (const m of discrete)
      pld = composeSymmetricPmf(
        pld,
        keptStepPmf(`z${m.sigma},${DEFAULT_DISCRETIZATION},${DEFAULT_MAX_BINS}`, () =>
          discreteGaussianPmf(m.sigma, DEFAULT_DISCRETIZATION, DEFAULT_MAX_BINS),
        ),
        m.steps,
        DEFAULT_MAX_BINS,
      );
    return pldEpsilonFor(pld, delta);
  } catch (err) {
    if (err instanceof CohortError && err.code === 'E_PRIVACY_PARAMS' && /grid points/.test(err.message)) return null;
    throw err;
  }
}
