/**
 * The same generated Synthea-shaped patients written in each export layout
 * (simulations/synthetic-ehr: per-patient Bundles, NDJSON, one Bundle) under
 * one temporary folder, with the schema that reads them.
 */
import { mkdtempSync } from 'node:fs';
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
