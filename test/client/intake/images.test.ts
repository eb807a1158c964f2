import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadImageSchemaFile, readImageDataset } from '../../../client/intake/images.ts';
import { classCounts, formatImageInspect } from '../../../client/intake/images-inspect.ts';
import { loadAnySchemaFile } from '../../../client/intake/index.ts';
import { parseImageSchema, type ImageSchemaInput } from '../../../core/data/image-schema.ts';
import { CohortError } from '../../../core/errors.ts';
import { greyFolderSchemaInput, hugePngHeader, jpegBytes, pngBytes, ramp } from '../../core/data/image-fixtures.ts';

const DATA = join(import.meta.dirname, '../../../simulations/data/pneumoniamnist');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-images-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function put(rel: string, bytes: Uint8Array | string): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return p;
}

// The fixtures hold more refused files than a real export may (maxRejectedFraction is tested in test/hostile).
const schema = (patch: Partial<ImageSchemaInput> = {}) =>
  parseImageSchema(greyFolderSchemaInput({ limits: { maxFileBytes: 1024 }, maxRejectedFraction: 1, ...patch }));

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof CohortError ? e.code : String(e);
  }
  return undefined;
}

describe('readImageDataset: ImageFolder', () => {
  const grey = ramp(16, 255, 1);
  const rgb = ramp(48, 255, 2);
  const deep = ramp(16, 65535, 3);

  beforeAll(() => {
    put('folder/normal/grey.png', pngBytes(4, 4, 1, grey));
    put('folder/normal/rgb.png', pngBytes(4, 4, 3, rgb));
    put('folder/normal/deep.png', pngBytes(4, 4, 1, deep, 16));
    const jpg = put('folder/normal/photo.jpg', jpegBytes(8, 8, ramp(192, 255, 4), 90));
    expect(readFileSync(jpg).length).toBeLessThan(1024);
    const big = put('folder/normal/big.png', pngBytes(128, 128, 1, ramp(16384, 251, 5)));
    expect(readFileSync(big).length).toBeGreaterThan(1024);
    const ok = pngBytes(4, 4, 1, grey);
    put('folder/normal/corrupt.png', ok.subarray(0, ok.length - 16));
    put('folder/normal/huge.png', hugePngHeader(100_000, 100_000));
    put('folder/normal/fake.png', 'name,age\nAlice,42\n');
    put('folder/normal/notes.txt', 'not an image');
    put('folder/normal/.DS_Store', 'finder');
    put('folder/normal/sub/deeper.png', ok);
    put('folder/stray.png', ok);
    put('folder/covid/x.png', ok);
    put('folder/pneumonia/p.png', pngBytes(4, 4, 1, new Array<number>(16).fill(255)));
    put('outside/secret.png', ok);
    symlinkSync(join(dir, 'outside/secret.png'), join(dir, 'folder/normal/link.png'));
  });

  it('reads grey, RGB, 16-bit PNG and JPEG; counts every other file by reason', async () => {
    const d = await readImageDataset(join(dir, 'folder'), schema());
    const all = d.splits['all']!;
    expect(Object.keys(d.splits)).toEqual(['all']);
    expect([all.n, all.d]).toEqual([5, 16]);
    // Sorted by path: deep, grey, photo, rgb (normal), then p (pneumonia).
    expect([...all.y]).toEqual([0, 0, 0, 0, 1]);
    const row = (i: number) => [...all.x.subarray(i * 16, (i + 1) * 16)];
    expect(row(0)).toEqual(deep.map((v) => Math.fround(v / 65535)));
    expect(row(1)).toEqual(grey.map((v) => Math.fround(v / 255)));
    const luma = (i: number) => (0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!) / 255;
    row(3).forEach((v, i) => expect(v).toBeCloseTo(luma(i), 6));
    expect(row(4)).toEqual(new Array<number>(16).fill(1));
    expect(d.report.recordsRejected).toEqual({
      'image:decode': 1,
      'image:too-large': 1,
      'image:format': 1,
      'image:file-too-large': 1,
      'image:symlink': 1,
      'image:label-unknown': 1,
    });
    expect(d.report.recordsIgnored).toEqual({ 'image:not-image-name': 1, 'image:hidden': 1, 'image:layout': 2 });
    expect([d.report.rowsRead, d.report.rowsUsed]).toEqual([11, 5]);
    // Counts only: no file or folder name leaks into the report.
    expect(JSON.stringify(d.report)).not.toMatch(/grey\.png|photo|secret|covid|stray|fake/);
  });

  it('converts to 3 channels by replication and applies mean/std exactly', async () => {
    const d = await readImageDataset(
      join(dir, 'folder'),
      schema({ channels: 3, normalise: { kind: 'mean-std', mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 2], source: 't' } }),
    );
    const x = d.splits['all']!.x.subarray(16 * 3, 32 * 3); // grey.png
    const mean = [0.1, 0.2, 0.3];
    const std = [0.5, 0.25, 2];
    expect([...x]).toEqual(
      [...x].map((_, i) => Math.fround((Math.fround(grey[Math.floor(i / 3)]! / 255) - mean[i % 3]!) / std[i % 3]!)),
    );
  });

  it('resizes to the declared size and enforces the schema limits', async () => {
    const d = await readImageDataset(
      join(dir, 'folder'),
      schema({ size: [2, 3], limits: { maxFileBytes: 1024, maxPixels: 16 } }),
    );
    expect(d.splits['all']!.d).toBe(6);
    // The 8 x 8 JPEG is now over 16 pixels.
    expect(d.report.recordsRejected['image:too-large']).toBe(2);
    expect(await code(readImageDataset(join(dir, 'folder'), schema({ limits: { maxImages: 5 } })))).toBe('E_DATA_FILE');
    expect(await code(readImageDataset(join(dir, 'nowhere'), schema()))).toBe('E_DATA_FILE');
    put('only-bad/normal/bad.png', 'not a png');
    expect(await code(readImageDataset(join(dir, 'only-bad'), schema()))).toBe('E_DATA_EMPTY');
  });

  it('reads <root>/<split>/<label>/ when splits are declared, refusing undeclared splits', async () => {
    const ok = pngBytes(4, 4, 1, ramp(16));
    put('split/train/normal/a.png', ok);
    put('split/train/pneumonia/b.png', ok);
    put('split/test/NORMAL/c.png', ok);
    put('split/holdout/normal/d.png', ok);
    const d = await readImageDataset(
      join(dir, 'split'),
      schema({ splits: ['train', 'test'], labels: { NORMAL: 'normal' } }),
    );
    expect(Object.fromEntries(Object.entries(d.splits).map(([k, s]) => [k, [...s.y]]))).toEqual({
      test: [0],
      train: [0, 1],
    });
    expect(d.report.recordsRejected).toEqual({ 'image:split-unknown': 1 });
  });
});

describe('readImageDataset: CSV manifest', () => {
  const manifestSchema = (patch: Partial<ImageSchemaInput> = {}) =>
    schema({
      source: { layout: 'manifest', pathColumn: 'file', labelColumn: 'label', splitColumn: 'split' },
      splits: ['train', 'test'],
      ...patch,
    });

  beforeAll(() => {
    const ok = pngBytes(4, 4, 1, ramp(16));
    put('m/imgs/a.png', ok);
    put('m/imgs/b.jpg', jpegBytes(4, 4, ramp(48), 90));
    put('outside.png', ok);
    symlinkSync(join(dir, 'outside.png'), join(dir, 'm/imgs/escape.png'));
    put(
      'm/manifest.csv',
      [
        'split,file,label',
        'train,imgs/a.png,normal',
        'test,imgs/b.jpg,pneumonia',
        'train,../outside.png,normal',
        `train,${join(dir, 'outside.png')},normal`,
        'train,imgs\\..\\..\\outside.png,normal',
        'train,imgs/escape.png,normal',
        'train,imgs/missing.png,normal',
        'train,imgs/a.png,covid',
        'holdout,imgs/a.png,normal',
        'train,imgs/a.png',
        'train,notes.txt,normal',
        `train,imgs/${'x'.repeat(20_000)}.png,normal`,
      ].join('\r\n'),
    );
  });

  it('reads listed images relative to the manifest, refusing escapes and counting every row by reason', async () => {
    const d = await readImageDataset(join(dir, 'm/manifest.csv'), manifestSchema());
    expect(Object.fromEntries(Object.entries(d.splits).map(([k, s]) => [k, [...s.y]]))).toEqual({
      train: [0],
      test: [1],
    });
    expect(d.report.recordsRejected).toEqual({
      'image:path': 4,
      'image:missing': 1,
      'image:label-unknown': 1,
      'image:split-unknown': 1,
      'manifest:cells': 1,
      'csv:oversize': 1,
    });
    expect(d.report.recordsIgnored).toEqual({ 'image:not-image-name': 1 });
    expect(JSON.stringify(d.report)).not.toMatch(/outside|escape|missing\.png/);
  });

  it('refuses a manifest without the declared columns, or a missing manifest', async () => {
    put('m2/manifest.csv', 'path,label\nimgs/a.png,normal\n');
    expect(await code(readImageDataset(join(dir, 'm2/manifest.csv'), manifestSchema()))).toBe('E_DATA_COLUMNS');
    expect(await code(readImageDataset(join(dir, 'm2/none.csv'), manifestSchema()))).toBe('E_DATA_FILE');
    expect(await code(readImageDataset('/dev/zero', manifestSchema()))).toBe('E_DATA_FILE');
  });
});

describe('PneumoniaMNIST (simulations/data/pneumoniamnist)', () => {
  it('reads all 5,856 images from the folder layout with no rejection, in the published counts', async () => {
    const { kind, schema: s } = await loadAnySchemaFile(join(DATA, 'schema.json'));
    expect(kind).toBe('images');
    const d = await readImageDataset(DATA, s as never);
    expect(d.report.rowsUsed).toBe(5856);
    expect(d.report.recordsRejected).toEqual({});
    expect(classCounts(d)).toEqual({ train: [1214, 3494], val: [135, 389], test: [234, 390] });
    const text = formatImageInspect(d);
    expect(text).toContain('5856 images read, 5856 used');
    expect(text).toContain('images rejected: none');
  });

  it("reads the manifest layout and every image's pixels hash to the manifest's SHA-256 prefix", async () => {
    const s = await loadImageSchemaFile(join(DATA, 'manifest-schema.json'));
    const d = await readImageDataset(join(DATA, 'manifest.csv'), s);
    expect(d.report.rowsUsed).toBe(5856);
    expect(d.report.recordsRejected).toEqual({});
    const rows = readFileSync(join(DATA, 'manifest.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    const at: Record<string, number> = {};
    for (const r of rows) {
      const [, split, , hash] = r.split(',');
      const i = (at[split!] = (at[split!] ?? -1) + 1);
      const x = d.splits[split!]!.x.subarray(i * 784, (i + 1) * 784);
      // Invert the declared normalisation (v / 255 - 0.5) / 0.5 back to the 8-bit pixels.
      const px = Uint8Array.from(x, (v) => Math.round((v * 0.5 + 0.5) * 255));
      expect(createHash('sha256').update(px).digest('hex').slice(0, 16)).toBe(hash);
    }
  });
});
