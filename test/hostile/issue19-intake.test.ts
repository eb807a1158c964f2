/**
 * Issue 19's intake under attack: a hospital export that is hostile (or just
 * broken) must cost counted rejections, bounded in memory and time, and no
 * record value (a FHIR field, a file name that is a patient's name) may reach
 * an error message. The DICOM half is test/hostile/issue19-dicom.test.ts.
 */
import { describe, it, expect, vi } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { readFhirBundle, readFhirNdjson } from '../../client/intake/fhir.ts';
import { syntheaExportsForFile } from '../helpers/synthea-exports.ts';
import { encodeRow, planColumns } from '../../core/data/encode.ts';
import { FhirTable } from '../../core/data/fhir-table.ts';
import { parseDatasetSchema } from '../../core/data/schema.ts';
import { caught, FHIR_AGE_COLUMN, fhirSchemaInput } from '../core/data/fixtures.ts';

/** A file whose name marks it as one the operating system refuses to open (as root, chmod cannot). */
const LOCKED = 'Reichel38_Kristeen750_';

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = (path, ...rest) =>
    String(path).includes(LOCKED)
      ? Promise.reject(
          Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' }),
        )
      : fs.open(path, ...rest);
  return { ...fs, default: { ...fs, open }, open };
});
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((path: string, ...rest: unknown[]) => {
    if (!String(path).includes(LOCKED)) return (fs.createReadStream as (...a: unknown[]) => unknown)(path, ...rest);
    const s = new PassThrough();
    queueMicrotask(() =>
      s.destroy(Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' })),
    );
    return s;
  }) as typeof fs.createReadStream;
  return { ...fs, default: { ...fs, createReadStream }, createReadStream };
});

const SECRET = new Uint8Array(32).fill(7);
const N = 60;
const {
  dir,
  schema,
  at: { bundles, ndjson },
  folderWith,
} = await syntheaExportsForFile('cohort-hostile-19-', N, 19, ['bundles', 'ndjson']);

const bundle = (entries: string) => `{"resourceType":"Bundle","type":"collection","entry":[${entries}]}`;
const opts = { secret: SECRET, seed: 1 };

describe('issue 19 intake: a file name that is a patient name never reaches an error', () => {
  it('a Bundle folder file that cannot be opened is named by its place in name order, not its name', async () => {
    const name = `${LOCKED}6f1c2d3e-0000-4000-8000-000000000001.json`;
    const d = folderWith('locked-bundles', bundles, { [name]: bundle('') });
    const e = await caught(() => readFhirBundle(d, schema, opts));
    expect(e.code).toBe('E_DATA_FILE');
    expect(e.message).not.toContain('Reichel');
    expect(e.message).not.toContain('Kristeen');
    const place = [...readdirSync(d)].sort().indexOf(name) + 1;
    expect(e.message).toContain(`.json file ${place} of ${N + 1} in name order`);
    expect(e.message).toContain('EACCES');
    expect(e.message).toContain(`| sed -n ${place}p`); // how the operator finds it
  });

  it('an NDJSON folder file that cannot be read is a typed error naming its place, not its name', async () => {
    const d = folderWith('locked-ndjson', ndjson, { [`${LOCKED}Observation.ndjson`]: '{}\n' });
    const e = await caught(() => readFhirNdjson(d, schema, opts));
    expect(e.code).toBe('E_DATA_FILE');
    expect(e.message).not.toContain('Reichel');
    expect(e.message).toMatch(/\.ndjson file \d+ of \d+ in name order/);
  });
});

describe('issue 19 intake: maxRejectedFraction over a folder of Bundles counts files', () => {
  it('a folder where a fifth of the per-patient files are cut short is refused, naming the count of files', async () => {
    const cut: Record<string, string> = {};
    const names = readdirSync(bundles).sort();
    // Each a patient's whole Bundle cut at its last third: a Patient and some resources kept, the file refused.
    for (const f of names.slice(0, N / 5)) {
      const text = readFileSync(join(bundles, f), 'utf8');
      cut[`cut-${f}`] = text.slice(0, Math.floor(text.length / 3));
    }
    const d = folderWith('cut-bundles', bundles, cut);
    const e = await caught(() => readFhirBundle(d, schema, opts));
    expect(e.code).toBe('E_DATA_UNTRAINABLE');
    expect(e.message).toContain(`refused ${N / 5} of ${N + N / 5} files`);
    expect(e.message).toContain('fhir:bundle-json');
  });

  it('one cut-short file among many is counted, not refused', async () => {
    const f = readdirSync(bundles).sort()[0]!;
    const text = readFileSync(join(bundles, f), 'utf8');
    const d = folderWith('one-cut', bundles, { [`cut-${f}`]: text.slice(0, text.length >> 1) });
    const r = await readFhirBundle(d, schema, opts);
    expect(r.report.recordsRejected['fhir:bundle-json']).toBe(1);
  });
});

describe('issue 19 intake: hostile FHIR bytes cost counted rejections', () => {
  it('deep nesting, huge numbers and __proto__/constructor keys in Bundle entries: counted, no pollution', async () => {
    // Nesting within the tokenizer's depth bound (1024) is built without recursion ...
    const nested = `${'['.repeat(900)}${']'.repeat(900)}`;
    // ... and past it the file is one counted rejection.
    const tooDeep = bundle(`{"resource":{"resourceType":"Patient","id":"deep-2","extension":${'['.repeat(200_000)}}}`);
    const hostile = bundle(
      [
        `{"resource":{"resourceType":"Observation","extension":${nested}}}`,
        `{"resource":{"resourceType":"Patient","id":"deep-1","extension":${nested}}}`,
        `{"resource":{"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":1e999999,"unit":"mm[Hg]"},"subject":{"reference":"Patient/deep-1"}}}`,
        `{"resource":{"resourceType":"Observation","valueQuantity":{"value":${'9'.repeat(100_000)}}}}`,
        `{"resource":{"resourceType":"Patient","id":"proto-1","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}`,
        `{"__proto__":{"resourceType":"Patient","id":"proto-2"},"resource":{"resourceType":"constructor"}}`,
      ].join(','),
    );
    const d = folderWith('hostile-entries', bundles, { 'zz-hostile.json': hostile, 'zz-too-deep.json': tooDeep });
    const r = await readFhirBundle(d, schema, opts);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // Both Patients read (nesting is built without recursion); the two uncoded Observations are rejected by code.
    expect(r.report.rowsRead).toBe(N + 2);
    expect(r.report.recordsRejected['fhir:code']).toBeGreaterThanOrEqual(2);
    expect(r.report.recordsRejected['fhir:bundle-json']).toBe(1);
    expect(r.report.recordsIgnored?.['other-resource-type']).toBeGreaterThanOrEqual(1);
  });

  it('a Bundle of 10^6 tiny entries is read through and refused by its rejection count, not by a crash', async () => {
    const tiny = bundle(new Array(1_000_000).fill('{}').join(','));
    const d = folderWith('tiny-entries', bundles, { 'zz-tiny.json': tiny });
    const e = await caught(() => readFhirBundle(d, schema, opts));
    expect(e.code).toBe('E_DATA_UNTRAINABLE');
    expect(e.message).toContain('fhir:resource-type 1000000');
  });

  it('a Bundle of Bundles: the inner Bundles are counted as not read, their Patients never added', async () => {
    const inner = bundle(`{"resource":{"resourceType":"Patient","id":"inner-1"}}`);
    const d = folderWith('nested-bundles', bundles, { 'zz-outer.json': bundle(`{"resource":${inner}}`) });
    const r = await readFhirBundle(d, schema, opts);
    expect(r.report.rowsRead).toBe(N);
    expect(r.report.recordsIgnored?.['other-resource-type']).toBeGreaterThanOrEqual(1);
  });

  it('NDJSON with a byte-order mark and CRLF line ends reads as the plain export; UTF-16 is refused by a typed error', async () => {
    const plain = await readFhirNdjson(ndjson, schema, opts);
    const crlf: Record<string, string> = {};
    for (const f of readdirSync(ndjson))
      crlf[f] = `\ufeff${readFileSync(join(ndjson, f), 'utf8').replace(/\n/g, '\r\n')}`;
    const d = join(dir, 'crlf');
    mkdirSync(d);
    for (const [f, t] of Object.entries(crlf)) writeFileSync(join(d, f), t);
    const r = await readFhirNdjson(d, schema, opts);
    expect(r.report.rowsUsed).toBe(plain.report.rowsUsed);
    expect(r.report.recordsRejected).toEqual(plain.report.recordsRejected);

    const u = join(dir, 'utf16');
    mkdirSync(u);
    for (const [f, t] of Object.entries(crlf)) writeFileSync(join(u, f), Buffer.from(t, 'utf16le'));
    const e = await caught(() => readFhirNdjson(u, schema, opts));
    expect(['E_DATA_EMPTY', 'E_DATA_UNTRAINABLE']).toContain(e.code);
  });

  it('a Bundle with a byte-order mark and CRLF line ends is read', async () => {
    const f = readdirSync(bundles).sort()[0]!;
    const text = `\ufeff${readFileSync(join(bundles, f), 'utf8').replace(/\n/g, '\r\n')}`;
    const d = folderWith('bom-bundle', bundles, { [`bom-${f}`]: text });
    const r = await readFhirBundle(d, schema, opts);
    expect(r.report.recordsRejected['fhir:bundle-json'] ?? 0).toBe(0);
    expect(r.report.recordsRejected['fhir:duplicate-patient']).toBe(1);
  });
});

describe('issue 19 intake: age at death on a leap day, across time zones', () => {
  const ageSchema = parseDatasetSchema(fhirSchemaInput('age', [FHIR_AGE_COLUMN], '59621000'));
  /** The age band of a Patient born on 29 February 1960 who died at `death` (a FHIR dateTime). */
  const band = (death: string) => {
    const t = new FhirTable(ageSchema);
    t.add({ resourceType: 'Patient', id: 'p', birthDate: '1960-02-29', deceasedDateTime: death });
    const r = encodeRow([...t.rows()][0]!, planColumns(['id', 'age', 'y'], ageSchema));
    return r.ok ? r.quasi : r.reason;
  };

  it('the death is dated where it was recorded (the local date), and a leap-day birthday comes on 29 February', () => {
    // 00:30 on 29 February 2000 at +14:00 is still 28 February in UTC: the local date is the one recorded, 40 that day.
    expect(band('2000-02-29T00:30:00+14:00')).toBe('40-49');
    expect(band('2000-02-28T23:30:00-10:00')).toBe('30-39');
    // In a year without 29 February, the birthday is not reached until 1 March.
    expect(band('1990-02-28T12:00:00Z')).toBe('20-29');
    expect(band('1990-03-01T00:30:00+14:00')).toBe('30-39');
    expect(band('2000-02-30T00:00:00Z')).toBe('date:age');
  });
});
