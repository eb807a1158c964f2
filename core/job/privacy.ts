/**
 * A job's privacy guarantee turned into mechanisms the accountants price:
 * how many DP-SGD steps a round takes, what one round and the whole job
 * spend, and the noise multiplier that meets the job's target.
 *
 * Record level: every round a hospital runs `stepsPerRound` DP-SGD steps at
 * sampling rate q and noise multiplier σ, so the job is rounds·stepsPerRound
 * steps of the sampled Gaussian mechanism, the same for every hospital
 * (q is a rate, not a batch size, so no hospital's size enters the bound).
 */
import { CohortError } from '../errors.ts';
import { calibrateSigma } from '../privacy/calibrate.ts';
import { accountSpend, type Mechanism, type SpendReport } from '../privacy/spend.ts';
import type { JobSpec, PrivacySpec } from './spec.ts';

/** ε(σ) may exceed the target by this relative slack: the calibrated σ is the bracket's upper end, checked by the same code. */
const TARGET_SLACK = 1e-9;

/** DP-SGD steps per round: local.maxSteps if set, else epochs of ⌈1/q⌉ expected-size batches. */
export function stepsPerRound(spec: JobSpec, p: PrivacySpec): number {
  if (spec.local.maxSteps > 0) return spec.local.maxSteps;
  return spec.local.epochs * Math.ceil(1 / p.samplingRate!);
}

/** What one hospital spends on one training round, under a resolved spec (noiseMultiplier set). */
export function roundMechanism(spec: JobSpec): Mechanism {
  const p = requirePrivacy(spec);
  const sigma = requireSigma(p);
  if (p.unit === 'record') return { kind: 'sampled-gaussian', q: p.samplingRate!, sigma, steps: stepsPerRound(spec, p) };
  throw new CohortError('E_JOB_SPEC', 'hospital-level privacy is not supported by this build');
}

/** The spend of `rounds` training rounds (default: the whole job) at the job's δ, by both accountants. */
export function jobSpend(spec: JobSpec, rounds: number = spec.rounds): SpendReport {
  const p = requirePrivacy(spec);
  const m = roundMechanism(spec);
  return accountSpend(Array.from({ length: rounds }, () => m), p.delta, p.accountant);
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
    if (!(spend.epsilon <= p.epsilon * (1 + TARGET_SLACK))) {
      throw new CohortError('E_JOB_SPEC', `"privacy.noiseMultiplier": ${p.noiseMultiplier} gives epsilon ${spend.epsilon.toFixed(4)} (${spend.bound}) over ${spec.rounds} rounds, above the target ${p.epsilon}; remove it to have it calibrated`);
    }
    return spec;
  }
  let sigma: number;
  try {
    sigma = calibrateSigma({
      targetEpsilon: p.epsilon,
      delta: p.delta,
      q: 1,
      steps: 1,
      accountant: (s) => jobSpend({ ...spec, privacy: { ...p, noiseMultiplier: s } }).epsilon,
    });
  } catch (err) {
    if (err instanceof CohortError && err.code === 'E_PRIVACY_PARAMS') throw new CohortError('E_JOB_SPEC', `"privacy": cannot calibrate the noise: ${err.message}`);
    throw err;
  }
  return { ...spec, privacy: { ...p, noiseMultiplier: sigma } };
}

function requirePrivacy(spec: JobSpec): PrivacySpec {
  if (!spec.privacy) throw new CohortError('E_JOB_SPEC', 'the job has no privacy guarantee');
  return spec.privacy;
}

function requireSigma(p: PrivacySpec): number {
  if (p.noiseMultiplier === undefined) throw new CohortError('E_JOB_SPEC', '"privacy.noiseMultiplier" is not resolved (resolvePrivacy)');
  return p.noiseMultiplier;
}
