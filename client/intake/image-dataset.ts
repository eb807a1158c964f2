/**
 * An image dataset as the hospital daemon serves it: the image intake's
 * splits (images.ts) made into the one PreparedDataset a daemon trains and
 * evaluates on, so `cohort client start --schema <image schema>` serves
 * image jobs (docs/images.md, "Serving image jobs"):
 * - the one feature is IMAGE_FEATURE ("image"), as an image job names it
 *   (core/job/spec.ts), and the label is the schema's `label` (default
 *   "label"): admission compares both with the job's;
 * - train and test are the schema's splits named `train` and `test` (other
 *   declared splits, e.g. `val`, are counted as not used); a schema without
 *   splits is split per image by core/data/split.ts, the tabular pipeline's
 *   record-stable keyed hash, over the image's own pixels;
 * - the label layout is binary for two classes, multi-class otherwise;
 * - `image` carries the model input shape, checked against the job's.
 */
import { createHash } from 'node:crypto';
import { CohortError } from '../../core/errors.ts';
import type { ImageSchema } from '../../core/data/image-schema.ts';
import { imageSplit } from '../../core/data/image-split.ts';
import { contentDraw, splitKey } from '../../core/data/split.ts';
import type { DatasetSplit, IntakeReport, LabelLayout, PreparedDataset } from '../../core/data/types.ts';
import { readImageDataset, type ImageDataset } from './images.ts';
import { ALL_SPLIT } from './images-list.ts';

/** The feature an image job names (core/job/spec.ts: an image job names one feature, its image column). */
export const IMAGE_FEATURE = 'image';
/** The label's name when the image schema names none. */
export const DEFAULT_IMAGE_LABEL = 'label';
/** Split names a daemon trains and evaluates on, when the schema declares splits. */
export const TRAIN_SPLIT = 'train';
export const TEST_SPLIT = 'test';
/** Without declared splits: each image goes to test with this probability, under this seed (core/data/split.ts). */
export const IMAGE_TEST_FRACTION = 0.2;
export const IMAGE_SPLIT_SEED = 0;

export interface ImagePreparedOptions {
  /**
   * The site secret keying the split of a schema without splits (absent: the split is predictable, public data
   * only) and DICOM de-identification (images.ts).
   */
  secret?: Uint8Array;
}

/** Reads the images at `path` under `schema` into the daemon's dataset. */
export async function readImagePreparedDataset(
  path: string,
  schema: ImageSchema,
  opts: ImagePreparedOptions = {},
): Promise<PreparedDataset> {
  // Before any image is read: a daemon cannot serve splits it would not know how to use.
  if (schema.splits) checkSplitNames(schema.splits);
  const d = await readImageDataset(path, schema, opts.secret ? { secret: opts.secret } : {});
  const { train, test, unused } = schema.splits ? namedSplits(d) : keyedSplit(d, opts.secret);
  if (train.n === 0) throw new CohortError('E_DATA_EMPTY', `no training images: the "${TRAIN_SPLIT}" side is empty`);
  const report: IntakeReport = {
    ...d.report,
    rowsUsed: train.n + test.n,
    recordsIgnored: { ...d.report.recordsIgnored, ...(unused > 0 ? { 'image:split-unused': unused } : {}) },
  };
  return {
    schemaId: d.schemaId,
    features: [IMAGE_FEATURE],
    label: schema.label ?? DEFAULT_IMAGE_LABEL,
    labels: labelLayout(d.classes),
    image: d.shape,
    train,
    test,
    report,
  };
}

/** Two classes are a binary 0/1 label (classes[1] positive); more, a class index. */
export function labelLayout(classes: readonly string[]): LabelLayout {
  return classes.length === 2 ? { kind: 'binary' } : { kind: 'multiclass', classes: [...classes] };
}

interface Sides {
  train: DatasetSplit;
  test: DatasetSplit;
  /** Images of declared splits other than train and test. */
  unused: number;
}

function checkSplitNames(declared: readonly string[]): void {
  for (const s of [TRAIN_SPLIT, TEST_SPLIT])
    if (!declared.includes(s))
      throw new CohortError(
        'E_SCHEMA_INVALID',
        `"splits": a daemon trains on the split "${TRAIN_SPLIT}" and evaluates on "${TEST_SPLIT}"; this schema declares [${declared.join(', ')}]`,
      );
}

function namedSplits(d: ImageDataset): Sides {
  const empty = imageSplit(new Float32Array(0), new Float32Array(0), d.shape, d.classes.length);
  let unused = 0;
  for (const [name, s] of Object.entries(d.splits)) if (name !== TRAIN_SPLIT && name !== TEST_SPLIT) unused += s.n;
  return { train: d.splits[TRAIN_SPLIT] ?? empty, test: d.splits[TEST_SPLIT] ?? empty, unused };
}

/**
 * Each image's side by core/data/split.ts's content draw over one cell, the
 * SHA-256 of its model input (pixels after the intake, which depend on that
 * image alone): adding or removing an image moves no other.
 */
function keyedSplit(d: ImageDataset, secret: Uint8Array | undefined): Sides {
  const all = d.splits[ALL_SPLIT]!;
  const key = splitKey(IMAGE_SPLIT_SEED, secret);
  const inTest: boolean[] = [];
  for (let i = 0; i < all.n; i++) {
    const row = all.x.subarray(i * all.d, (i + 1) * all.d);
    const digest = createHash('sha256')
      .update(new Uint8Array(row.buffer, row.byteOffset, row.byteLength))
      .digest('hex');
    inTest.push(contentDraw(key, [digest], [0]) < IMAGE_TEST_FRACTION);
  }
  const side = (test: boolean) => {
    const rows = inTest.flatMap((t, i) => (t === test ? [i] : []));
    const x = new Float32Array(rows.length * all.d);
    const y = new Float32Array(rows.length);
    rows.forEach((r, j) => {
      x.set(all.x.subarray(r * all.d, (r + 1) * all.d), j * all.d);
      y[j] = all.y[r]!;
    });
    return imageSplit(x, y, d.shape, d.classes.length);
  };
  return { train: side(false), test: side(true), unused: 0 };
}
