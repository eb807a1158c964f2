/**
 * What a job feeds into its secure sum and how the sum is read back, chosen
 * once from the spec so client and coordinator cannot disagree:
 * - without hospital-level DP: the weighted delta with its weight and loss
 *   (core/secagg/input.ts), each coordinate clipped and quantized;
 * - with it: the update L2-clipped, rotated, rounded and noised with the
 *   distributed discrete Gaussian (core/secagg/ddg-encode.ts). The mean is
 *   then unweighted (a hospital's example count is part of what DP hides)
 *   and no training loss is released. Any n_min survivors' noise shares make
 *   up the job's noise, so n_min is also the least the sum may hold: the
 *   session threshold is raised to it, and clients refuse to help unmask a
 *   sum of fewer.
 * Either way, decode first checks that the sum is one its survivors could
 * have produced by following the protocol (core/secagg/sum-bound.ts,
 * docs/byzantine.md) and throws E_SECAGG_SUM_BOUND if not.
 */
import { CohortError } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import { ddgPlan } from '../job/privacy.ts';
import { paramCount } from '../model/spec.ts';
import { checkDdgSum, checkWeightedSum, decodeSum, encodeInput, EXTRA_WORDS, type Session, type SecureResult } from '../secagg/index.ts';
import { ddgDecode, ddgEncode } from '../secagg/ddg-encode.ts';

export interface SecureInput {
  /** Words in each masked vector. */
  vectorLength: number;
  /** Fewest survivors whose inputs may be unmasked together (1: no floor beyond the protocol's threshold). */
  minSurvivors: number;
  encode(session: Session, delta: Float32Array, numExamples: number, trainLoss: number): Uint32Array;
  /**
   * The survivors' mean update from their unmasked sum. `survivorExamples`
   * holds each survivor's declared example count (the numTrain of its Hello),
   * one per survivor. Throws E_SECAGG_SUM_BOUND for a sum outside what they
   * could produce.
   */
  decode(session: Session, sum: Uint32Array, survivorExamples: readonly number[]): SecureResult;
}

export function secureInput(spec: JobSpec): SecureInput {
  if (spec.privacy?.unit !== 'hospital') {
    return {
      vectorLength: paramCount(spec.model) + EXTRA_WORDS,
      minSurvivors: 1,
      encode: encodeInput,
      decode: (session, sum, survivorExamples) => {
        checkWeightedSum(session, sum, survivorExamples);
        return decodeSum(session, sum);
      },
    };
  }
  const plan = ddgPlan(spec);
  return {
    vectorLength: plan.paddedDim,
    minSurvivors: plan.nMin,
    encode: (session, delta) => ddgEncode(delta, plan, session.graphSeed),
    decode: (session, sum, survivorExamples) => {
      const survivors = survivorExamples.length;
      if (survivors < plan.nMin) throw new CohortError('E_SECAGG_TOO_FEW', `${survivors} survivors; hospital-level DP needs ${plan.nMin}`);
      checkDdgSum(plan, sum, survivors);
      const total = ddgDecode(sum, plan, session.graphSeed);
      const meanDelta = new Float64Array(total.length);
      for (let i = 0; i < total.length; i++) meanDelta[i] = total[i]! / survivors;
      return { meanDelta, weight: survivors, trainLoss: null };
    },
  };
}
