/**
 * The daemon's image dataset (client/intake/image-dataset.ts): the label
 * layout follows the class count, and without declared splits each image's
 * side is a keyed hash of that image alone.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImagePreparedDataset } from '../../../client/intake/image-dataset.ts';
import { parseImageSchema } from '../../../core/data/image-schema.ts';
import type { DatasetSplit } from '../../../core/data/types.ts';
import { greyFolderSchemaInput, pngBytes } from '../../core/data/image-fixtures.ts';

const CLASSES = ['a', 'b', 'c'];

/** A folder of `n` distinct 4×4 grey images, class i % 3. */
function folder(n: number): string {
  const root = mkdtempSync(join(tmpdir(), 'cohort-image-dataset-'));
  for (const c of CLASSES) mkdirSync(join(root, c));
  for (let i = 0; i < n; i++)
    writeFileSync(
      join(root, CLASSES[i % 3]!, `${i}.png`),
      pngBytes(
        4,
        4,
        1,
        Array.from({ length: 16 }, (_, p) => (i * 7 + p * 13) % 256),
      ),
    );
  return root;
}

const schema = parseImageSchema(greyFolderSchemaInput({ id: 'three', classes: CLASSES }));

/** Each row of a split, by its pixels' digest. */
function rows(s: DatasetSplit): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < s.n; i++)
    out.add(
      createHash('sha256')
        .update(s.x.subarray(i * s.d, (i + 1) * s.d))
        .digest('hex'),
    );
  return out;
}

describe('readImagePreparedDataset', () => {
  it('makes three classes a multi-class label in schema order, under the default label name', async () => {
    const d = await readImagePreparedDataset(folder(30), schema);
    expect(d).toMatchObject({
      features: ['image'],
      label: 'label',
      labels: { kind: 'multiclass', classes: CLASSES },
      image: { height: 4, width: 4, channels: 1 },
    });
    expect(d.train.n + d.test.n).toBe(30);
  });

  it('splits per image: adding images moves none of the others; another secret is another split', async () => {
    const root = folder(60);
    const before = await readImagePreparedDataset(root, schema);
    writeFileSync(join(root, 'a', 'extra.png'), pngBytes(4, 4, 1, new Array<number>(16).fill(3)));
    const after = await readImagePreparedDataset(root, schema);
    const [trainBefore, trainAfter] = [rows(before.train), rows(after.train)];
    const [testBefore, testAfter] = [rows(before.test), rows(after.test)];
    expect(before.test.n).toBeGreaterThan(0);
    for (const r of trainBefore) expect(trainAfter.has(r)).toBe(true);
    for (const r of testBefore) expect(testAfter.has(r)).toBe(true);
    const keyed = await readImagePreparedDataset(root, schema, { secret: new Uint8Array(32).fill(9) });
    expect([...rows(keyed.test)].sort()).not.toEqual([...testAfter].sort());
  });
});
