import { describe, it, expect } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guessFormat, readDataset } from '../../../client/intake/index.ts';
import { readFhirBundle } from '../../../client/intake/fhir.ts';
import { listFhirFolder } from '../../../client/intake/fhir-folder.ts';
import { syntheaExportsForFile } from '../../helpers/synthea-exports.ts';
import type { PreparedDataset } from '../../../core/data/types.ts';
import { caught } from '../../core/data/fixtures.ts';

const SECRET = new Uint8Array(32).fill(5);
const N = 150;
const {
  dir,
  schema,
  at: { bundles, ndjson, bundle: one },
  folderWith,
} = await syntheaExportsForFile('cohort-fhir-folder-', N, 11, ['bundles', 'ndjson', 'bundle']);

/** Every row (features and label) of a prepared dataset, in a canonical order: files are read in name order, not the order the patients were made. */
function rowSet(d: PreparedDataset): string[] {
  const f = d.features.length;
  const rows: string[] = [];
  for (const part of [d.train, d.test])
    for (let i = 0; i < part.y.length; i++)
      rows.push(`${[...part.x.subarray(i * f, (i + 1) * f)].join(',')}|${part.y[i]}`);
  return rows.sort();
}

const sameRows = (a: PreparedDataset, b: PreparedDataset) => {
  expect(a.features).toEqual(b.features);
  expect(a.report.rowsUsed).toBe(b.report.rowsUsed);
  expect(rowSet(a)).toEqual(rowSet(b));
};

describe('FHIR folders: one Bundle per patient (Synthea) and NDJSON exports', () => {
  it('a folder of per-patient transaction Bundles reads the same rows as the NDJSON export and as one Bundle', async () => {
    expect(readdirSync(bundles)).toHaveLength(N);
    expect(await guessFormat(bundles)).toBe('fhir-bundle');
    expect(await guessFormat(ndjson)).toBe('fhir-ndjson');
    const b = await readDataset(bundles, schema, { secret: SECRET });
    const n = await readDataset(ndjson, schema, { secret: SECRET });
    const o = await readDataset(join(one, 'bundle.json'), schema, { secret: SECRET });
    expect(b.report.rowsUsed).toBeGreaterThan(N / 2);
    expect(b.report.recordsRejected).toEqual({});
    sameRows(b, n);
    sameRows(b, o);
    // Blood pressure comes from the panels' components: not one imputed value for all.
    const sbp = b.features.indexOf('sbp');
    expect(new Set(b.train.x.filter((_, k) => k % b.features.length === sbp)).size).toBeGreaterThan(10);
  });

  it('entries before resourceType, a searchset of match and include entries: same rows', async () => {
    const reorder = join(dir, 'reordered');
    mkdirSync(reorder);
    for (const [i, f] of readdirSync(bundles).sort().entries()) {
      const bundle = JSON.parse(readFileSync(join(bundles, f), 'utf8')) as { entry: { search?: unknown }[] };
      if (i % 2 === 0)
        writeFileSync(
          join(reorder, f),
          JSON.stringify({ entry: bundle.entry, type: 'transaction', resourceType: 'Bundle' }),
        );
      else {
        bundle.entry.forEach((e, k) => (e.search = { mode: k === 0 ? 'match' : 'include' }));
        writeFileSync(
          join(reorder, f),
          JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: bundle.entry }),
        );
      }
    }
    sameRows(
      await readFhirBundle(reorder, schema, { secret: SECRET }),
      await readFhirBundle(bundles, schema, { secret: SECRET }),
    );
  });

  it('a broken, cut, foreign or oversized file in a folder is one counted rejection by reason, and the rest is read', async () => {
    const names = readdirSync(bundles).sort();
    const victim = readFileSync(join(bundles, names[0]!), 'utf8');
    const d = folderWith('broken', bundles, {
      'a-not-json.json': 'SENTINEL-NAME,Doe\n',
      'b-cut.json':
        '{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Pa',
      'c-batch-response.json': JSON.stringify({ resourceType: 'Bundle', type: 'batch-response', entry: [] }),
      'd-patient.json': JSON.stringify({ resourceType: 'Patient', id: 'x', name: [{ family: 'SENTINEL-NAME' }] }),
      'e-empty.json': '',
    });
    // One patient's file with a note over the entry cap in its first Observation.
    writeFileSync(
      join(d, names[0]!),
      victim.replace(
        '"resourceType":"Observation",',
        `"resourceType":"Observation","note":[{"text":"${'z'.repeat(70_000)}"}],`,
      ),
    );
    const r = await readFhirBundle(d, schema, { secret: SECRET, maxEntryBytes: 64 * 1024 });
    expect(r.report.recordsRejected).toEqual({
      'fhir:bundle-json': 3,
      'fhir:bundle-type': 2,
      'fhir:entry-too-large': 1,
    });
    const whole = await readFhirBundle(bundles, schema, { secret: SECRET });
    expect(r.report.rowsUsed).toBe(whole.report.rowsUsed);
    expect(JSON.stringify(r.report)).not.toContain('SENTINEL');
  });

  it('format detection: a folder with both kinds or neither, and explicit formats that do not fit, are typed errors saying what was found', async () => {
    const both = folderWith('both', bundles, { 'Patient.ndjson': '{}\n' });
    const neither = join(dir, 'neither');
    mkdirSync(neither);
    writeFileSync(join(neither, 'notes.txt'), 'SENTINEL');
    for (const [path, format] of [
      [both, undefined],
      [neither, undefined],
      [neither, 'fhir-bundle'],
      [neither, 'fhir-ndjson'],
      [bundles, 'fhir-ndjson'],
      [ndjson, 'fhir-bundle'],
      [bundles, 'csv'],
    ] as const) {
      const e = await caught(() => readDataset(path, schema, { secret: SECRET, ...(format ? { format } : {}) }));
      expect(e.code, `${path} as ${format}`).toBe('E_DATA_FILE');
      expect(e.message).not.toMatch(/valid JSON|SENTINEL/);
    }
    expect((await caught(() => guessFormat(both))).message).toContain(`${N} .json, 1 .ndjson`);
    expect((await caught(() => readDataset(bundles, schema, { format: 'fhir-ndjson' }))).message).toContain(
      '--format fhir-bundle',
    );
    // Named explicitly, each kind of a mixed folder is read.
    sameRows(
      await readDataset(both, schema, { secret: SECRET, format: 'fhir-bundle' }),
      await readDataset(bundles, schema, { secret: SECRET }),
    );
    // One file that is not a Bundle is refused outright, naming the file, never its content.
    const lone = join(dir, 'lone.json');
    writeFileSync(lone, '{"resourceType":"Patient","name":"SENTINEL"}');
    const e = await caught(() => readFhirBundle(lone, schema));
    expect(e.code).toBe('E_DATA_FILE');
    expect(e.message).not.toContain('SENTINEL');
  });

  it('a folder is listed in name order, links to files included, and refused past its file cap', async () => {
    const links = join(dir, 'links');
    mkdirSync(links);
    const names = readdirSync(bundles);
    for (const f of names) symlinkSync(join(bundles, f), join(links, f));
    mkdirSync(join(links, 'sub.json'));
    const l = await listFhirFolder(links);
    expect(l.json.map((p) => p.slice(links.length + 1))).toEqual([...names].sort());
    expect(l.other).toBe(1);
    expect((await caught(() => listFhirFolder(bundles, N - 1))).code).toBe('E_DATA_FILE');
    expect((await listFhirFolder(bundles, N)).json).toHaveLength(N);
  });
});
