/**
 * The split's training inputs on the backend: the records as they are, or,
 * for an image job that declares `image.augment`, a fresh random view of
 * each image (core/data/augment.ts) each time they are drawn. Both trainers
 * redraw once an epoch: trainLocal before each pass over the split,
 * trainDpSgd every ⌈1/q⌉ steps (one expected pass of Poisson sampling).
 *
 * Where the views' randomness comes from:
 * - trainLocal (no DP, or hospital-level DP, which clips and noises the
 *   whole update afterwards): a generator seeded from the round's seed, so a
 *   round trains the same way on the same backend;
 * - trainDpSgd (record-level DP): the CSPRNG, one independent view a record.
 *   A seeded stream would not do: the seed is public (the researcher picks
 *   the job's), and views drawn in row order would give every record after
 *   an added or removed one another view, so neighbouring datasets would
 *   differ in many clipped gradients, not one. With secret views drawn
 *   independently for each record, the other records' views have the same
 *   distribution on both neighbours, and each step's sensitivity stays C.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { augmentImages, isIdentityAugment, type ImageAugment } from '../../core/data/augment.ts';
import type { DatasetSplit, ImageShape } from '../../core/data/types.ts';
import { CohortError } from '../../core/errors.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import { csprngRng } from '../../core/privacy/random.ts';
import { deriveSeed, seededRng } from '../../core/rng.ts';
import type { Tf } from './backend.ts';
import { modelInputs } from './model.ts';

/** What an image job asks done to its training images: its shape and augmentation (the job's `image`). */
export interface TrainingViews extends ImageShape {
  augment?: ImageAugment | undefined;
}

/** Where views come from: a round's seed (replayable), or the CSPRNG (record-level DP). */
export type ViewSource = { seed: number } | 'csprng';

export interface InputDraws {
  /** True when each draw gives new inputs (an augmentation that changes something). */
  readonly varies: boolean;
  /** The [n, d] inputs of the first draw; the caller disposes it, or hands it to redraw. */
  first(): Tensor2D;
  /** New views in place of `last`: computed, then `last` disposed, then uploaded, so one view is on the backend at a time. */
  redraw(last: Tensor2D): Tensor2D;
}

/** Draws of the inputs of `data` for `spec`, the views' randomness from `source`. */
export function inputDraws(
  tf: Tf,
  spec: ModelSpec,
  data: DatasetSplit,
  views: TrainingViews | undefined,
  source: ViewSource,
): InputDraws {
  const { n, d } = data;
  const augment = views?.augment;
  const upload = (x: Float32Array) => tf.tensor2d(x, [n, d]);
  if (!views || !augment || isIdentityAugment(augment)) {
    const inputs = modelInputs(spec, data.x);
    return { varies: false, first: () => upload(inputs), redraw: (last) => last };
  }
  if (views.height * views.width * views.channels !== d)
    throw new CohortError(
      'E_JOB_FEATURES',
      `the job's image holds ${views.height * views.width * views.channels} values; a row holds ${d}`,
    );
  const rng = source === 'csprng' ? csprngRng : seededRng(deriveSeed(source.seed, 'augment'));
  const view = () => modelInputs(spec, augmentImages(data.x, n, views, augment, rng));
  return {
    varies: true,
    first: () => upload(view()),
    redraw: (last) => {
      const next = view();
      last.dispose();
      return upload(next);
    },
  };
}
