/**
 * docs/data-schema.md lists every key of the two schema files, top-level and one level into plain objects
 * (`split.seed`, `dicom.scaling`): a key added to either zod schema without a row there fails here, and so does a
 * row for a key the schema does not have.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { datasetSchemaSchema } from '../../../core/data/schema.ts';
import { imageSchemaSchema } from '../../../core/data/image-schema.ts';

const doc = readFileSync('docs/data-schema.md', 'utf8');

/** The keys in the first column of the tables under `heading`, up to the next heading of its level. */
function documentedKeys(heading: string): string[] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

/** A schema inside default/prefault/optional wrappers. */
function unwrap(s: z.ZodType): z.ZodType {
  const def = (s as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def;
  return def.innerType ? unwrap(def.innerType) : s;
}

/** The object's keys, and `key.sub` for each key whose value is itself an object. */
function schemaKeys(shape: Record<string, z.ZodType>): string[] {
  return Object.entries(shape).flatMap(([k, v]) => {
    const inner = unwrap(v) as unknown as { shape?: Record<string, z.ZodType> };
    return [k, ...(inner.shape ? Object.keys(inner.shape).map((sub) => `${k}.${sub}`) : [])];
  });
}

describe('docs/data-schema.md', () => {
  it('documents every key of the tabular dataset schema, and no other', () => {
    expect(documentedKeys('Tabular dataset schema').sort()).toEqual(schemaKeys(datasetSchemaSchema.shape).sort());
  });

  it('documents every key of the image schema, and no other', () => {
    expect(documentedKeys('Image schema').sort()).toEqual(schemaKeys(imageSchemaSchema.shape).sort());
  });
});
