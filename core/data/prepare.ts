/**
 * The intake pipeline, pure (no I/O): header check, identifier removal,
 * pseudonymisation, generalisation, encoding with declared scaling and fills,
 * and a per-record keyed split. Rows are encoded as they stream in and their
 * text is not kept; a bad row is dropped and counted by reason, never echoed.
 *
 * Every used record's side and feature vector are functions of that record,
 * the schema and the key alone (split.ts, standardize.ts): adding or removing
 * a record changes no other record's side or features, which is what the
 * per-record sensitivity of DP-SGD assumes.
 *
 * Data that cannot be right (a model input missing or constant everywhere, a
 * one-class label, too many records rejected by the reader) is refused with
 * E_DATA_UNTRAINABLE after the report is built (trainability.ts).
 */
import { CohortError } from '../errors.ts';
import { labelAction } from './encode-label.ts';
import { encodeRow, Note, NOTES, planColumns, type DropReason, type RowPlan, type Step } from './encode.ts';
import { kAnonymity, DEFAULT_K_THRESHOLD } from './k-anonymity.ts';
import { pseudonymizer, type Pseudonymizer } from './pseudonym.ts';
import type { DatasetSchema } from './schema.ts';
import { recordSplit, type RecordSplit } from './split.ts';
import { checkTrainability, UntrainableDataError, type ReaderCounts } from './trainability.ts';
import { brandSplit, type ColumnReport, type DatasetSplit, type IntakeReport, type PreparedDataset } from './types.ts';

export interface PrepareOptions {
  /** Overrides the schema's split seed (another seed, another split). */
  seed?: number;
  /**
   * The site secret keying pseudonyms, date shifts and the split; required when
   * the schema has pseudonyms or shifted dates. Without it the split is keyed
   * by the seed alone, which anyone with the file can recompute: public data only.
   */
  secret?: Uint8Array;
  /** Counts the reader already made (records rejected before they were rows, values turned missing). */
  reader?: () => ReaderCounts;
  /** Classes smaller than this are flagged in the k-anonymity report. */
  kThreshold?: number;
  /**
   * Every row goes to this side instead of the schema's keyed split: for a
   * split decided outside the intake from public facts, such as a
   * benchmark's published split (simulations/fed-tcga-brca.ts prepares each
   * side's rows apart). With 'test', an intake without training rows is no error.
   */
  side?: 'train' | 'test';
}

export async function prepareDataset(
  header: readonly string[],
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  schema: DatasetSchema,
  opts: PrepareOptions = {},
): Promise<PreparedDataset> {
  const plan = planColumns(header, schema);
  if (plan.needsSecret && !opts.secret)
    throw new CohortError(
      'E_INTAKE_SECRET',
      `schema "${schema.id}" pseudonymises or shifts dates: a site secret is required`,
    );
  const keys = opts.secret ? pseudonymizer(opts.secret) : undefined;
  const split = recordSplit({
    testFraction: schema.split.testFraction,
    seed: opts.seed ?? schema.split.seed,
    ...(opts.secret ? { secret: opts.secret } : {}),
  });
  const side = opts.side ? () => opts.side === 'test' : undefined;
  const { train, test, dropped, tally, classes, rowsRead } = await encodeAll(rows, plan, keys, side ?? split);
  const hasQuasi = plan.quasiColumns.length > 0;

  const fromReader = opts.reader?.() ?? { recordsRejected: {}, valuesRejected: {} };
  const rowsUsed = train.n + test.n;
  const sides = { train: train.split(), test: test.split() };
  const trainability = checkTrainability({
    schema,
    plan,
    tally,
    ...sides,
    rowsRead,
    reader: fromReader,
    evaluationOnly: opts.side === 'test',
  });
  const report: IntakeReport = {
    rowsRead,
    rowsUsed,
    rowsDropped: sorted(dropped),
    recordsRejected: sorted(new Map(Object.entries(fromReader.recordsRejected))),
    valuesRejected: sorted(new Map(Object.entries(fromReader.valuesRejected))),
    ...(fromReader.ignored ? { recordsIgnored: sorted(new Map(Object.entries(fromReader.ignored))) } : {}),
    columns: columnReports(schema, plan, tally),
    ...(hasQuasi ? { kAnonymity: kAnonymity(classes, plan.quasiColumns, opts.kThreshold ?? DEFAULT_K_THRESHOLD) } : {}),
    trainability,
  };
  requireRows(report, opts.side === 'test' ? Infinity : train.n);

  const dataset = {
    schemaId: schema.id,
    features: plan.features,
    label: plan.label,
    labels: plan.labels,
    ...sides,
    report,
  };
  if (trainability.refusals.length > 0) throw new UntrainableDataError(dataset);
  return dataset;
}

/** Every row encoded, tallied and sent to its side of the split. */
async function encodeAll(
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  plan: RowPlan,
  keys: Pseudonymizer | undefined,
  split: RecordSplit | (() => boolean),
) {
  const byPseudonym = plan.steps.some((s) => s.kind === 'pseudonym');
  const d = plan.features.length;
  const train = new Rows(d, plan.labelWidth);
  const test = new Rows(d, plan.labelWidth);
  const dropped = new Map<DropReason, number>();
  const tally = plan.steps.map(() => new Float64Array(NOTES));
  const classes = new Map<string, number>();
  const hasQuasi = plan.quasiColumns.length > 0;
  let rowsRead = 0;

  for await (const cells of rows) {
    rowsRead++;
    const r = encodeRow(cells, plan, keys);
    if (!r.ok) {
      dropped.set(r.reason, (dropped.get(r.reason) ?? 0) + 1);
      continue;
    }
    for (let k = 0; k < r.notes.length; k++) tally[k]![r.notes[k]!]! += 1;
    if (hasQuasi) classes.set(r.quasi, (classes.get(r.quasi) ?? 0) + 1);
    // A pseudonym column is drop-row, so every used row of such a schema has one.
    const inTest =
      typeof split === 'function'
        ? split()
        : byPseudonym
          ? split.inTestByPseudonym(r.pseudonym!)
          : split.inTestByContent(cells, plan.order);
    (inTest ? test : train).push(r.x, r.y);
  }
  return { train, test, dropped, tally, classes, rowsRead };
}

/** An intake that kept no row, or no training row, is an error that says why. */
function requireRows(report: IntakeReport, trainRows: number): void {
  if (report.rowsUsed === 0) {
    const why = Object.entries(report.rowsDropped)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    throw new CohortError('E_DATA_EMPTY', `no usable rows: ${report.rowsRead} read${why ? `, dropped ${why}` : ''}`);
  }
  if (trainRows === 0)
    throw new CohortError('E_DATA_EMPTY', `no training rows: ${report.rowsUsed} usable rows all went to test`);
}

/** Encoded rows of one side, in file order, in a growing row-major buffer; `w` label values per row. */
class Rows {
  private x: Float32Array;
  private readonly y: number[] = [];
  private rows = 0;
  constructor(
    private readonly d: number,
    private readonly w: number,
  ) {
    this.x = new Float32Array(d * 1024);
  }

  get n(): number {
    return this.rows;
  }

  push(x: Float64Array, y: readonly number[]): void {
    if (y.length !== this.w)
      throw new CohortError('E_INTERNAL', `a row has ${y.length} label values, expected ${this.w}`);
    if ((this.rows + 1) * this.d > this.x.length) {
      const bigger = new Float32Array(this.x.length * 2);
      bigger.set(this.x);
      this.x = bigger;
    }
    this.x.set(x, this.rows * this.d);
    this.y.push(...y);
    this.rows++;
  }

  split(): DatasetSplit {
    return brandSplit({ x: this.x.slice(0, this.n * this.d), y: Float32Array.from(this.y), n: this.n, d: this.d });
  }
}

function columnReports(schema: DatasetSchema, plan: RowPlan, tally: readonly Float64Array[]): ColumnReport[] {
  const byName = new Map(plan.steps.map((s, k) => [s.name, { s, t: tally[k]! }]));
  return schema.columns.map((c) => {
    const hit = byName.get(c.name);
    return {
      name: c.name,
      kind: c.kind,
      action: hit ? actionOf(hit.s) : 'not read',
      values: hit?.t[Note.Done] ?? 0,
      missing: hit?.t[Note.Missing] ?? 0,
      special: (hit?.t[Note.Special] ?? 0) + (hit?.t[Note.Imputed] ?? 0),
      clamped: hit?.t[Note.Clamped] ?? 0,
    };
  });
}

function actionOf(s: Step): string {
  const scaled = s.scale
    ? `scaled by [${s.scale.lo}, ${s.scale.hi}]${s.missing === 'impute' ? ', missing filled with the declared value' : ''}`
    : '';
  switch (s.kind) {
    case 'identifier':
      return 'dropped';
    case 'pseudonym':
      return 'pseudonymised (HMAC-SHA256), not model input';
    case 'number':
      return `number, ${scaled}${s.quasi ? '; quasi-identifier (in the k-anonymity class)' : ''}`;
    case 'categorical':
      return `one-hot (${s.levels.size - 1} columns)${s.quasi ? '; quasi-identifier (in the k-anonymity class)' : ''}`;
    case 'label':
      return labelAction(s.label);
    case 'age':
      return `generalised to ${s.bands.length} age bands (top ${s.labels.at(-1)})${s.use === 'none' ? '' : s.use === 'band-midpoint' ? `, band midpoint as input, ${scaled}` : ', bands one-hot as input'}`;
    case 'date':
      return `${s.shift === undefined ? 'generalised to year' : `shifted per patient (up to ${s.shift} days)`}${s.use === 'number' ? `, year as input, ${scaled}` : ''}`;
    case 'zip':
      return 'generalised to ZIP3 (restricted prefixes to 000)';
    case 'genetic':
      return `${s.carrier ? `carrier of ${s.allele} (0/1)` : `copies of ${s.allele} (0-2)`}, ${scaled}; genotype dropped`;
  }
}

function sorted(m: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}
