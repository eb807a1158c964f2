/**
 * What one hospital's update may be in a job without secure aggregation,
 * where the coordinator sees each update and so can check each (issue 16,
 * finding 2). The secure path bounds every input too, by clipping each
 * coordinate before masking and checking the sum against what clipped inputs
 * can make (core/secagg/sum-bound.ts, docs/byzantine.md); without it an
 * update only had to be finite, and one hospital's 3·10^38 weighted 10^9
 * drove the model to Infinity in two rounds.
 *
 * An update outside the bound is refused, not clipped: the coordinator does
 * not alter a hospital's update behind its back, and the sender learns why
 * (docs/threat-model.md, "Plaintext updates"). Either way the mean of the
 * accepted updates has L2 norm at most maxNorm, whatever their weights.
 */
import { CohortError } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import { updateWeight } from '../job/privacy.ts';
import { l2Norm } from '../model/vector.ts';
import type { ClientUpdate } from './round.ts';

/** The largest finite float32: a training loss above it came from no float32 model. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A member's weight in the job's average, as declared in its JoinJob
 * (already replaced by 1 in a DP job). Throws E_UPDATE_BOUND above
 * updateBound.maxExamples, with or without secure aggregation.
 */
export function checkDeclaredWeight(spec: JobSpec, weight: number): void {
  const cap = spec.updateBound.maxExamples;
  if (!(weight <= cap))
    throw new CohortError(
      'E_UPDATE_BOUND',
      `declared weight ${weight} is above the job's updateBound.maxExamples (${cap})`,
    );
}

/**
 * Throws E_UPDATE_BOUND for a plaintext update that weighs more than its
 * sender declared when it joined (`declared`, the member's weight) or whose
 * delta's L2 norm is above updateBound.maxNorm; E_UPDATE_RANGE for a training
 * loss no float32 model reports. Length, finiteness and the example count's
 * range are the wire's and the round's to check (edge/wire/codec.ts vectorOf,
 * core/round/round.ts).
 */
export function checkPlaintextUpdate(spec: JobSpec, declared: number, u: ClientUpdate): void {
  const weight = updateWeight(spec, u.numExamples);
  if (!(weight <= declared))
    throw new CohortError(
      'E_UPDATE_BOUND',
      `numExamples ${u.numExamples} is above the ${declared} declared when joining`,
    );
  const norm = l2Norm(u.delta);
  const max = spec.updateBound.maxNorm;
  if (!(norm <= max))
    throw new CohortError(
      'E_UPDATE_BOUND',
      `update L2 norm ${norm.toExponential(3)} is above the job's updateBound.maxNorm (${max})`,
    );
  if (!(u.trainLoss <= FLOAT32_MAX)) throw new CohortError('E_UPDATE_RANGE', 'trainLoss is above the float32 range');
}
