import { describe, expect, it } from 'vitest';
import {
  classIndexOf,
  imageLimits,
  IMAGE_LIMIT_DEFAULTS,
  isImageSchemaDocument,
  parseImageSchema,
  type ImageSchemaInput,
} from '../../../core/data/image-schema.ts';
import { CohortError } from '../../../core/errors.ts';
import { greyFolderSchemaInput } from './image-fixtures.ts';
import { imageSplit } from '../../../core/data/image-split.ts';

const base: ImageSchemaInput = greyFolderSchemaInput({ size: [28, 28] });

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CohortError ? e.code : 'other';
  }
  return undefined;
}

describe('parseImageSchema', () => {
  it('accepts a folder schema and fills the defaults', () => {
    const s = parseImageSchema(base);
    expect(s.labels).toEqual({});
    expect(imageLimits(s)).toEqual(IMAGE_LIMIT_DEFAULTS);
    expect(imageLimits(parseImageSchema({ ...base, limits: { maxPixels: 1000 } })).maxPixels).toBe(1000);
    expect(isImageSchemaDocument(base)).toBe(true);
    expect(isImageSchemaDocument({ id: 'table', columns: [] })).toBe(false);
  });

  it.each<[string, Partial<ImageSchemaInput> & Record<string, unknown>]>([
    ['mean per channel', { normalise: { kind: 'mean-std', mean: [0.5, 0.5], std: [0.5], source: 'x' } }],
    ['std positive', { normalise: { kind: 'mean-std', mean: [0.5], std: [0], source: 'x' } }],
    ['public source named', { normalise: { kind: 'mean-std', mean: [0.5], std: [0.5] } as never }],
    ['one class', { classes: ['a'] }],
    ['repeated class', { classes: ['a', 'a'] }],
    ['label to an undeclared class', { labels: { NORMAL: 'healthy' } }],
    ['size too large', { size: [4096, 28] }],
    ['channels 2', { channels: 2 as never }],
    ['class with a slash', { classes: ['a/b', 'c'] }],
    ['unknown field', { resize: 'nearest' }],
    // The label is offered on the wire in the daemon's Hello: refused here, not by the coordinator at connect.
    ['a label with a bidi override', { label: 'find\u202eing' }],
    [
      'split column without split names',
      { source: { layout: 'manifest', pathColumn: 'f', labelColumn: 'l', splitColumn: 's' } },
    ],
    [
      'split names without a split column',
      { source: { layout: 'manifest', pathColumn: 'f', labelColumn: 'l' }, splits: ['train'] },
    ],
  ])('refuses %s (E_SCHEMA_INVALID)', (_, patch) => {
    expect(code(() => parseImageSchema({ ...base, ...patch }))).toBe('E_SCHEMA_INVALID');
  });

  it('maps folder names to class indices through labels, class names to themselves', () => {
    const s = parseImageSchema({ ...base, labels: { NORMAL: 'normal', PNEUMONIA: 'pneumonia' } });
    expect(classIndexOf(s, 'NORMAL')).toBe(0);
    expect(classIndexOf(s, 'PNEUMONIA')).toBe(1);
    expect(classIndexOf(s, 'pneumonia')).toBe(1);
    expect(classIndexOf(s, 'covid')).toBeUndefined();
    expect(classIndexOf(s, 'constructor')).toBeUndefined();
  });
});

describe('imageSplit', () => {
  it('brands NHWC pixels with class indices, and refuses bad shapes or labels', () => {
    const shape = { height: 2, width: 2, channels: 3 } as const;
    const s = imageSplit(new Float32Array(24), Float32Array.from([0, 2]), shape, 3);
    expect([s.n, s.d]).toEqual([2, 12]);
    expect(code(() => imageSplit(new Float32Array(23), Float32Array.from([0, 2]), shape, 3))).toBe('E_CONFIG_INVALID');
    expect(code(() => imageSplit(new Float32Array(24), Float32Array.from([0, 3]), shape, 3))).toBe('E_CONFIG_INVALID');
    expect(code(() => imageSplit(new Float32Array(24), Float32Array.from([0, 0.5]), shape, 3))).toBe(
      'E_CONFIG_INVALID',
    );
  });
});
