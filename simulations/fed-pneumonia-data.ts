/**
 * The simulation's side of fed-pneumonia (simulations/data/pneumoniamnist/README.md):
 * PneumoniaMNIST read once through the product's image intake
 * (client/intake/images.ts, under schema.json), then dealt to four simulated
 * hospitals. The data set has no hospital of origin, so the split is the
 * simulation's choice, stated here and in the README:
 * - each hospital's training records: a seeded Dirichlet(α = 0.5) label skew
 *   over the official train split (core/data/dirichlet-split.ts);
 * - each hospital's own test split (what it evaluates and releases): an even
 *   share of the official val split, dealt in a seeded order;
 * - the official test split stays with the simulation, which evaluates the
 *   final global model on all of it: no hospital holds it.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CohortError } from '../core/errors.ts';
import { dirichletSplit, imageSplit, type DatasetSplit, type ImageShape } from '../core/data/index.ts';
import type { IntakeReport, PreparedDataset } from '../core/data/types.ts';
import { deriveSeed, seededRng, shuffleInPlace } from '../core/rng.ts';
import { loadImageSchemaFile, readImageDataset } from '../client/intake/index.ts';

export const PNEUMONIA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data', 'pneumoniamnist');
export const HOSPITALS = ['hospital-1', 'hospital-2', 'hospital-3', 'hospital-4'] as const;
export type Hospital = (typeof HOSPITALS)[number];

/** Dirichlet concentration of the label skew (issue 18). */
export const DIRICHLET_ALPHA = 0.5;
/**
 * Fewest training images a hospital may be dealt: a draw that leaves one
 * with fewer is drawn again from the next sub-seed (dirichletSplit's
 * minPerHospital, Flower's min_partition_size), so that every hospital's
 * DP-SGD batches (q × its records) hold more than a handful of images.
 */
export const MIN_TRAIN_PER_HOSPITAL = 100;

/**
 * The one feature and the label an image job names (core/job/spec.ts
 * imageInputSchema): the image column, whose 28×28×1 values feed the model,
 * and the class (0 normal, 1 pneumonia: schema.json's class order).
 */
export const IMAGE_FEATURE = 'image';
export const LABEL = 'pneumonia';

/** Where the images came from: the PNG tree, or DICOM files wrapped from it (fed-pneumonia-dicom.ts). */
export type PneumoniaSource = { format: 'png' } | { format: 'dicom'; files: number; burnedIn: number };

export interface PneumoniaData {
  shape: ImageShape;
  train: DatasetSplit;
  val: DatasetSplit;
  test: DatasetSplit;
  report: IntakeReport;
  source: PneumoniaSource;
}

/** The three official splits through the image intake. */
export async function loadPneumonia(dir = PNEUMONIA_DIR): Promise<PneumoniaData> {
  const ds = await readImageDataset(dir, await loadImageSchemaFile(join(dir, 'schema.json')));
  const { train, val, test } = ds.splits;
  if (!train || !val || !test)
    throw new CohortError('E_DATA_FILE', 'PneumoniaMNIST needs its train, val and test splits');
  return { shape: ds.shape, train, val, test, report: ds.report, source: { format: 'png' } };
}

/** One hospital's share: its records' indices into the official splits and its class counts. */
export interface HospitalShare {
  trainIndices: number[];
  valIndices: number[];
  /** Training images by class: [normal, pneumonia]. */
  trainClasses: [number, number];
}

export interface PneumoniaSplit {
  alpha: number;
  seed: number;
  /** Training images considered (all 4,708, or a subset for tests). */
  trainUsed: number;
  shares: Record<Hospital, HospitalShare>;
  datasets: Record<Hospital, PreparedDataset>;
}

/**
 * The four hospitals' datasets for `seed`. `trainLimit` keeps that many
 * training images (a seeded sample, for quick tests) before the split.
 */
export function splitPneumonia(data: PneumoniaData, seed: number, o: { trainLimit?: number } = {}): PneumoniaSplit {
  const pool = sample(data.train.n, o.trainLimit, deriveSeed(seed, 'fed-pneumonia-subset'));
  const labels = pool.map((i) => data.train.y[i]!);
  const parts = dirichletSplit(labels, HOSPITALS.length, DIRICHLET_ALPHA, seed, {
    minPerHospital: Math.min(MIN_TRAIN_PER_HOSPITAL, Math.floor(pool.length / (2 * HOSPITALS.length))),
  });
  const valOrder = shuffleInPlace(
    Array.from({ length: data.val.n }, (_, i) => i),
    seededRng(deriveSeed(seed, 'fed-pneumonia-val')),
  );
  const shares = {} as Record<Hospital, HospitalShare>;
  const datasets = {} as Record<Hospital, PreparedDataset>;
  HOSPITALS.forEach((h, k) => {
    const trainIndices = parts[k]!.map((j) => pool[j]!);
    const valIndices = valOrder.filter((_, i) => i % HOSPITALS.length === k).sort((a, b) => a - b);
    const pneumonia = trainIndices.filter((i) => data.train.y[i] === 1).length;
    shares[h] = { trainIndices, valIndices, trainClasses: [trainIndices.length - pneumonia, pneumonia] };
    datasets[h] = hospitalDataset(data, trainIndices, valIndices);
  });
  return { alpha: DIRICHLET_ALPHA, seed, trainUsed: pool.length, shares, datasets };
}

/** All of 0..n−1, or `limit` of them drawn in a seeded order (ascending). */
function sample(n: number, limit: number | undefined, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (limit === undefined || limit >= n) return all;
  return shuffleInPlace(all, seededRng(seed))
    .slice(0, limit)
    .sort((a, b) => a - b);
}

/** The rows of `split` at `indices`, through the image door (core/data/image-split.ts). */
export function imageRows(split: DatasetSplit, indices: readonly number[], shape: ImageShape): DatasetSplit {
  const d = split.d;
  const x = new Float32Array(indices.length * d);
  const y = new Float32Array(indices.length);
  indices.forEach((r, i) => {
    x.set(split.x.subarray(r * d, (r + 1) * d), i * d);
    y[i] = split.y[r]!;
  });
  return imageSplit(x, y, shape, 2);
}

/** A hospital's PreparedDataset: what its daemon is started with, as `cohort client start` would read it. */
function hospitalDataset(data: PneumoniaData, train: number[], val: number[]): PreparedDataset {
  return {
    schemaId: 'pneumoniamnist',
    features: [IMAGE_FEATURE],
    label: LABEL,
    // The images' shape: admission declines a job whose image input differs (core/round/hospital-admission.ts).
    image: data.shape,
    train: imageRows(data.train, train, data.shape),
    test: imageRows(data.val, val, data.shape),
    report: { ...data.report, rowsRead: train.length + val.length, rowsUsed: train.length + val.length },
  };
}
