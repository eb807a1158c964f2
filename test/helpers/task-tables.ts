/**
 * Seeded synthetic CSV tables for the tasks beyond binary, taken through the
 * real intake (parseDatasetSchema, prepareDataset) so that their labels are
 * what a hospital's would be: a 3-class label, a regression target scaled by
 * its declared range, and a 2-label multi-label set.
 */
import { prepareDataset, parseDatasetSchema, type DatasetSchemaInput } from '../../core/data/index.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { seededRng } from '../../core/rng.ts';

export const TASK_FEATURES = ['x0', 'x1'];
export const CLASSES = ['low', 'mid', 'high'];
export const INDICATORS = ['a', 'b'];

const features: DatasetSchemaInput['columns'] = [
  { name: 'x0', kind: 'feature', type: 'number', range: [-2, 2] },
  { name: 'x1', kind: 'feature', type: 'number', range: [-2, 2] },
];

export const SCHEMAS = {
  multiclass: (classes: string[] | number[] = CLASSES): DatasetSchemaInput => ({
    id: 'tasks-multiclass',
    columns: [...features, { name: 'grade', kind: 'label', type: 'multiclass', classes }],
    split: { testFraction: 0.3 },
  }),
  regression: (): DatasetSchemaInput => ({
    id: 'tasks-regression',
    columns: [...features, { name: 'grade', kind: 'label', type: 'regression', range: [0, 100], unit: 'mg/dL' }],
    split: { testFraction: 0.3 },
  }),
  multilabel: (): DatasetSchemaInput => ({
    id: 'tasks-multilabel',
    columns: [...features, { name: 'findings', kind: 'label', type: 'multilabel', columns: INDICATORS }],
    split: { testFraction: 0.3 },
  }),
};

type Kind = keyof typeof SCHEMAS;

/** One row's cells (x0, x1, then the label's) from two uniform features in [−2, 2]. */
function row(kind: Kind, x0: number, x1: number, noise: number): string[] {
  const xs = [x0.toFixed(3), x1.toFixed(3)];
  switch (kind) {
    case 'multiclass': {
      // Three sectors of the plane: a linear softmax model can separate them.
      const s = [x0, x1, -x0 - x1].map((v, i) => v + noise * (i === 0 ? 1 : -1));
      return [...xs, CLASSES[s.indexOf(Math.max(...s))]!];
    }
    case 'regression':
      return [...xs, (50 + 15 * x0 - 10 * x1 + 5 * noise).toFixed(2)];
    case 'multilabel':
      return [...xs, x0 + noise > 0 ? '1' : '0', x1 - noise > 0.5 ? '1' : '0'];
  }
}

/** The header of a kind's CSV. */
export function header(kind: Kind): string[] {
  return kind === 'multilabel' ? [...TASK_FEATURES, ...INDICATORS] : [...TASK_FEATURES, 'grade'];
}

/** `n` seeded rows of a kind. */
export function rows(kind: Kind, seed: number, n: number): string[][] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () =>
    row(kind, rng.float() * 4 - 2, rng.float() * 4 - 2, (rng.float() - 0.5) * 0.6),
  );
}

/** A hospital's dataset of a kind, through the intake (schema overridable, e.g. another class order). */
export async function taskDataset(
  kind: Kind,
  seed: number,
  n = 150,
  schema: DatasetSchemaInput = SCHEMAS[kind](),
): Promise<PreparedDataset> {
  return prepareDataset(header(kind), rows(kind, seed, n), parseDatasetSchema(schema), { seed });
}
