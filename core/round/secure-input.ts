/**
 * What a job feeds into its secure sum and how the sum is read back, chosen
 * once from the spec so client and coordinator cannot disagree:
 * - without hospital-level DP: the weighted delta with its weight and loss
 *   (core/secagg/input.ts), each coordinate clipped and quantized;
 * - with it: the update L2-clipped, rotated, rounded and noised with the
 *   distributed discrete Gaussian (core/secagg/ddg-encode.ts), rotated by
 *   the session's agreed seed. The mean is then unweighted (a hospital's
 *   example count is part of what DP hides) and no training loss is
 *   released. The honest shares among any n_min survivors make up the job's
 *   noise (core/job/privacy.ts), so n_min is also the least the sum may
 *   hold: the session threshold is raised to it, and clients refuse to help
 *   unmask a sum of fewer.
 * Either way, decode first checks that the sum is one its survivors could
 * have produced by following the protocol (core/secagg/sum-bound.ts,
 * docs/byzantine.md) and throws E_SECAGG_SUM_BOUND if not.
 */
import { CohortError } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import { ddgPlan } from '../job/privacy.ts';
import { paramCount } from '../model/spec.ts';
import {
  checkDdgSum,
  checkWeightedSum,
  decodeSum,
  encodeInput,
  EXTRA_WORDS,
  type Session,
  type SecureResult,
} from '../secagg/index.ts';
import { ddgDecode, ddgEncode } from '../secagg/ddg-encode.ts';

export interface SecureInput {
  /** Words in each masked vector. */
  vectorLength: number;
  /** Fewest survivors whose inputs may be unmasked together (1: no floor beyond the protocol's threshold). */
  minSurvivors: number;
  /** `seed`: the session's agreed seed (core/secagg/seed.ts), which keys the DDG rotation. */
  encode(session: Session, seed: Uint8Array, delta: Float32Array, numExamples: number, trainLoss: number): Uint32Array;
  /**
   * The survivors' mean update from their unmasked sum. `survivorExamples`
   * holds each survivor's declared example count (its JoinJob's weight, 1 in a DP job),
   * one per survivor. Throws E_SECAGG_SUM_BOUND for a sum outside what they
   * could produce.
   */
  decode(session: Session, seed: Uint8Array, sum: Uint32Array, survivorExamples: readonly number[]): SecureResult;
}

export function secureInput(spec: JobSpec): SecureInput {
  if (spec.privacy?.unit !== 'hospital') {
    return {
      vectorLength: paramCount(spec.model) + EXTRA_WORDS,
      minSurvivors: 1,
      encode: (session, _seed, delta, numExamples, trainLoss) => encodeInput(session, delta, numExamples, trainLoss),
      decode: (session, _seed, sum, survivorExamples) => {
        checkWeightedSum(session, sum, survivorExamples);
        return decodeSum(session, sum);
      },
    };
  }
  const plan = ddgPlan(spec);
  const minSurvivors = spec.privacy.minSurvivors!;
  return {
    vectorLength: plan.paddedDim,
    minSurvivors,
    encode: (_session, seed, delta) => ddgEncode(delta, plan, seed),
    decode: (_session, seed, sum, survivorExamples) => {
      const survivors = survivorExamples.length;
      if (survivors < minSurvivors)
        throw new CohortError('E_SECAGG_TOO_FEW', `${survivors} survivors; hospital-level DP needs ${minSurvivors}`);
      checkDdgSum(plan, sum, survivors);
      const total = ddgDecode(sum, plan, seed);
      const meanDelta = new Float64Array(total.length);
      for (let i = 0; i < total.length; i++) meanDelta[i] = total[i]! / survivors;
      return { meanDelta, weight: survivors, trainLoss: null };
    },
  };
}
