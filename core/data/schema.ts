/**
 * The dataset schema: a hospital's declaration of what each CSV column is and
 * how it becomes model input. Parsed once at the edge; the intake pipeline
 * trusts the resulting `DatasetSchema`. A column the schema does not declare is
 * never read, so adding a column to an export cannot leak it into training.
 *
 * `kind` is a discriminated union so later kinds (identifier, pseudonym,
 * quasi-identifier, genetic) slot in as new options without touching the rest.
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';

/** Most columns a schema may declare; bounds the header check and the plan. */
export const MAX_COLUMNS = 4096;
/** Most categories per categorical column; bounds one-hot width. */
export const MAX_CATEGORIES = 1024;
/** Longest column name; with MAX_CATEGORY_LENGTH keeps encoded names within a job spec's 128 characters. */
export const MAX_NAME_LENGTH = 64;
export const MAX_CATEGORY_LENGTH = 63;
/** Most distinct missing-value tokens. */
export const MAX_MISSING_TOKENS = 32;

// Words of letters, digits, "_", ".", "(", ")" or "-", single spaces between:
// covers real exports ("Blood pressure (mmHg)") and survives CSV trimming.
const columnName = z
  .string()
  .min(1)
  .max(MAX_NAME_LENGTH)
  .regex(/^[\p{L}\p{N}_.()-]+(?: [\p{L}\p{N}_.()-]+)*$/u, 'letters, digits, "_", ".", "(", ")", "-" and single inner spaces only');

const categoryText = z.string().min(1).max(MAX_CATEGORY_LENGTH).regex(/^[^\p{Cc}]+$/u, 'no control characters');
const category = z.union([z.number(), categoryText]);

/** What to do with a row whose cell in this column is missing. Only dropping exists for now. */
const missingPolicy = z.enum(['drop-row']).default('drop-row');

const numberFeature = z.strictObject({
  name: columnName,
  kind: z.literal('feature'),
  type: z.literal('number'),
  /** Inclusive [min, max]; a value outside drops the row. */
  range: z.tuple([z.number(), z.number()]).optional(),
  missing: missingPolicy,
});

const categoricalFeature = z.strictObject({
  name: columnName,
  kind: z.literal('feature'),
  type: z.literal('categorical'),
  /** All numbers or all strings; the first is the reference level (dropped in the one-hot code). */
  categories: z.union([
    z.array(z.number()).min(2).max(MAX_CATEGORIES),
    z.array(categoryText).min(2).max(MAX_CATEGORIES),
  ]),
  missing: missingPolicy,
});

const featureColumn = z.discriminatedUnion('type', [numberFeature, categoricalFeature]);

export const COMPARISONS = ['>', '>=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

const binaryLabel = z.strictObject({
  name: columnName,
  kind: z.literal('label'),
  type: z.literal('binary'),
  /** The label is 1 when `cell <op> value`, else 0. A number value compares numerically. */
  positiveWhen: z.strictObject({ op: z.enum(COMPARISONS), value: category }),
  missing: missingPolicy,
});

const labelColumn = z.discriminatedUnion('type', [binaryLabel]);

const ignoreColumn = z.strictObject({
  name: columnName,
  kind: z.literal('ignore'),
});

const columnSpec = z.discriminatedUnion('kind', [featureColumn, labelColumn, ignoreColumn]);

export const datasetSchemaSchema = z
  .strictObject({
    id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only'),
    /** Cell texts meaning "no value", besides the empty cell (always missing). */
    missing: z.array(z.string().max(32)).max(MAX_MISSING_TOKENS).default([]),
    columns: z.array(columnSpec).min(1).max(MAX_COLUMNS),
    split: z.strictObject({
      testFraction: z.number().gt(0).lt(1),
      stratified: z.boolean().default(true),
      seed: z.number().int().min(0).max(0xffffffff).default(0),
    }),
    standardize: z.enum(['per-site-train']).default('per-site-train'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.columns.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `duplicate column name "${c.name}"` });
      seen.add(c.name);
      if (c.kind === 'feature' && c.type === 'number' && c.range && c.range[0] > c.range[1]) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'range'], message: `range min ${c.range[0]} is above max ${c.range[1]}` });
      }
      if (c.kind === 'feature' && c.type === 'categorical' && new Set<number | string>(c.categories).size !== c.categories.length) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'categories'], message: 'categories must be unique' });
      }
      if (c.kind === 'label' && (c.positiveWhen.op === '>' || c.positiveWhen.op === '>=') && typeof c.positiveWhen.value !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'positiveWhen', 'value'], message: `"${c.positiveWhen.op}" needs a number` });
      }
    });
    const labels = s.columns.filter((c) => c.kind === 'label').length;
    if (labels !== 1) ctx.addIssue({ code: 'custom', path: ['columns'], message: `exactly one label column expected, got ${labels}` });
    const encoded = expand(s.columns);
    if (encoded.length === 0) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'at least one feature column expected' });
    // One-hot names can collide with declared names (a column "cp_2" beside categorical "cp").
    const names = new Set<string>();
    for (const n of encoded) {
      if (names.has(n)) ctx.addIssue({ code: 'custom', path: ['columns'], message: `encoded feature name "${n}" is produced twice` });
      names.add(n);
    }
  });

export type DatasetSchema = z.output<typeof datasetSchemaSchema>;
export type DatasetSchemaInput = z.input<typeof datasetSchemaSchema>;
export type ColumnSpec = DatasetSchema['columns'][number];
export type FeatureColumn = Extract<ColumnSpec, { kind: 'feature' }>;
export type LabelColumn = Extract<ColumnSpec, { kind: 'label' }>;

/** Parses untrusted input into a DatasetSchema, or throws E_SCHEMA_INVALID naming each bad field path. */
export function parseDatasetSchema(input: unknown): DatasetSchema {
  const r = datasetSchemaSchema.safeParse(input);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `"${i.path.join('.') || '(root)'}": ${i.message}`).join('; ');
    throw new CohortError('E_SCHEMA_INVALID', msg);
  }
  return r.data;
}

/**
 * Model input names in `x` column order: declared column order, each
 * categorical expanded in place to `${name}_${category}` for every category but
 * the first (reference coding, so the one-hot block is not collinear with the
 * intercept).
 */
export function encodedFeatureNames(schema: DatasetSchema): string[] {
  return expand(schema.columns);
}

/** The schema's single label column (guaranteed by validation). */
export function labelColumnOf(schema: DatasetSchema): LabelColumn {
  const c = schema.columns.find((col): col is LabelColumn => col.kind === 'label');
  if (!c) throw new CohortError('E_SCHEMA_INVALID', 'schema has no label column');
  return c;
}

function expand(columns: readonly ColumnSpec[]): string[] {
  return columns.flatMap((c) => {
    if (c.kind !== 'feature') return [];
    if (c.type === 'number') return [c.name];
    return c.categories.slice(1).map((k) => `${c.name}_${k}`);
  });
}
