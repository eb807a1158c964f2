/**
 * The checks of a dataset schema that span fields or columns (ranges, missing
 * policies, bands, sources, one label, unique encoded names), run after each
 * field has parsed. Each issue names the path of the field to fix.
 */
import type { z } from 'zod';
import { declaredRange, encodedColumnNames, outputOf } from './columns.ts';
import type { ColumnSpec, DatasetSchema } from './schema.ts';

type Ctx = z.RefinementCtx;

/** Adds an issue to `ctx` for everything wrong across the fields of `s`. */
export function checkDatasetSchema(s: DatasetSchema, ctx: Ctx): void {
  const seen = new Set<string>();
  s.columns.forEach((c, i) => {
    if (seen.has(c.name))
      ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `duplicate column name "${c.name}"` });
    seen.add(c.name);
    checkBounds(c, i, ctx);
    checkImpute(c, i, ctx);
    checkValues(c, i, ctx);
    checkMissing(c, i, ctx);
    checkSources(c, i, s.columns, ctx);
  });
  checkEncoded(s.columns, ctx);
  checkEventColumn(s.columns, ctx);
}

/**
 * A survival label's event column and a multi-label label's indicator columns
 * are read from the CSV: their names must not be another column's, nor repeat.
 */
function checkEventColumn(columns: readonly ColumnSpec[], ctx: Ctx): void {
  const names = new Set(columns.map((c) => c.name));
  columns.forEach((c, i) => {
    if (c.kind === 'label' && c.type === 'survival' && names.has(c.event))
      ctx.addIssue({
        code: 'custom',
        path: ['columns', i, 'event'],
        message: `event column "${c.event}" is also declared as a column (or is the time column itself): declare it only here`,
      });
    if (c.kind === 'label' && c.type === 'multilabel') {
      const taken = c.columns.filter((col) => names.has(col));
      if (taken.length > 0 || new Set(c.columns).size !== c.columns.length)
        ctx.addIssue({
          code: 'custom',
          path: ['columns', i, 'columns'],
          message: `indicator columns must be unique and declared only here${taken.length ? ` ("${taken[0]}" is also a column, or the label's name)` : ''}`,
        });
    }
  });
}

/** Declared ranges and valid intervals that are empty, or a date range that scales nothing. */
function checkBounds(c: ColumnSpec, i: number, ctx: Ctx): void {
  if (
    (c.kind === 'feature' && c.type === 'number') ||
    (c.kind === 'quasi' && c.type === 'date') ||
    (c.kind === 'label' && c.type === 'regression')
  ) {
    if (c.range && !(c.range[0] < c.range[1]))
      ctx.addIssue({
        code: 'custom',
        path: ['columns', i, 'range'],
        message: `range lo ${c.range[0]} must be below hi ${c.range[1]}`,
      });
  }
  if (
    (c.kind === 'feature' && c.type === 'number') ||
    (c.kind === 'quasi' && c.type === 'age') ||
    (c.kind === 'label' && c.type === 'regression')
  ) {
    if (c.valid && c.valid[0] > c.valid[1])
      ctx.addIssue({
        code: 'custom',
        path: ['columns', i, 'valid'],
        message: `valid min ${c.valid[0]} is above max ${c.valid[1]}`,
      });
  }
  if (c.kind === 'quasi' && c.type === 'date' && c.use === 'number' && !c.range) {
    ctx.addIssue({
      code: 'custom',
      path: ['columns', i, 'range'],
      message:
        'a date used as a number needs its public "range" of years [from, to] (scaling is declared, never fitted on the records)',
    });
  }
  if (c.kind === 'quasi' && c.type === 'date' && c.use !== 'number' && c.range) {
    ctx.addIssue({
      code: 'custom',
      path: ['columns', i, 'range'],
      message: '"range" scales a date used as a number: set use "number" or remove it',
    });
  }
}

/** Categories, a label's comparison and age bands that cannot encode a value unambiguously. */
function checkValues(c: ColumnSpec, i: number, ctx: Ctx): void {
  if (
    c.kind === 'feature' &&
    c.type === 'categorical' &&
    new Set<number | string>(c.categories).size !== c.categories.length
  ) {
    ctx.addIssue({ code: 'custom', path: ['columns', i, 'categories'], message: 'categories must be unique' });
  }
  if (c.kind === 'label' && c.type === 'multiclass' && new Set(c.classes.map(String)).size !== c.classes.length) {
    ctx.addIssue({ code: 'custom', path: ['columns', i, 'classes'], message: 'classes must be unique' });
  }
  if (
    c.kind === 'label' &&
    c.type === 'binary' &&
    (c.positiveWhen.op === '>' || c.positiveWhen.op === '>=') &&
    typeof c.positiveWhen.value !== 'number'
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['columns', i, 'positiveWhen', 'value'],
      message: `"${c.positiveWhen.op}" needs a number`,
    });
  }
  if (c.kind === 'quasi' && (c.type === 'age' || c.type === 'birth-date')) {
    if (c.bands[0] !== 0 || c.bands.some((b, j) => j > 0 && b <= c.bands[j - 1]!)) {
      ctx.addIssue({
        code: 'custom',
        path: ['columns', i, 'bands'],
        message: 'bands must start at 0 and strictly increase',
      });
    }
  }
}

/** A missing-value policy that does not fit what the column gives the model. */
function checkMissing(c: ColumnSpec, i: number, ctx: Ctx): void {
  if (c.kind === 'label' && c.missing !== 'drop-row') {
    // A row without its label has nothing to learn from; kept, it would silently count as a negative.
    ctx.addIssue({
      code: 'custom',
      path: ['columns', i, 'missing'],
      message: "a label's missing value can only drop the row",
    });
  } else if ('missing' in c) {
    const gives = outputOf(c);
    if (c.missing === 'impute' && gives !== 'number') {
      ctx.addIssue({
        code: 'custom',
        path: ['columns', i, 'missing'],
        message: '"impute" needs a column that gives one number to the model',
      });
    }
    if (c.missing === 'keep' && gives !== 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['columns', i, 'missing'],
        message: '"keep" is only for columns that give the model nothing (use "impute" or "drop-row")',
      });
    }
  }
}

/** Date shifting without a pseudonym to key it, and FHIR quantities without a unit to check. */
function checkSources(c: ColumnSpec, i: number, columns: readonly ColumnSpec[], ctx: Ctx): void {
  if (
    c.kind === 'quasi' &&
    c.type === 'date' &&
    c.generalize === 'shift' &&
    !columns.some((p) => p.kind === 'pseudonym')
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['columns', i, 'generalize'],
      message: 'date shifting is keyed by the pseudonym: declare a pseudonym column',
    });
  }
  if (
    c.fhir?.resource === 'Observation' &&
    c.fhir.value === 'quantity' &&
    c.fhir.fhirpath === undefined && // a FHIRPath gives the value itself
    !(c.kind === 'feature' && c.type === 'number' && c.unit)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['columns', i, 'fhir', 'value'],
      message: 'a quantity needs a number feature with its UCUM "unit" (values in other units are rejected)',
    });
  }
}

/** Exactly one label, at least one feature, and no encoded feature name twice. */
function checkEncoded(columns: readonly ColumnSpec[], ctx: Ctx): void {
  const labels = columns.filter((c) => c.kind === 'label').length;
  if (labels !== 1)
    ctx.addIssue({ code: 'custom', path: ['columns'], message: `exactly one label column expected, got ${labels}` });
  const encoded = encodedColumnNames(columns);
  if (encoded.length === 0)
    ctx.addIssue({ code: 'custom', path: ['columns'], message: 'at least one feature column expected' });
  // One-hot names can collide with declared names (a column "cp_2" beside categorical "cp").
  const names = new Set<string>();
  for (const n of encoded) {
    if (names.has(n))
      ctx.addIssue({ code: 'custom', path: ['columns'], message: `encoded feature name "${n}" is produced twice` });
    names.add(n);
  }
}

/** An `impute` fill without policy "impute", or outside the declared range. */
function checkImpute(c: ColumnSpec, i: number, ctx: Ctx): void {
  if (!('impute' in c) || c.impute === undefined) return;
  const path = ['columns', i, 'impute'];
  if (c.missing !== 'impute') {
    ctx.addIssue({
      code: 'custom',
      path,
      message: '"impute" is the fill under missing "impute": set missing to "impute" or remove it',
    });
    return;
  }
  const r = declaredRange(c);
  if (r && r[0] < r[1] && !(c.impute >= r[0] && c.impute <= r[1])) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `impute ${c.impute} lies outside the declared range [${r[0]}, ${r[1]}]`,
    });
  }
}
