/**
 * The dataset schema: a hospital's declaration of what each CSV column is and
 * how it becomes model input. Parsed once at the edge; the intake pipeline
 * trusts the resulting `DatasetSchema`. A column the schema does not declare is
 * never read, so adding a column to an export cannot leak it into training.
 *
 * Every column has a class (`kind`): identifier (dropped), pseudonym (HMAC'd
 * join key), quasi (generalised: age bands, dates, ZIP3), genetic (a derived
 * allele count or carrier flag), feature, label, or an explicit ignore.
 *
 * Nothing the pipeline does is fitted on the records: every column that gives
 * the model a number declares the public range that scales it (standardize.ts)
 * and the value that fills it when missing, so one record never changes how
 * another is encoded.
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';
import { isPrintable } from '../printable.ts';
import { parseOrThrow } from '../parse-issues.ts';
import { encodedColumnNames } from './columns.ts';
import { fhirPathError, MAX_FHIRPATH_LENGTH } from './fhir-path.ts';
import { parseDate } from './generalize.ts';
import { checkDatasetSchema } from './schema-checks.ts';

export { ageBandLabels, declaredRange, imputeValueOf, outputOf } from './columns.ts';

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
  .regex(
    /^[\p{L}\p{N}_.()-]+(?: [\p{L}\p{N}_.()-]+)*$/u,
    'letters, digits, "_", ".", "(", ")", "-" and single inner spaces only',
  );

const categoryText = z
  .string()
  .min(1)
  .max(MAX_CATEGORY_LENGTH)
  .refine(
    isPrintable,
    'no control or format characters (escapes, bidi overrides): the category names a feature sent on the wire',
  );
const category = z.union([z.number(), categoryText]);

/**
 * What to do when a cell is missing: drop the row, or (for columns that give a
 * number) fill in the column's declared `impute` value (default: the middle of
 * its declared range), or (for columns that give no model input) keep the row.
 */
const MISSING_POLICIES = ['drop-row', 'impute', 'keep'] as const;
const missingPolicy = z
  .enum(MISSING_POLICIES, {
    error: (iss) =>
      iss.input === 'impute-mean'
        ? '"impute-mean" is gone (a mean of the records would tie every record to the others): use "impute", which fills the declared "impute" value (default: the middle of "range")'
        : undefined,
  })
  .default('drop-row');
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** A declared [lo, hi] in the column's unit; lo < hi is checked with the column. */
const bounds = z.tuple([z.number(), z.number()]);
/** The fill for a missing value under policy "impute", in the column's unit, inside its declared range. */
const imputeValue = z.number().optional();
/**
 * The column may hold one value, or be missing and filled, in every used row
 * of a site without the intake refusing the data (trainability.ts): that site
 * cannot learn from it, the other sites of a federation still may.
 */
const mayBeConstant = z.boolean().default(false);
/**
 * A feature that is also a quasi-identifier (sex, race, ethnicity): its value
 * joins the k-anonymity class (k-anonymity.ts). A column read from
 * Patient.gender is one whether or not it says so.
 */
const quasiIdentifier = z.literal(true).optional();
/** Default of a schema's `maxRejectedFraction`. */
export const DEFAULT_MAX_REJECTED_FRACTION = 0.1;
/** A field that was removed, still recognised so that old schemas are told why. */
const removed = (why: string) => z.never({ error: why }).optional();

/** A UCUM unit code (https://ucum.org), e.g. "mm[Hg]", "kg/m2", "mg/dL", "%", "/min". */
const ucum = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces');
/** A calendar date, YYYY-MM-DD (checked to exist). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((d) => parseDate(d) !== undefined, 'not a calendar date');
const codeText = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces');

/** Code systems a Condition source may list, by short name (URIs in fhir-codes.ts). */
export const CONDITION_SYSTEMS = ['icd-10-cm', 'icd-10', 'snomed'] as const;
export type ConditionSystem = (typeof CONDITION_SYSTEMS)[number];

/** A FHIRPath expression (fhir-path.ts): compiled here (the engine loaded first, fhir-schema.ts), so one that does not compile is a schema error. */
const fhirPathExpr = z
  .string()
  .min(1)
  .max(MAX_FHIRPATH_LENGTH)
  .superRefine((expr, ctx) => {
    const why = fhirPathError(expr);
    if (why) ctx.addIssue({ code: 'custom', message: `FHIRPath does not compile: ${why}` });
  });
/** Which resource wins when a patient has several: by effective (or onset) time, or by value. */
const pickRule = z.enum(['latest', 'earliest', 'min', 'max']).default('latest');
/**
 * Where a column's cell comes from when reading FHIR R4 (Bundle or NDJSON bulk
 * export) instead of CSV: the FHIR reader builds one row per Patient with the
 * declared columns, and that row goes through the same pipeline as a CSV row.
 */
const fhirSource = z.discriminatedUnion('resource', [
  z
    .strictObject({
      resource: z.literal('Patient'),
      /**
       * birthDate on a `birth-date` column also carries deceasedDateTime, so the age is taken at death
       * (a deceasedBoolean true without a date leaves the age unknown: missing, counted).
       */
      element: z
        .enum(['id', 'identifier', 'name', 'telecom', 'address', 'postalCode', 'birthDate', 'gender'])
        .optional(),
      /** Instead of `element`: a FHIRPath expression on the Patient giving one primitive value. */
      fhirpath: fhirPathExpr.optional(),
      /** identifier: only identifiers whose type has this code (v2-0203, e.g. "MR" for a medical record number). */
      identifierType: codeText.optional(),
      /** identifier: only identifiers with this system URI. */
      identifierSystem: z.string().min(1).max(256).optional(),
      /** telecom: only contact points of this system. */
      telecomSystem: z.enum(['phone', 'email', 'fax', 'url', 'sms', 'pager', 'other']).optional(),
    })
    .refine((o) => (o.element === undefined) !== (o.fhirpath === undefined), {
      message: 'a Patient source reads either an "element" or a "fhirpath" expression (exactly one)',
    }),
  z
    .strictObject({
      resource: z.literal('Observation'),
      /** LOINC code of Observation.code (system http://loinc.org): for a panel, the panel's code (e.g. 85354-9). */
      loinc: codeText,
      /** quantity: valueQuantity.value (unit checked against the column's `unit`); code: valueCodeableConcept's first coding code; text: valueCodeableConcept.text (or valueString). */
      value: z.enum(['quantity', 'code', 'text']).default('quantity'),
      /**
       * Read the value (as `value` says) from the component coded with this LOINC instead of the
       * Observation's own value: blood pressure is one panel 85354-9 with components 8480-6 (systolic)
       * and 8462-4 (diastolic) in US Core and Synthea.
       */
      valueComponent: codeText.optional(),
      /** With valueComponent: also read Observations coded with the component's LOINC on their own (their own value). */
      standalone: z.boolean().default(false),
      /** Instead of `value`: a FHIRPath expression on the Observation giving one primitive value. */
      fhirpath: fhirPathExpr.optional(),
      pick: pickRule,
      /**
       * A filter, not where the value comes from: only observations with a component of this LOINC code
       * whose value (coding code, text or string) equals `value`. (To read a component's value: `valueComponent`.)
       */
      component: z.strictObject({ loinc: codeText, value: z.string().min(1).max(64) }).optional(),
      /**
       * value "code": the cell each code stands for (e.g. SNOMED 8517006 -> "former"), so a FHIR export and a
       * CSV export of the same data encode alike; a code not listed is a rejected value.
       */
      codes: z.record(codeText, z.string().min(1).max(64)).optional(),
    })
    .refine((o) => o.codes === undefined || o.value === 'code', {
      message: '"codes" maps coded values: it needs value "code"',
      path: ['codes'],
    })
    .refine((o) => !o.standalone || o.valueComponent !== undefined, {
      message: '"standalone" reads a component\'s code on its own: it needs "valueComponent"',
      path: ['standalone'],
    })
    .refine((o) => o.fhirpath === undefined || (o.valueComponent === undefined && o.codes === undefined), {
      message: '"fhirpath" gives the value itself: it cannot be combined with "valueComponent" or "codes"',
      path: ['fhirpath'],
    }),
  z.strictObject({
    resource: z.literal('Condition'),
    /** The cell is "1" if the patient has a Condition with any of these codes (not refuted or entered-in-error), else "0". */
    codes: z
      .array(z.strictObject({ system: z.enum(CONDITION_SYSTEMS), code: codeText }))
      .min(1)
      .max(256),
    /** Instead of 1/0: a FHIRPath expression on the matching Condition (e.g. "onset.ofType(dateTime)"), one per patient by `pick`. */
    fhirpath: fhirPathExpr.optional(),
    pick: pickRule,
  }),
]);
export type FhirSource = z.output<typeof fhirSource>;

const base = { name: columnName, fhir: fhirSource.optional() };

const numberFeature = z.strictObject({
  ...base,
  kind: z.literal('feature'),
  type: z.literal('number'),
  unit: ucum.optional(),
  /**
   * The public range [lo, hi] (lo < hi, in `unit`) the column is scaled by:
   * a value becomes (clamp(v, lo, hi) - center) / halfWidth in [-1, 1].
   * Values outside are clamped and counted. Required: scaling is declared,
   * never fitted on the records.
   */
  range: z.tuple([z.number(), z.number()], {
    error: (iss) =>
      iss.input === undefined
        ? 'a number column needs its public "range": [lo, hi] in its unit (scaling is declared, never fitted on the records)'
        : undefined,
  }),
  /** Inclusive plausibility bounds; a value outside is taken for an entry error and drops the row. */
  valid: bounds.optional(),
  impute: imputeValue,
  missing: missingPolicy,
  quasiIdentifier,
  mayBeConstant,
});

const categoricalFeature = z.strictObject({
  ...base,
  kind: z.literal('feature'),
  type: z.literal('categorical'),
  /** All numbers or all strings; the first is the reference level (dropped in the one-hot code). */
  categories: z.union([
    z.array(z.number()).min(2).max(MAX_CATEGORIES),
    z.array(categoryText).min(2).max(MAX_CATEGORIES),
  ]),
  missing: missingPolicy,
  quasiIdentifier,
  mayBeConstant,
});

const featureColumn = z.discriminatedUnion('type', [numberFeature, categoricalFeature]);

export const COMPARISONS = ['>', '>=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

const binaryLabel = z.strictObject({
  ...base,
  kind: z.literal('label'),
  type: z.literal('binary'),
  /** The label is 1 when `cell <op> value`, else 0. A number value compares numerically. */
  positiveWhen: z.strictObject({ op: z.enum(COMPARISONS), value: category }),
  missing: missingPolicy,
});

/**
 * A survival label: this column is the follow-up time (days, >= 0: a record
 * censored on the day of diagnosis has time 0) and `event` names the CSV
 * column holding the event indicator (1 observed, 0 censored). The row's
 * label is [time, event] (core/model/task.ts). The event column is declared
 * here only, not as a column of its own: it is read as part of the label and
 * never reaches the features.
 */
const survivalLabel = z.strictObject({
  ...base,
  kind: z.literal('label'),
  type: z.literal('survival'),
  event: columnName,
  missing: missingPolicy,
});

/**
 * A multi-class label: the cell is one of `classes` (all numbers or all
 * strings), and the row's label is its index in that order (core/model/task.ts).
 * A value not listed drops the row as `class:<column>`, never becomes a class.
 */
const multiclassLabel = z.strictObject({
  ...base,
  kind: z.literal('label'),
  type: z.literal('multiclass'),
  classes: z.union([z.array(z.number()).min(2).max(MAX_CATEGORIES), z.array(categoryText).min(2).max(MAX_CATEGORIES)]),
  missing: missingPolicy,
});

/**
 * A multi-label label: `name` names the label set (the job's `label`), and
 * `columns` the CSV columns holding one 0/1 indicator each, in label order;
 * they are read as part of the label only, never as columns of their own. A
 * cell other than 0 or 1 drops the row as `indicator:<column>`.
 */
const multilabelLabel = z.strictObject({
  ...base,
  kind: z.literal('label'),
  type: z.literal('multilabel'),
  columns: z.array(columnName).min(1).max(MAX_CATEGORIES),
  missing: missingPolicy,
});

/**
 * A regression target: a number scaled by its declared public `range` like a
 * number feature, (clamp(v, lo, hi) − center) / halfWidth in [−1, 1]
 * (standardize.ts; clamped values counted), so a loss and a learning rate mean
 * the same for any unit and DP-SGD's per-example losses stay bounded. The
 * model predicts the scaled value; the preprocessing contract of a downloaded
 * model carries the range to undo it. `valid` drops entry errors as for features.
 */
const regressionLabel = z.strictObject({
  ...base,
  kind: z.literal('label'),
  type: z.literal('regression'),
  unit: ucum.optional(),
  range: bounds,
  valid: bounds.optional(),
  missing: missingPolicy,
});

const labelColumn = z.discriminatedUnion('type', [
  binaryLabel,
  survivalLabel,
  multiclassLabel,
  multilabelLabel,
  regressionLabel,
]);

/** Declared and deliberately unused: read by the CSV parser, never by the pipeline. */
const ignoreColumn = z.strictObject({ ...base, kind: z.literal('ignore') });

/** Directly identifying (name, MRN, national id, phone, email, address): dropped, only counted. */
const identifierColumn = z.strictObject({ ...base, kind: z.literal('identifier') });

/**
 * A join key kept only as HMAC-SHA256 under the site's secret (pseudonym.ts).
 * The pseudonym never enters the model input; it keys per-patient date shifts.
 */
const pseudonymColumn = z.strictObject({
  ...base,
  kind: z.literal('pseudonym'),
  missing: z.literal('drop-row').default('drop-row'),
});

/**
 * HIPAA Safe Harbor top-codes ages over 89: bands may not start above 90, so
 * every age >= 90 falls in one band "90+" (or a wider top band).
 * 45 CFR 164.514(b)(2)(i)(C).
 */
export const AGE_TOP_CODE = 90;
/** Lower edges of the age bands; the last band is open ("90+"). */
const ageBands = z
  .array(z.number().int().min(0).max(AGE_TOP_CODE))
  .min(2)
  .max(64)
  .default([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
/**
 * How a generalised age reaches the model: not at all, as its band's midpoint
 * (scaled by the first and last bands' midpoints, declaredRange), or one-hot over bands.
 */
const ageUse = z.enum(['none', 'band-midpoint', 'band-categorical']).default('none');
/** Ages accepted from a birth date, and by default from an age column; outside means a wrong value. */
export const AGE_VALID: readonly [number, number] = [0, 150];
/** What an age column and a birth-date column share: both end as an age band. */
const ageBanding = { bands: ageBands, use: ageUse, impute: imputeValue, missing: missingPolicy, mayBeConstant };

const quasiColumn = z.discriminatedUnion('type', [
  /** Cell is an age in years; `valid` bounds the ages accepted (default AGE_VALID), outside drops the row. */
  z.strictObject({
    ...base,
    kind: z.literal('quasi'),
    type: z.literal('age'),
    valid: bounds.optional(),
    ...ageBanding,
  }),
  /** Cell is a birth date, or "birth/death" (ISO 8601 interval); it becomes the age on `asOf` or at death if earlier, then an age band (the dates are not kept). */
  z.strictObject({ ...base, kind: z.literal('quasi'), type: z.literal('birth-date'), asOf: isoDate, ...ageBanding }),
  /**
   * Cell is a date: kept as its year, or shifted by a per-patient offset in
   * [-maxShiftDays, maxShiftDays] derived from the pseudonym (so intervals
   * within one patient survive). `use: number` feeds the year (fractional for
   * shifted dates), scaled by its declared `range` of years, which it requires.
   */
  z.strictObject({
    ...base,
    kind: z.literal('quasi'),
    type: z.literal('date'),
    generalize: z.enum(['year', 'shift']),
    maxShiftDays: z.number().int().min(1).max(3650).default(365),
    use: z.enum(['none', 'number']).default('none'),
    range: bounds.optional(),
    impute: imputeValue,
    missing: missingPolicy,
    mayBeConstant,
  }),
  /** Cell is a US ZIP code: kept as its first 3 digits, "000" for the low-population prefixes (zip3.ts). Never model input. */
  z.strictObject({
    ...base,
    kind: z.literal('quasi'),
    type: z.literal('zip'),
    use: z.literal('none').default('none'),
    missing: missingPolicy,
  }),
]);

/**
 * A genotype cell ("A/G", "A|G" or "AG") replaced by the one number the job
 * needs: how many copies of `allele` (0-2) or whether there is any (0/1).
 * The genotype itself is never kept.
 */
const geneticColumn = z.strictObject({
  ...base,
  kind: z.literal('genetic'),
  /** Variant id (dbSNP rsID), for the record and FHIR matching. */
  variant: z.string().regex(/^rs\d{1,12}$/, 'a dbSNP id like rs10455872'),
  allele: z.string().regex(/^[ACGT]{1,50}$/, 'A, C, G, T only'),
  derive: z.enum(['allele-count', 'carrier']),
  /** The fill for a missing genotype, e.g. twice the allele's population frequency for a count. */
  impute: imputeValue,
  missing: missingPolicy,
  mayBeConstant,
});

const columnSpec = z.discriminatedUnion('kind', [
  featureColumn,
  labelColumn,
  ignoreColumn,
  identifierColumn,
  pseudonymColumn,
  quasiColumn,
  geneticColumn,
]);

const datasetSchemaFields = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only'),
  /** Cell texts meaning "no value", besides the empty cell (always missing). */
  missing: z.array(z.string().max(32)).max(MAX_MISSING_TOKENS).default([]),
  columns: z.array(columnSpec).min(1).max(MAX_COLUMNS),
  /** Each record goes to test with probability testFraction, by a keyed hash of that record alone (split.ts). */
  split: z.strictObject({
    testFraction: z.number().gt(0).lt(1),
    /** Mixed into the split key: another seed, another split. */
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    stratified: removed(
      '"stratified" is gone: each record\'s side is a keyed hash of that record alone (stratifying would tie records together), so class balance holds in expectation',
    ),
  }),
  /**
   * Refuse the data (E_DATA_UNTRAINABLE, trainability.ts) when the reader
   * rejects more than this fraction of the records it tried to use: rejected /
   * (rejected + accepted), records of types or codes the schema does not
   * declare left out. 1 never refuses.
   */
  maxRejectedFraction: z.number().min(0).max(1).default(DEFAULT_MAX_REJECTED_FRACTION),
  /** The only scaling: each number column by its declared range (standardize.ts). */
  standardize: z
    .enum(['declared-range'], {
      error: (iss) =>
        iss.input === 'per-site-train'
          ? '"per-site-train" is gone (statistics of the records tie every record to the others): use "declared-range" and declare each number column\'s "range"'
          : undefined,
    })
    .default('declared-range'),
});

/** The schema a dataset schema file is parsed with: its fields, then the checks across fields (schema-checks.ts). */
export const datasetSchemaSchema = datasetSchemaFields.superRefine(checkDatasetSchema);

export type DatasetSchema = z.output<typeof datasetSchemaFields>;
export type DatasetSchemaInput = z.input<typeof datasetSchemaFields>;
export type ColumnSpec = DatasetSchema['columns'][number];
export type FeatureColumn = Extract<ColumnSpec, { kind: 'feature' }>;
export type LabelColumn = Extract<ColumnSpec, { kind: 'label' }>;
export type QuasiColumn = Extract<ColumnSpec, { kind: 'quasi' }>;
export type GeneticColumn = Extract<ColumnSpec, { kind: 'genetic' }>;

/** Parses untrusted input into a DatasetSchema, or throws E_SCHEMA_INVALID naming each bad field path. */
export function parseDatasetSchema(input: unknown): DatasetSchema {
  return parseOrThrow(datasetSchemaSchema, input, 'E_SCHEMA_INVALID');
}

/**
 * Model input names in `x` column order: declared column order, each
 * categorical expanded in place to `${name}_${category}` for every category but
 * the first (reference coding, so the one-hot block is not collinear with the
 * intercept).
 */
export function encodedFeatureNames(schema: DatasetSchema): string[] {
  return encodedColumnNames(schema.columns);
}

export type SurvivalLabelColumn = Extract<LabelColumn, { type: 'survival' }>;

/**
 * Every CSV column a schema reads: its declared columns, a survival label's
 * event column, and a multi-label label's indicator columns in place of its name.
 */
export function readColumnNames(schema: DatasetSchema): string[] {
  return schema.columns.flatMap((c) => {
    if (c.kind !== 'label') return [c.name];
    if (c.type === 'survival') return [c.name, c.event];
    return c.type === 'multilabel' ? [...c.columns] : [c.name];
  });
}

/** The schema's single label column (guaranteed by validation). */
export function labelColumnOf(schema: DatasetSchema): LabelColumn {
  const c = schema.columns.find((col): col is LabelColumn => col.kind === 'label');
  if (!c) throw new CohortError('E_SCHEMA_INVALID', 'schema has no label column');
  return c;
}
