import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeRow, planColumns } from '../../../core/data/encode.ts';
import { prepareDataset, type PrepareOptions } from '../../../core/data/prepare.ts';
import { pseudonymizer } from '../../../core/data/pseudonym.ts';
import { parseDatasetSchema, type DatasetSchema, type DatasetSchemaInput } from '../../../core/data/schema.ts';
import type { DatasetSplit, PreparedDataset } from '../../../core/data/types.ts';
import { SMALL_HEADER, caught, smallSchema, smallSchemaInput, validRows } from './fixtures.ts';

const SENTINEL = 'SENTINEL123';
const SECRET = new Uint8Array(32).fill(7);

async function* asAsync<T>(xs: T[]): AsyncIterable<T> {
  for (const x of xs) yield x;
}

/** Each row of a split as "label:hex of its float32 bytes": equal strings are bit-identical rows. */
function rowsOf(s: DatasetSplit): string[] {
  const bytes = Buffer.from(s.x.buffer, s.x.byteOffset, s.x.byteLength);
  return Array.from(
    { length: s.n },
    (_, i) => `${s.y[i]}:${bytes.subarray(i * s.d * 4, (i + 1) * s.d * 4).toString('hex')}`,
  );
}

function rowKey(x: ArrayLike<number>, y: number): string {
  return `${y}:${Buffer.from(Float32Array.from(x).buffer).toString('hex')}`;
}

/** The small schema with missing numbers filled from declared values (so imputation is exercised too). */
function imputingSchemaInput(): DatasetSchemaInput {
  const input = smallSchemaInput();
  return {
    ...input,
    columns: input.columns.map((c): DatasetSchemaInput['columns'][number] =>
      c.kind === 'feature' && c.type === 'number'
        ? { ...c, missing: 'impute', ...(c.name === 'chol' ? { impute: 200 } : {}) }
        : c,
    ),
  };
}

/** The same, keyed by a pseudonym column first: the split then goes by patient. */
function pseudonymSchemaInput(): DatasetSchemaInput {
  const input = imputingSchemaInput();
  return { ...input, columns: [{ name: 'mrn', kind: 'pseudonym' }, ...input.columns] };
}

const cellsArb = fc.tuple(
  fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 130 }).map(String), weight: 8 },
    fc.constant('?'),
    fc.constant('abc'),
  ),
  fc.oneof({ arbitrary: fc.constantFrom('1', '2', '3'), weight: 8 }, fc.constant('9')),
  fc.string({ maxLength: 4 }),
  fc.oneof(
    { arbitrary: fc.double({ min: 0, max: 600, noNaN: true }).map((v) => v.toFixed(1)), weight: 8 },
    fc.constant('?'),
  ),
  fc.constantFrom('0', '1', '2', '3'),
);
const mrnArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 12 }).map((i) => `MRN${i}`), weight: 12 },
  fc.constant(''),
);

type Case = { header: string[]; schema: DatasetSchema; opts: PrepareOptions };
const caseArb: fc.Arbitrary<{ c: Case; rowArb: fc.Arbitrary<string[]> }> = fc
  .record({
    keyedBy: fc.constantFrom('content', 'content+secret', 'pseudonym'),
    testFraction: fc.constantFrom(0.1, 0.25, 0.5, 0.8),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
  })
  .map(({ keyedBy, testFraction, seed }) => {
    const byPseudonym = keyedBy === 'pseudonym';
    const input = byPseudonym ? pseudonymSchemaInput() : imputingSchemaInput();
    const schema = parseDatasetSchema({ ...input, split: { testFraction, seed } });
    const opts = keyedBy === 'content' ? {} : { secret: SECRET };
    const header = byPseudonym ? ['mrn', ...SMALL_HEADER] : SMALL_HEADER;
    const rowArb = byPseudonym
      ? fc.tuple(mrnArb, cellsArb).map(([m, cells]) => [m, ...cells])
      : cellsArb.map((cells) => [...cells]);
    return { c: { header, schema, opts }, rowArb };
  });

/** Prepares, or says why not (a tiny file can leave no training row). */
async function tryPrepare(c: Case, rows: string[][]): Promise<PreparedDataset | string> {
  try {
    return await prepareDataset(c.header, rows, c.schema, c.opts);
  } catch (e) {
    return (e as { code: string }).code;
  }
}

/**
 * Asserts that `smaller` is `larger` without the record `removed`: every other
 * record kept its side and its bit-identical encoding, and `removed` (if used)
 * is missing from exactly one side.
 */
function expectNeighbours(c: Case, larger: PreparedDataset, smaller: PreparedDataset, removed: string[]): void {
  const r = encodeRow(
    removed,
    planColumns(c.header, c.schema),
    c.opts.secret ? pseudonymizer(c.opts.secret) : undefined,
  );
  const big = { train: rowsOf(larger.train), test: rowsOf(larger.test) };
  const small = { train: rowsOf(smaller.train), test: rowsOf(smaller.test) };
  if (!r.ok) {
    expect(small).toEqual(big);
    return;
  }
  const gone = rowKey(r.x, r.y[0]!);
  const side = small.train.length < big.train.length ? 'train' : 'test';
  const other = side === 'train' ? 'test' : 'train';
  expect(small[other]).toEqual(big[other]);
  expect(small[side].length).toBe(big[side].length - 1);
  const at = small[side].findIndex((row, i) => row !== big[side][i]);
  const k = at === -1 ? small[side].length : at;
  expect(big[side][k]).toBe(gone);
  expect(small[side]).toEqual(big[side].filter((_, i) => i !== k));
}

describe('neighbouring datasets (one record more or less)', () => {
  it('leave every other record on its side with a bit-identical feature vector', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb.chain(({ c, rowArb }) =>
          fc.record({
            c: fc.constant(c),
            rows: fc.array(rowArb, { minLength: 8, maxLength: 40 }),
            extra: rowArb,
            at: fc.nat(),
            insertAt: fc.nat(),
          }),
        ),
        async ({ c, rows, extra, at, insertAt }) => {
          const full = await tryPrepare(c, rows);
          fc.pre(typeof full !== 'string');
          // Remove one record ...
          const i = at % rows.length;
          const without = await tryPrepare(
            c,
            rows.filter((_, j) => j !== i),
          );
          fc.pre(typeof without !== 'string');
          expectNeighbours(c, full as PreparedDataset, without, rows[i]!);
          // ... or add one anywhere.
          const j = insertAt % (rows.length + 1);
          const withOne = await tryPrepare(c, [...rows.slice(0, j), extra, ...rows.slice(j)]);
          if (typeof withOne === 'string') throw new Error(`adding a record failed: ${withOne}`);
          expectNeighbours(c, withOne, full as PreparedDataset, extra);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('encode a record identically inside two very different datasets: no statistic comes from the rows', async () => {
    const schema = parseDatasetSchema(imputingSchemaInput());
    // age 50 is the middle of [20, 80]; cp 2 is one-hot [1, 0]; chol 250 the middle of [100, 400].
    const r = ['50', '2', 'r', '250', '1'];
    // Missing age fills the middle of its range (50 -> 0); missing chol its declared 200 -> (200 - 250) / 150.
    const m = ['?', '3', 'm', '?', '0'];
    const expected = [rowKey([0, 1, 0, 0], 1), rowKey([0, 0, 1, -1 / 3], 0)];
    const older = Array.from({ length: 60 }, (_, i) => [
      String(70 + (i % 11)),
      '3',
      'o',
      i % 4 ? String(350 + i) : '?',
      String(i % 2),
    ]);
    const younger = Array.from({ length: 60 }, (_, i) => [
      String(20 + (i % 9)),
      '1',
      'y',
      i % 5 ? String(110 + i) : '?',
      '0',
    ]);
    const sideOf = (d: PreparedDataset, key: string) =>
      rowsOf(d.train).includes(key) ? 'train' : rowsOf(d.test).includes(key) ? 'test' : 'absent';
    for (const opts of [{}, { secret: SECRET }]) {
      const a = await prepareDataset(SMALL_HEADER, [r, m, ...older], schema, opts);
      const b = await prepareDataset(SMALL_HEADER, [...younger, m, r], schema, opts);
      for (const key of expected) {
        expect(sideOf(a, key)).not.toBe('absent');
        expect(sideOf(b, key)).toBe(sideOf(a, key));
      }
    }
  });
});

describe('prepareDataset', () => {
  it('drops and counts malformed rows by reason, uses the rest, never echoes a cell', async () => {
    const good = validRows(40);
    const bad = [
      ['40', '1', SENTINEL, '180'], // cells
      ['40', '1', 'x', '180', '0', SENTINEL], // cells
      [SENTINEL, '1', 'x', '180', '0'], // number:age
      ['abc', '1', 'x', '180', '0'], // number:age
      ['130', '1', 'x', '180', '0'], // range:age (outside the plausibility bounds)
      ['-1', '1', 'x', '180', '0'], // range:age
      ['40', SENTINEL, 'x', '180', '0'], // category:cp
      ['40', '7', 'x', '180', '0'], // category:cp
      ['40', '1', 'x', '?', '0'], // missing:chol
      ['40', '1', 'x', '180', SENTINEL], // number:num
    ];
    const rows = [...good.slice(0, 20), ...bad, ...good.slice(20)];
    const d = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    expect(d.report).toMatchObject({
      rowsRead: 50,
      rowsUsed: 40,
      rowsDropped: { cells: 2, 'category:cp': 2, 'missing:chol': 1, 'number:age': 2, 'number:num': 1, 'range:age': 2 },
    });
    expect(d.train.n + d.test.n).toBe(40);
    expect(JSON.stringify(d.report)).not.toContain(SENTINEL);
    expect(d.features).toEqual(['age', 'cp_2', 'cp_3', 'chol']);
    expect(d.label).toBe('num');
    expect(d.schemaId).toBe('small-v1');
  });

  it('reads async iterables the same as arrays', async () => {
    const rows = validRows(30);
    const a = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    const b = await prepareDataset(SMALL_HEADER, asAsync(rows), smallSchema());
    expect(b).toEqual(a);
  });

  it('outputs row-major Float32 splits, 0/1 labels, numbers scaled by their declared ranges', async () => {
    const rows = validRows(80);
    const d = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    for (const s of [d.train, d.test]) {
      expect(s.x).toBeInstanceOf(Float32Array);
      expect(s.x.length).toBe(s.n * s.d);
      expect(s.d).toBe(4);
      expect([...s.y].every((v) => v === 0 || v === 1)).toBe(true);
      expect([...s.x].every((v) => v >= -1 && v <= 1)).toBe(true);
    }
    // Every row is its closed form: (clamp(v, lo, hi) - center) / halfWidth, one-hot cp.
    const expected = rows.map(([age, cp, , chol, num]) =>
      rowKey(
        [(Number(age) - 50) / 30, cp === '2' ? 1 : 0, cp === '3' ? 1 : 0, (Math.min(Number(chol), 400) - 250) / 150],
        num === '0' ? 0 : 1,
      ),
    );
    expect([...rowsOf(d.train), ...rowsOf(d.test)].sort()).toEqual(expected.sort());
  });

  it('clamps numbers outside the declared range and counts them per column', async () => {
    // age 10 and 100 are plausible (valid [0, 120]) but outside the declared [20, 80]; chol 50 and 900 outside [100, 400].
    const rows = [...validRows(20), ['10', '1', '', '50', '0'], ['100', '1', '', '900', '1']];
    const d = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    const all = [...rowsOf(d.train), ...rowsOf(d.test)];
    expect(all).toContain(rowKey([-1, 0, 0, -1], 0));
    expect(all).toContain(rowKey([1, 0, 0, 1], 1));
    const col = (n: string) => d.report.columns.find((c) => c.name === n)!;
    expect(col('age')).toMatchObject({ values: 20, clamped: 2, special: 0 });
    expect(col('chol')).toMatchObject({ values: 20, clamped: 2, special: 0 });
    expect(col('cp')).toMatchObject({ values: 22, clamped: 0 });
  });

  it('fills a missing number with its declared value, counted as special', async () => {
    const schema = parseDatasetSchema(imputingSchemaInput());
    const d = await prepareDataset(SMALL_HEADER, [...validRows(20), ['?', '1', '', '?', '0']], schema);
    expect([...rowsOf(d.train), ...rowsOf(d.test)]).toContain(rowKey([0, 0, 0, -1 / 3], 0));
    expect(d.report.columns.find((c) => c.name === 'chol')).toMatchObject({ missing: 0, special: 1 });
    expect(d.report.columns.find((c) => c.name === 'chol')!.action).toBe(
      'number, scaled by [100, 400], missing filled with the declared value',
    );
  });

  it('splits without stratifying: the test share holds in expectation', async () => {
    const d = await prepareDataset(SMALL_HEADER, validRows(2000), {
      ...smallSchema(),
      split: { testFraction: 0.25, seed: 3 },
    });
    // Binomial(2000, 0.25): 5 standard deviations is about 97 records.
    expect(Math.abs(d.test.n - 500)).toBeLessThan(97);
    expect(d.train.n + d.test.n).toBe(2000);
  });

  it('reads the declared columns in any header order to the same split and features', async () => {
    const rows = validRows(60);
    const a = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    const order = [4, 2, 0, 3, 1];
    const b = await prepareDataset(
      order.map((i) => SMALL_HEADER[i]!),
      rows.map((r) => order.map((i) => r[i]!)),
      smallSchema(),
    );
    expect(b.train).toEqual(a.train);
    expect(b.test).toEqual(a.test);
  });

  it('keys the split by the seed and by the site secret', async () => {
    const rows = validRows(60).map((r, i) => [r[0]!, r[1]!, `row ${i}`, r[3]!, r[4]!]);
    const a = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    expect(await prepareDataset(SMALL_HEADER, rows, smallSchema())).toEqual(a);
    for (const opts of [{ seed: 99 }, { secret: SECRET }]) {
      const b = await prepareDataset(SMALL_HEADER, rows, smallSchema(), opts);
      expect(rowsOf(b.test)).not.toEqual(rowsOf(a.test));
    }
  });

  it('sends all records of one patient to the same side when the schema has a pseudonym', async () => {
    const schema = parseDatasetSchema(pseudonymSchemaInput());
    const header = ['mrn', ...SMALL_HEADER];
    // Patient k's records all have age 20 + k (and differ in everything else), so a row's age names its patient.
    const rows = Array.from({ length: 240 }, (_, i) => [
      `MRN${i % 40}`,
      String(20 + (i % 40)),
      String(1 + (i % 3)),
      `visit ${i}`,
      String(150 + i),
      String(i % 2),
    ]);
    const d = await prepareDataset(header, rows, schema, { secret: SECRET });
    const ages = (s: DatasetSplit) =>
      new Set(Array.from({ length: s.n }, (_, i) => Math.round(s.x[i * s.d]! * 30 + 50)));
    const [train, test] = [ages(d.train), ages(d.test)];
    expect(train.size + test.size).toBe(40);
    for (const a of test) expect(train.has(a)).toBe(false);
  });

  it('is deterministic for a seed and varies with it', async () => {
    const rows = validRows(60);
    const a = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    const b = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    const c = await prepareDataset(SMALL_HEADER, rows, smallSchema(), { seed: 99 });
    expect(b).toEqual(a);
    expect(c.test.x).not.toEqual(a.test.x);
  });

  it('refuses a header with an undeclared column before reading any row', async () => {
    let pulled = 0;
    const rows = (function* () {
      pulled++;
      yield validRows(1)[0]!;
    })();
    const e = await caught(() => prepareDataset([...SMALL_HEADER, 'extra'], rows, smallSchema()));
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).toContain('"extra"');
    expect(pulled).toBe(0);
  });

  it('E_DATA_EMPTY when no row survives, naming reasons only', async () => {
    const e = await caught(() => prepareDataset(SMALL_HEADER, [[SENTINEL, '1', 'x', '1', '0']], smallSchema()));
    expect(e.code).toBe('E_DATA_EMPTY');
    expect(e.message).toContain('number:age');
    expect(e.message).not.toContain(SENTINEL);
    expect((await caught(() => prepareDataset(SMALL_HEADER, [], smallSchema()))).code).toBe('E_DATA_EMPTY');
  });

  it('E_DATA_EMPTY when the split leaves no training row', async () => {
    // This one record's keyed draw (seed 1, no secret) is below 0.9: it goes to test.
    const schema = { ...smallSchema(), split: { testFraction: 0.9, seed: 1 } };
    const e = await caught(() => prepareDataset(SMALL_HEADER, validRows(1), schema));
    expect(e.code).toBe('E_DATA_EMPTY');
    expect(e.message).toContain('all went to test');
  });
});
