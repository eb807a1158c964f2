/**
 * The simulation's side of Fed-TCGA-BRCA (simulations/data/tcga-brca/README.md):
 * which hospital holds which patient, and FLamby's static train/test split.
 * A patient's hospital is the region of its tissue source site (centers.csv,
 * the two characters after "TCGA-" in the barcode) and its side the `fold` of
 * train_test_split.csv. That is knowledge of the simulation, not of a
 * hospital's intake: each hospital then reads its own rows through the
 * product's intake (core/data/prepare.ts) under schema.json, where the
 * barcode `pid` is an identifier column, dropped and never a feature.
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { CohortError } from '../core/errors.ts';
import { concatSplits, prepareDataset } from '../core/data/index.ts';
import type { DatasetSplit, IntakeReport, PreparedDataset } from '../core/data/types.ts';
import { loadSchemaFile } from '../client/intake/csv.ts';

export const TCGA_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data', 'tcga-brca');

/** FLamby's centres 0..5 (train_test_split.csv `fold2`), named by their region in centers.csv. */
export const REGIONS = ['northeast', 'south', 'west', 'midwest', 'europe', 'canada'] as const;
export type Region = (typeof REGIONS)[number];

const REGION_OF: Record<string, Region> = {
  Northeast: 'northeast',
  South: 'south',
  West: 'west',
  Midwest: 'midwest',
  Europe: 'europe',
  Canada: 'canada',
};

export interface TcgaBrcaData {
  regions: Record<Region, PreparedDataset>;
  /** FLamby's pooled test split: every region's test rows, in region order. */
  pooledTest: DatasetSplit;
  /** Patients in brca.csv that no region holds (tissue source sites of region "Other", which FLamby leaves out). */
  unassigned: number;
}

/**
 * A header cell as schema.json declares it: schema column names allow no ","
 * or "/" (core/data/schema.ts), which two of FLamby's one-hot names carry
 * ("primary_diagnosis_Infiltrating duct carcinoma, NOS", "morphology_8500/3").
 */
export function schemaColumnName(header: string): string {
  return header.replace(/,\s*/g, ' ').replace(/\//g, '-');
}

/** Every region's rows through the product's intake, on FLamby's static split. */
export async function loadTcgaBrca(dir = TCGA_DATA_DIR): Promise<TcgaBrcaData> {
  const schema = await loadSchemaFile(join(dir, 'schema.json'));
  const [header, ...rows] = readCsv(join(dir, 'brca.csv'));
  const pidAt = header!.indexOf('pid');
  const regionOfSite = new Map(
    readCsv(join(dir, 'centers.csv'))
      .slice(1)
      .map((r) => [r[0]!, r[4]!]),
  );
  const foldOf = new Map(
    readCsv(join(dir, 'train_test_split.csv'))
      .slice(1)
      .map((r) => [r[0]!, r[1]!]),
  );
  const held = new Map(REGIONS.map((r) => [r, { train: [] as string[][], test: [] as string[][] }]));
  let unassigned = 0;
  for (const row of rows) {
    const pid = row[pidAt]!;
    const region = REGION_OF[regionOfSite.get(pid.slice(5, 7)) ?? ''];
    const fold = foldOf.get(pid);
    if (!region || (fold !== 'train' && fold !== 'test')) {
      unassigned++;
      continue;
    }
    held.get(region)![fold].push(row);
  }
  const names = header!.map(schemaColumnName);
  const regions = {} as Record<Region, PreparedDataset>;
  for (const r of REGIONS) {
    const { train, test } = held.get(r)!;
    const a = await prepareDataset(names, train, schema, { side: 'train' });
    const b = await prepareDataset(names, test, schema, { side: 'test' });
    regions[r] = { ...a, test: b.test, report: mergedReport(a.report, b.report) };
  }
  return { regions, pooledTest: concatSplits(REGIONS.map((r) => regions[r].test)), unassigned };
}

function readCsv(path: string): string[][] {
  try {
    return parse(readFileSync(path), { skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    throw new CohortError('E_DATA_FILE', `${path}: cannot be read`, { cause: err });
  }
}

/** One hospital's intake report over both of its sides' rows. */
function mergedReport(a: IntakeReport, b: IntakeReport): IntakeReport {
  const dropped: Record<string, number> = { ...a.rowsDropped };
  for (const [k, v] of Object.entries(b.rowsDropped)) dropped[k] = (dropped[k] ?? 0) + v;
  return {
    ...a,
    rowsRead: a.rowsRead + b.rowsRead,
    rowsUsed: a.rowsUsed + b.rowsUsed,
    rowsDropped: dropped,
    columns: a.columns.map((c, i) => {
      const o = b.columns[i]!;
      return {
        ...c,
        values: c.values + o.values,
        missing: c.missing + o.missing,
        special: c.special + o.special,
        clamped: c.clamped + o.clamped,
      };
    }),
  };
}
