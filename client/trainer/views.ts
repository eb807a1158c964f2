/**
 * The split's training inputs on the backend: the records as they are, or,
 * for an image job that declares `image.augment`, a fresh random view of
 * each image (core/data/augment.ts) each time they are drawn. Both trainers
 * redraw once an epoch: trainLocal before each pass over the split,
 * trainDpSgd every ⌈1/q⌉ steps (one expected pass of Poisson sampling).
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { augmentImages, isIdentityAugment, type ImageAugment } from '../../core/data/augment.ts';
import type { DatasetSplit, ImageShape } from '../../core/data/types.ts';
import { CohortError } from '../../core/errors.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import { deriveSeed, seededRng, type SeededRng } from '../../core/rng.ts';
import type { Tf } from './backend.ts';
import { modelInputs } from './model.ts';

/** What an image job asks done to its training images: its shape and augmentation (the job's `image`). */
export interface TrainingViews extends ImageShape {
  augment?: ImageAugment | undefined;
}

export interface InputDraws {
  /** True when each draw gives new inputs (an augmentation that changes something). */
  readonly varies: boolean;
  /** The [n, d] inputs of one draw; the caller disposes it. */
  draw(): Tensor2D;
}

/**
 * Draws of the inputs of `data` for `spec`. The views' randomness is seeded
 * from `seed` (a round's seed, independent of every record), so a seed gives
 * the same training on the same backend.
 */
export function inputDraws(
  tf: Tf,
  spec: ModelSpec,
  data: DatasetSplit,
  views: TrainingViews | undefined,
  seed: number,
): InputDraws {
  const { n, d } = data;
  const augment = views?.augment;
  if (!views || !augment || isIdentityAugment(augment)) {
    const inputs = modelInputs(spec, data.x);
    return { varies: false, draw: () => tf.tensor2d(inputs, [n, d]) };
  }
  if (views.height * views.width * views.channels !== d)
    throw new CohortError(
      'E_JOB_FEATURES',
      `the job's image holds ${views.height * views.width * views.channels} values; a row holds ${d}`,
    );
  const rng: SeededRng = seededRng(deriveSeed(seed, 'augment'));
  return {
    varies: true,
    draw: () => tf.tensor2d(modelInputs(spec, augmentImages(data.x, n, views, augment, rng)), [n, d]),
  };
}
