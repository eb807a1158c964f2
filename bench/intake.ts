/**
 * Intake throughput and memory: 10^6 synthetic CSV rows (and 10^5, to show
 * the CSV path streams: peak memory follows the output table, not the file),
 * one 1 GiB CSV line streamed through the record guard beside a small table
 * (its peak memory is the guard's bound, not the line), then the FHIR cases
 * of intake-fhir.ts (10^5 Synthea-shaped patients as NDJSON, as a folder of
 * Bundles and as one Bundle; memory as files grow). CSV inputs are generated
 * into a temp dir by the simple generator below (names, MRNs, addresses
 * included, as a hospital export would have them). `npm run bench intake`,
 * about 6 minutes on a shared 2-core machine (INTAKE_FHIR_PATIENTS shrinks
 * the FHIR part).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { readCsvDataset } from '../client/intake/csv.ts';
import { loadSchemaFile } from '../client/intake/csv.ts';
import { measured, type IntakeRun } from './intake-measure.ts';
import { benchFhirIntake, formatFhirIntake, type FhirIntakeBench } from './intake-fhir.ts';

const SCHEMAS = join(import.meta.dirname, '..', 'simulations', 'synthetic-ehr', 'schemas');
const SECRET = new Uint8Array(32).fill(1);
const HEADER =
  'mrn,national_id,name,phone,email,address,zip,birth_date,sex,sbp,dbp,bmi,heart_rate,total_chol,hdl,hba1c,glucose,smoking,diabetes,hypertension,rs10455872,cad';
const SMOKING = ['never', 'former', 'current'];
const GENOTYPES = ['A/A', 'A/G', 'G/G'];

export interface IntakeBench {
  csv1e5: IntakeRun;
  csv1e6: IntakeRun;
  gibLine: IntakeRun & { oversized: number };
  fhir: FhirIntakeBench;
}

/** Tiny xorshift, so the files are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function csvRow(i: number, r: () => number): string {
  const age = 30 + Math.floor(r() * 65);
  const cad = r() < 0.2 + age / 300 ? 1 : 0;
  return [
    `MRN${1_000_000 + i}`,
    `${100 + (i % 900)}-${10 + (i % 90)}-${1000 + (i % 9000)}`,
    `"Patient ${i}, Given"`,
    `+1-555-${String(i % 10_000).padStart(4, '0')}`,
    `p${i}@example.org`,
    `"${i} Main St, Springfield"`,
    String(10_000 + Math.floor(r() * 89_999)),
    `${2024 - age}-0${1 + (i % 9)}-1${i % 9}`,
    r() < 0.5 ? 'female' : 'male',
    (100 + r() * 60).toFixed(0),
    (60 + r() * 30).toFixed(0),
    (18 + r() * 20).toFixed(1),
    (55 + r() * 40).toFixed(0),
    (140 + r() * 120).toFixed(0),
    (30 + r() * 50).toFixed(0),
    (4.5 + r() * 4).toFixed(1),
    (70 + r() * 100).toFixed(0),
    SMOKING[i % 3]!,
    r() < 0.15 ? '1' : '0',
    r() < 0.3 ? '1' : '0',
    GENOTYPES[Math.floor(r() * 3)]!,
    String(cad),
  ].join(',');
}

async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  const batch: string[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(line(i));
    if (batch.length === 4096 || i === n - 1) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}

async function writeCsv(path: string, n: number): Promise<void> {
  const r = rng(n);
  await writeLines(path, n + 1, (i) => (i === 0 ? HEADER : csvRow(i - 1, r)));
}

export async function benchIntake(fhirPatients: number, say: (line: string) => void = () => {}): Promise<IntakeBench> {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-intake-'));
  try {
    const csvSchema = await loadSchemaFile(join(SCHEMAS, 'csv.schema.json'));
    const runs: Partial<IntakeBench> = {};
    for (const [key, n] of [
      ['csv1e5', 100_000],
      ['csv1e6', 1_000_000],
    ] as const) {
      const p = join(dir, `${n}.csv`);
      await writeCsv(p, n);
      runs[key] = await measured(`CSV ${n} rows`, n, statSync(p).size, () =>
        readCsvDataset(p, csvSchema, { secret: SECRET }),
      );
      rmSync(p);
      say(formatRun(runs[key]));
    }
    runs.gibLine = await gibLine(csvSchema, say);
    runs.fhir = await benchFhirIntake(fhirPatients, say);
    return runs as IntakeBench;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1,000 good rows, one 1 GiB line (streamed from memory in 1 MiB chunks, never a file), 1,000 more. */
async function gibLine(
  schema: Awaited<ReturnType<typeof loadSchemaFile>>,
  say: (line: string) => void,
): Promise<IntakeBench['gibLine']> {
  const r = rng(3);
  const chunk = Buffer.alloc(1 << 20, 'x');
  async function* source() {
    yield Buffer.from(`${HEADER}\n${Array.from({ length: 1000 }, (_, i) => csvRow(i, r)).join('\n')}\n`);
    for (let i = 0; i < 1024; i++) yield chunk;
    yield Buffer.from(`\n${Array.from({ length: 1000 }, (_, i) => csvRow(i + 1000, r)).join('\n')}\n`);
  }
  let oversized = 0;
  const run = await measured('CSV with one 1 GiB line', 2001, 2 ** 30 + 400_000, async () => {
    const d = await readCsvDataset(Readable.from(source()), schema, { secret: SECRET });
    oversized = d.report.recordsRejected['csv:oversize'] ?? 0;
    return d;
  });
  say(`${formatRun(run)}; 1 GiB line rejected as csv:oversize x${oversized}`);
  return { ...run, oversized };
}

function formatRun(r: IntakeRun): string {
  return `${r.what} (${(r.fileBytes / 2 ** 20).toFixed(0)} MiB): ${(r.ms / 1000).toFixed(1)} s, ${r.recordsPerSec.toFixed(0)} records/s; peak +${r.peakRssMiB.toFixed(0)} MiB RSS, +${r.peakHeapMiB.toFixed(0)} MiB heap (output table ${r.tableMiB.toFixed(0)} MiB)`;
}

export function formatIntake(b: IntakeBench): string[] {
  const fileRatio = b.csv1e6.fileBytes / b.csv1e5.fileBytes;
  return [
    formatRun(b.csv1e5),
    formatRun(b.csv1e6),
    `  CSV streams: file x${fileRatio.toFixed(1)}, peak heap x${(b.csv1e6.peakHeapMiB / b.csv1e5.peakHeapMiB).toFixed(1)}, peak heap / output table: ${(b.csv1e5.peakHeapMiB / b.csv1e5.tableMiB).toFixed(1)} (10^5) vs ${(b.csv1e6.peakHeapMiB / b.csv1e6.tableMiB).toFixed(1)} (10^6), peak heap / file: ${(b.csv1e5.peakHeapMiB / (b.csv1e5.fileBytes / 2 ** 20)).toFixed(2)} vs ${(b.csv1e6.peakHeapMiB / (b.csv1e6.fileBytes / 2 ** 20)).toFixed(2)}`,
    `${formatRun(b.gibLine)}; the 1 GiB line: csv:oversize x${b.gibLine.oversized}; peak RSS / line size = ${(b.gibLine.peakRssMiB / 1024).toFixed(3)}`,
    ...formatFhirIntake(b.fhir),
  ];
}
