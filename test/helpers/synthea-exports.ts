/**
 * The same generated Synthea-shaped patients written in each export layout
 * (simulations/synthetic-ehr: per-patient Bundles, NDJSON, one Bundle) under
 * one temporary folder, with the schema that reads them.
 */
import { afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSchemaFile } from '../../client/intake/index.ts';
import type { DatasetSchema } from '../../core/data/schema.ts';
import { writeSyntheaExport, type SyntheaLayout } from '../../simulations/synthetic-ehr/index.ts';

export const SYNTHEA_SHAPE_SCHEMA = join(
  import.meta.dirname,
  '../../simulations/synthetic-ehr/schemas/synthea-shape.schema.json',
);

export interface SyntheaExports {
  /** The temporary folder holding one sub-folder per layout. */
  dir: string;
  schema: DatasetSchema;
  /** The folder of each layout written, by layout. */
  at: Record<SyntheaLayout, string>;
}

export async function writeSyntheaExports(
  prefix: string,
  patients: number,
  seed: number,
  layouts: readonly SyntheaLayout[],
): Promise<SyntheaExports> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const at = {} as Record<SyntheaLayout, string>;
  for (const layout of layouts) {
    at[layout] = join(dir, layout);
    await writeSyntheaExport({ dir: at[layout], patients, seed, layout });
  }
  return { dir, schema: await loadSchemaFile(SYNTHEA_SHAPE_SCHEMA), at };
}

export interface SyntheaExportsFixture extends SyntheaExports {
  /** A copy of the folder `from` as `name` in `dir`, with `extra` files (text or bytes) added. */
  folderWith(name: string, from: string, extra: Record<string, string | Buffer>): string;
}

/**
 * writeSyntheaExports for one test file: await it at the file's top level
 * (the exports are then there for every test, under plain names); the folder
 * is removed after the file's tests.
 */
export async function syntheaExportsForFile(
  prefix: string,
  patients: number,
  seed: number,
  layouts: readonly SyntheaLayout[],
): Promise<SyntheaExportsFixture> {
  const x = await writeSyntheaExports(prefix, patients, seed, layouts);
  afterAll(() => rmSync(x.dir, { recursive: true, force: true }));
  const folderWith = (name: string, from: string, extra: Record<string, string | Buffer>) => {
    const d = join(x.dir, name);
    mkdirSync(d);
    for (const f of readdirSync(from)) copyFileSync(join(from, f), join(d, f));
    for (const [f, data] of Object.entries(extra)) writeFileSync(join(d, f), data);
    return d;
  };
  return { ...x, folderWith };
}
