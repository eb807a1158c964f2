/**
 * A job's privacy guarantee turned into mechanisms the accountants price:
 * how many DP-SGD steps a round takes, what one round and the whole job
 * spend, and the noise multiplier that meets the job's target.
 *
 * Record level: every round a hospital runs `stepsPerRound` DP-SGD steps at
 * sampling rate q and noise multiplier σ, so the job is rounds·stepsPerRound
 * steps of the sampled Gaussian mechanism, the same for every hospital
 * (q is a rate, not a batch size, so no hospital's size enters the bound).
 *
 * Hospital level: every round each hospital clips its update to L2 norm c
 * and adds discrete-Gaussian noise of std σ_c = noiseMultiplier·c/√h inside
 * the secure sum (core/secagg/ddg-encode.ts), h = n_min − C the honest
 * shares among any n_min survivors when C hospitals collude (they know their
 * own shares and can take them out): so the honest survivors of any round
 * together add noise of std at least noiseMultiplier·c, and the job is
 * `rounds` rounds of the distributed discrete Gaussian with h shares,
 * accounted in the sum's integer units (KLS21). The modulus headroom is
 * sized for targetClients, the most clients a round of such a job takes.
 *
 * Evaluation: in a record-level job each hospital releases its evaluation of
 * the final model (round rounds + 1) as four noisy counts
 * (core/privacy/noisy-counts.ts), each with exact discrete Gaussian noise
 * N_Z(0, σ²) at σ = privacy.evaluationNoise; one record moves one count by
 * 1, so that round is charged as one release of the discrete Gaussian
 * mechanism at sensitivity 1 (kind 'discrete-gaussian', priced by its own
 * PLD: its δ(ε) exceeds the continuous Gaussian's, most at small σ).
 * The accounting composes it with training over every record (it touches
 * the test split only, so parallel composition would allow less: not
 * claimed). Only a binary job has these counts: a record-level job of
 * another task releases no evaluation. A hospital-level job releases none
 * either: four counts of one hospital's test split have no bounded
 * sensitivity in that unit.
 *
 * No record count leaves a hospital in a DP job (it is a function of the
 * records: an exact n voids add/remove-one DP). Updates are averaged with
 * equal weights, and DP-SGD divides its noisy sum by the job's public
 * local.batchSize (dpSgdParams), as Opacus divides by expected_batch_size.
 */
import { CohortError } from '../errors.ts';
import { calibrateSigma } from '../privacy/calibrate.ts';
import type { Mechanism, SpendReport } from '../privacy/spend.ts';
import { memoisedSpend } from '../privacy/spend-memo.ts';
import type { JobSpec, PrivacySpec, SecureAggregationSpec } from './spec.ts';
import { paramCount } from '../model/spec.ts';
import { ddgParams, planDdg, type DdgParams } from '../secagg/ddg-params.ts';
import { corruptCount } from '../secagg/params.ts';

/** β of conditional randomized rounding: the reference implementation's default e^{−1/2} (KLS21 §5). */
export const DDG_BETA = Math.exp(-0.5);

/**
 * Relative steps by which a hospital-level σ from planDdg is raised until the
 * job's ε, by the same code the hospitals run, is at most the target: the
 * printed target bounds the real ε exactly, not within a slack.
 */
const SIGMA_STEP = 1e-9;
const SIGMA_STEPS = 64;

/** DP-SGD steps per round: local.maxSteps if set, else epochs of ⌈1/q⌉ expected-size batches. */
export function stepsPerRound(spec: JobSpec, p: PrivacySpec): number {
  if (spec.local.maxSteps > 0) return spec.local.maxSteps;
  return spec.local.epochs * Math.ceil(1 / p.samplingRate!);
}

/**
 * DP-SGD settings of a record-level round (resolved spec), or null when the
 * trainer runs without DP-SGD. The noisy sum is divided by q · publicCount
 * = local.batchSize, a public constant: never by q·n, which would release n.
 */
export function dpSgdParams(
  spec: JobSpec,
): { samplingRate: number; noiseMultiplier: number; clip: number; steps: number; publicCount: number } | null {
  const p = spec.privacy;
  if (p?.unit !== 'record') return null;
  return {
    samplingRate: p.samplingRate!,
    noiseMultiplier: requireSigma(p),
    clip: p.clip,
    steps: stepsPerRound(spec, p),
    publicCount: spec.local.batchSize / p.samplingRate!,
  };
}

/**
 * Whether a hospital releases noisy evaluation counts in this job: a
 * record-level binary job only (see the module doc). The noised release is a
 * binary confusion matrix; a record-level job of another task releases no
 * evaluation at all (its hospitals answer "withheld", its final round is not
 * charged), since its metrics (softmax loss, MSE, R²…) have no noised form here
 * and exact ones would void the guarantee.
 */
export function releasesEvaluation(spec: JobSpec): boolean {
  return spec.privacy?.unit === 'record' && spec.task.kind === 'binary';
}

/** The weight of one hospital's update in a job's average: its record count without DP, 1 with (no count leaves). */
export function updateWeight(spec: JobSpec, records: number): number {
  return spec.privacy ? 1 : records;
}

/**
 * What one hospital spends in round `round` of a job (resolved spec): a
 * training round's DP-SGD or distributed noise, or, in the final round
 * (rounds + 1) of a record-level job, the release of its evaluation counts
 * (one discrete Gaussian release at σ = privacy.evaluationNoise).
 * Throws E_JOB_SPEC for a round that releases nothing under the job's DP.
 */
export function roundMechanism(spec: JobSpec, round = 1): Mechanism {
  const p = requirePrivacy(spec);
  if (round > spec.rounds) {
    if (!releasesEvaluation(spec))
      throw new CohortError('E_JOB_SPEC', `round ${round} of a ${p.unit}-level job releases nothing under DP`);
    return { kind: 'discrete-gaussian', sigma: p.evaluationNoise, steps: 1 };
  }
  const sigma = requireSigma(p);
  if (p.unit === 'record')
    return { kind: 'sampled-gaussian', q: p.samplingRate!, sigma, steps: stepsPerRound(spec, p) };
  const m = ddgPlan(spec).mechanism;
  return {
    kind: 'distributed-discrete-gaussian',
    clients: m.clients,
    sigma: m.sigma,
    l2Sensitivity: m.l2Sensitivity,
    ...(m.l1Sensitivity === undefined ? {} : { l1Sensitivity: m.l1Sensitivity }),
    dim: m.dim,
    rounds: 1,
  };
}

/** Every charged mechanism of rounds 1..through (default: the whole job, its evaluation included), one per round, in order. */
export function jobMechanisms(spec: JobSpec, through: number = spec.rounds + 1): Mechanism[] {
  const m = roundMechanism(spec);
  const out: Mechanism[] = Array.from({ length: Math.min(through, spec.rounds) }, () => m);
  if (through > spec.rounds && releasesEvaluation(spec)) out.push(roundMechanism(spec, spec.rounds + 1));
  return out;
}

/** The job's resolved count of colluding hospitals (resolveJob): ⌈γ·N⌉ of its network of N. */
export function requireCorrupt(spec: Pick<JobSpec, 'secureAggregation'>): number {
  const c = spec.secureAggregation.corruptClients;
  if (c === undefined)
    throw new CohortError('E_JOB_SPEC', '"secureAggregation.corruptClients" is not resolved (resolveJob)');
  return c;
}

/** Colluders among a round's n participants: the job's C, at most n − 1 (all but one may collude). */
export function roundCorrupt(spec: Pick<JobSpec, 'secureAggregation'>, n: number): number {
  return Math.min(requireCorrupt(spec), n - 1);
}

/** Most participants a round of a hospital-level job may have (its noise and modulus are sized for them); Infinity otherwise. */
export function maxParticipants(spec: JobSpec): number {
  const p = spec.privacy;
  return p?.unit === 'hospital' ? Math.max(spec.targetClients, p.minSurvivors ?? 1) : Infinity;
}

/** Honest noise shares among any n_min survivors of a hospital-level job: n_min − C. */
export function honestShares(spec: JobSpec): number {
  const p = requirePrivacy(spec);
  const h = p.minSurvivors! - requireCorrupt(spec);
  if (h < 1) {
    throw new CohortError(
      'E_JOB_SPEC',
      `"privacy.minSurvivors": ${p.minSurvivors} survivors hold no honest noise share when ${requireCorrupt(spec)} hospitals collude; raise minSurvivors above secureAggregation.corruptClients`,
    );
  }
  return h;
}

/** Shape of the distributed discrete Gaussian of a hospital-level job, before σ is known. */
function ddgShape(spec: JobSpec, p: PrivacySpec) {
  return {
    n: maxParticipants(spec),
    nMin: honestShares(spec),
    d: paramCount(spec.model),
    clip: p.clip,
    bits: spec.secureAggregation.bits,
    beta: DDG_BETA,
  };
}

/** The encoding both sides use in a hospital-level job's secure sum (resolved spec). */
export function ddgPlan(spec: JobSpec): DdgParams {
  const p = requirePrivacy(spec);
  if (p.unit !== 'hospital')
    throw new CohortError('E_JOB_SPEC', 'only hospital-level privacy adds noise inside the secure sum');
  const sigma = (requireSigma(p) * p.clip) / Math.sqrt(honestShares(spec));
  try {
    return ddgParams({ ...ddgShape(spec, p), sigma });
  } catch (err) {
    throw new CohortError('E_JOB_SPEC', `"privacy": ${asMessage(err)}`);
  }
}

function asMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The spend of rounds 1..through (default: the whole job, its evaluation included) at the job's δ, by both accountants. */
export function jobSpend(spec: JobSpec, through: number = spec.rounds + 1): SpendReport {
  const p = requirePrivacy(spec);
  return memoisedSpend(jobMechanisms(spec, through), p.delta, p.accountant);
}

/**
 * The spec as the coordinator offers it: `secureAggregation.corruptClients`
 * settled for a network of `networkSize` hospitals (⌈γ·N⌉, or a larger count
 * the spec gives; a smaller one is refused), then the noise (resolvePrivacy).
 */
export function resolveJob(spec: JobSpec, networkSize: number): JobSpec {
  return resolvePrivacy({ ...spec, secureAggregation: settleCorruptClients(spec.secureAggregation, networkSize) });
}

/** `corruptClients` settled for a network of `networkSize` hospitals, as resolveJob settles it. */
export function settleCorruptClients(sa: SecureAggregationSpec, networkSize: number): SecureAggregationSpec {
  const least = corruptCount(sa.corruptFraction, networkSize);
  if (sa.corruptClients !== undefined && sa.corruptClients < least) {
    throw new CohortError(
      'E_JOB_SPEC',
      `"secureAggregation.corruptClients": ${sa.corruptClients} is below ⌈corruptFraction · ${networkSize} hospitals⌉ = ${least}`,
    );
  }
  return { ...sa, corruptClients: sa.corruptClients ?? least };
}

/**
 * The spec with its noise multiplier settled: calibrated when absent (the
 * smallest σ whose whole job meets (ε, δ) by the job's accountant), checked
 * when given. Throws E_JOB_SPEC when a given σ misses the target, or when no
 * σ reaches it. A job without privacy is returned as is.
 */
export function resolvePrivacy(spec: JobSpec): JobSpec {
  const p = spec.privacy;
  if (!p) return spec;
  if (p.noiseMultiplier !== undefined) {
    const spend = jobSpend(spec);
    if (!(spend.epsilon <= p.epsilon)) {
      throw new CohortError(
        'E_JOB_SPEC',
        `"privacy.noiseMultiplier": ${p.noiseMultiplier} gives epsilon ${spend.epsilon.toFixed(4)} (${spend.bound}) over ${spec.rounds} rounds, above the target ${p.epsilon}; remove it to have it calibrated`,
      );
    }
    return spec;
  }
  let sigma: number;
  if (p.unit === 'hospital') {
    try {
      // γ and σ depend on each other (rounding inflates the sensitivity): planDdg solves both.
      const plan = planDdg({ ...ddgShape(spec, p), targetEpsilon: p.epsilon, delta: p.delta, rounds: spec.rounds });
      sigma = (plan.sigma * Math.sqrt(honestShares(spec))) / p.clip;
    } catch (err) {
      throw new CohortError('E_JOB_SPEC', `"privacy": cannot calibrate the noise: ${asMessage(err)}`);
    }
    for (let i = 0; i < SIGMA_STEPS; i++) {
      const resolved = { ...spec, privacy: { ...p, noiseMultiplier: sigma } };
      if (jobSpend(resolved).epsilon <= p.epsilon) return resolved;
      sigma *= 1 + SIGMA_STEP * 2 ** i;
    }
    throw new CohortError('E_INTERNAL', 'calibrated hospital-level noise misses its own target');
  }
  try {
    sigma = calibrateSigma({
      targetEpsilon: p.epsilon,
      delta: p.delta,
      q: 1,
      steps: 1,
      accountant: (s) => jobSpend({ ...spec, privacy: { ...p, noiseMultiplier: s } }).epsilon,
    });
  } catch (err) {
    if (err instanceof CohortError && err.code === 'E_PRIVACY_PARAMS')
      throw new CohortError('E_JOB_SPEC', `"privacy": cannot calibrate the noise: ${err.message}`);
    throw err;
  }
  return { ...spec, privacy: { ...p, noiseMultiplier: sigma } };
}

function requirePrivacy(spec: JobSpec): PrivacySpec {
  if (!spec.privacy) throw new CohortError('E_JOB_SPEC', 'the job has no privacy guarantee');
  return spec.privacy;
}

function requireSigma(p: PrivacySpec): number {
  if (p.noiseMultiplier === undefined)
    throw new CohortError('E_JOB_SPEC', '"privacy.noiseMultiplier" is not resolved (resolvePrivacy)');
  return p.noiseMultiplier;
}
