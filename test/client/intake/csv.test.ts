import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadSchemaFile, readCsvDataset } from '../../../client/intake/csv.ts';
import { SMALL_HEADER, caught, smallSchema, smallSchemaInput, validRows } from '../../core/data/fixtures.ts';

const SENTINEL = 'SENTINEL123';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-intake-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

describe('readCsvDataset', () => {
  it('streams a file: header, trimmed cells, blank lines skipped, short and long rows counted', async () => {
    const rows = validRows(30).map((r) => r.map((c) => ` ${c} `));
    const text =
      csv([SMALL_HEADER, ...rows.slice(0, 10)]) +
      '\n\n' +
      csv([['1', '2'], ['40', '1', 'x', '180', '0', SENTINEL], ...rows.slice(10)]);
    const d = await readCsvDataset(file('ok.csv', text), smallSchema());
    expect(d.report).toMatchObject({ rowsRead: 32, rowsUsed: 30, rowsDropped: { cells: 2 }, recordsRejected: {} });
    expect(d.train.n + d.test.n).toBe(30);
  });

  it('matches prepareDataset on the same rows, and honours a seed override', async () => {
    const p = file('seed.csv', csv([SMALL_HEADER, ...validRows(40)]));
    const a = await readCsvDataset(p, smallSchema());
    const b = await readCsvDataset(p, smallSchema(), { seed: 5 });
    expect(await readCsvDataset(p, smallSchema())).toEqual(a);
    expect(b.test.x).not.toEqual(a.test.x);
  });

  it('rejects and counts a record over the size limit, uses the rest, never quotes it', async () => {
    const p = file(
      'big.csv',
      csv([SMALL_HEADER, ...validRows(5), ['40', '1', SENTINEL.repeat(200), '180', '0'], ...validRows(5)]),
    );
    const d = await readCsvDataset(p, smallSchema(), { maxRecordSize: 1000 });
    expect(d.report).toMatchObject({ rowsRead: 10, rowsUsed: 10, recordsRejected: { 'csv:oversize': 1 } });
    expect(JSON.stringify(d.report)).not.toContain(SENTINEL);
    // The same file is whole under the default 1 MiB limit.
    expect((await readCsvDataset(p, smallSchema())).report).toMatchObject({ rowsUsed: 11, recordsRejected: {} });
  });

  it('cuts out a multi-megabyte line (quoted newlines inside) streamed in small chunks, memory bounded by the limit', async () => {
    const huge = `40,1,"${'x'.repeat(1 << 20)}\n${SENTINEL.repeat(300_000)}",180,0\n`; // ~4.3 MB record
    async function* source() {
      yield Buffer.from(csv([SMALL_HEADER, ...validRows(20)]));
      const b = Buffer.from(huge);
      for (let i = 0; i < b.length; i += 65_536) yield b.subarray(i, i + 65_536);
      yield Buffer.from(csv(validRows(20)));
    }
    const d = await readCsvDataset(Readable.from(source()), smallSchema(), { maxRecordSize: 64 * 1024 });
    expect(d.report).toMatchObject({ rowsRead: 40, rowsUsed: 40, recordsRejected: { 'csv:oversize': 1 } });
  });

  it('refuses broken quoting without quoting the record', async () => {
    const p = file('quote.csv', csv([SMALL_HEADER, ...validRows(3)]) + `40,1,"${SENTINEL}"x,180,0\n`);
    const e = await caught(() => readCsvDataset(p, smallSchema()));
    expect(e.code).toBe('E_DATA_ROW');
    expect(e.message).not.toContain(SENTINEL);
    expect(e.message).not.toMatch(/got "x"/);
  });

  it('refuses a file whose stray quote never closes, even when the rest is far past the record limit (it is not silently cut short)', async () => {
    // A stray quote on row 4 of 20,000 (5'10" in an unquoted cell) would make the rest one oversized record.
    const rows = validRows(20_000);
    const p = file(
      'stray.csv',
      csv([SMALL_HEADER, ...rows.slice(0, 3), ['40', '1', `5'10${'"'} ${SENTINEL}`, '180', '0'], ...rows.slice(3)]),
    );
    const e = await caught(() => readCsvDataset(p, smallSchema(), { maxRecordSize: 64 * 1024 }));
    expect(e.code).toBe('E_DATA_ROW');
    expect(e.message).toMatch(/record 5 never closes/);
    expect(e.message).not.toContain(SENTINEL);
  });

  it('E_DATA_COLUMNS for an undeclared column, E_DATA_EMPTY for an empty file', async () => {
    const e = await caught(() =>
      readCsvDataset(
        file('extra.csv', csv([[...SMALL_HEADER, 'mrn'], ...validRows(3).map((r) => [...r, '1'])])),
        smallSchema(),
      ),
    );
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).toContain('"mrn"');
    expect((await caught(() => readCsvDataset(file('empty.csv', ''), smallSchema()))).code).toBe('E_DATA_EMPTY');
  });

  it('rejects (does not hang) on a missing file', async () => {
    const e = await caught(() => readCsvDataset(join(dir, 'absent.csv'), smallSchema()));
    expect(e.code).toBe('E_DATA_FILE');
    expect(e.message).toMatch(/cannot be read \(ENOENT\)/);
  });
});

describe('loadSchemaFile', () => {
  it('reads and validates a schema', async () => {
    const s = await loadSchemaFile(file('schema.json', JSON.stringify(smallSchemaInput())));
    expect(s).toEqual(smallSchema());
  });

  it('E_SCHEMA_INVALID for bad JSON (without quoting it) and for an invalid schema', async () => {
    const bad = await caught(() => loadSchemaFile(file('bad.json', `${SENTINEL},63,1\n`)));
    expect(bad.code).toBe('E_SCHEMA_INVALID');
    expect(bad.message).not.toContain(SENTINEL);
    const invalid = await caught(() =>
      loadSchemaFile(file('invalid.json', JSON.stringify({ ...smallSchemaInput(), columns: [] }))),
    );
    expect(invalid.code).toBe('E_SCHEMA_INVALID');
    expect(invalid.message).toContain('"columns"');
  });
});
