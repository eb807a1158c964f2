import { describe, it, expect } from 'vitest';
import { prepareDataset } from '../../core/data/prepare.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { SMALL_HEADER, caught, smallSchema, validRows } from './fixtures.ts';

const SENTINEL = 'SENTINEL123';

function columnStats(s: DatasetSplit, j: number): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < s.n; i++) sum += s.x[i * s.d + j]!;
  const mean = sum / s.n;
  let ss = 0;
  for (let i = 0; i < s.n; i++) ss += (s.x[i * s.d + j]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / s.n) };
}

async function* asAsync<T>(xs: T[]): AsyncIterable<T> {
  for (const x of xs) yield x;
}

describe('prepareDataset', () => {
  it('drops and counts malformed rows by reason, uses the rest, never echoes a cell', async () => {
    const good = validRows(40);
    const bad = [
      ['40', '1', SENTINEL, '180'], // cells
      ['40', '1', 'x', '180', '0', SENTINEL], // cells
      [SENTINEL, '1', 'x', '180', '0'], // number:age
      ['abc', '1', 'x', '180', '0'], // number:age
      ['130', '1', 'x', '180', '0'], // range:age
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

  it('outputs row-major Float32 splits, 0/1 labels, train standardised to mean 0 and std 1', async () => {
    const d = await prepareDataset(SMALL_HEADER, validRows(80), smallSchema());
    for (const s of [d.train, d.test]) {
      expect(s.x).toBeInstanceOf(Float32Array);
      expect(s.x.length).toBe(s.n * s.d);
      expect(s.d).toBe(4);
      expect([...s.y].every((v) => v === 0 || v === 1)).toBe(true);
    }
    // 40 of each class, testFraction 0.25: 10 + 10 in test.
    expect(d.test.n).toBe(20);
    expect([...d.test.y].filter((v) => v === 1).length).toBe(10);
    for (let j = 0; j < d.train.d; j++) {
      const { mean, std } = columnStats(d.train, j);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(std).toBeCloseTo(1, 5);
    }
  });

  it('centres a column that is constant on train without scaling it', async () => {
    const rows = validRows(20).map((r) => [r[0]!, r[1]!, r[2]!, '200', r[4]!]);
    const d = await prepareDataset(SMALL_HEADER, rows, smallSchema());
    const chol = d.features.indexOf('chol');
    for (const s of [d.train, d.test]) for (let i = 0; i < s.n; i++) expect(s.x[i * s.d + chol]).toBe(0);
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
    const schema = { ...smallSchema(), split: { testFraction: 0.9, stratified: true, seed: 1 } };
    expect((await caught(() => prepareDataset(SMALL_HEADER, validRows(1), schema))).code).toBe('E_DATA_EMPTY');
  });
});
