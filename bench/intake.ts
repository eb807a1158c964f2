/**
 * Intake throughput and memory: 10^6 synthetic CSV rows (and 10^5, to show
 * the CSV path streams: peak memory follows the output table, not the file),
 * 10^5 FHIR patients as an NDJSON bulk export (12 resources each), and one
 * 1 GiB CSV line streamed through the record guard beside a small table (its
 * peak memory is the guard's bound, not the line). Inputs are generated into
 * a temp dir by the simple generator below (names, MRNs, addresses included,
 * as a hospital export would have them). `npm run bench intake`, ~1-2 min.
 */
import { createWriteStream, mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { readCsvDataset } from '../client/intake/csv.ts';
import { readFhirNdjson } from '../client/intake/fhir.ts';
import { loadSchemaFile } from '../client/intake/csv.ts';
import type { PreparedDataset } from '../core/data/types.ts';

const SCHEMAS = join(import.meta.dirname, '..', 'simulations', 'synthetic-ehr', 'schemas');
const SECRET = new Uint8Array(32).fill(1);
const HEADER =
  'mrn,national_id,name,phone,email,address,zip,birth_date,sex,sbp,dbp,bmi,heart_rate,total_chol,hdl,hba1c,glucose,smoking,diabetes,hypertension,rs10455872,cad';
const SMOKING = ['266919005', '8517006', '77176002'];
const GENOTYPES = ['A/A', 'A/G', 'G/G'];

export interface IntakeRun {
  what: string;
  records: number;
  fileBytes: number;
  ms: number;
  recordsPerSec: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** The prepared table's own size (x as float64 while building + the two float32 splits). */
  tableMiB: number;
}

export interface IntakeBench {
  csv1e5: IntakeRun;
  csv1e6: IntakeRun;
  fhir1e5: IntakeRun;
  gibLine: IntakeRun & { oversized: number };
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

const OBS: [string, string, number, number][] = [
  ['8480-6', 'mm[Hg]', 100, 60],
  ['8462-4', 'mm[Hg]', 60, 30],
  ['39156-5', 'kg/m2', 18, 20],
  ['8867-4', '/min', 55, 40],
  ['2093-3', 'mg/dL', 140, 120],
  ['2085-9', 'mg/dL', 30, 50],
  ['4548-4', '%', 4.5, 4],
  ['2345-7', 'mg/dL', 70, 100],
];

/** Observation `j` of patient `i`: one per OBS measurement, then smoking status, then genotype. */
function observation(i: number, j: number, r: () => number): string {
  const base = {
    resourceType: 'Observation',
    status: 'final',
    subject: { reference: `Patient/p${i}` },
    effectiveDateTime: '2024-05-01',
  };
  if (j < OBS.length) {
    const [code, unit, lo, span] = OBS[j]!;
    return JSON.stringify({
      ...base,
      code: { coding: [{ system: 'http://loinc.org', code }] },
      valueQuantity: {
        value: Math.round((lo + r() * span) * 10) / 10,
        unit,
        system: 'http://unitsofmeasure.org',
        code: unit,
      },
    });
  }
  if (j === OBS.length)
    return JSON.stringify({
      ...base,
      code: { coding: [{ system: 'http://loinc.org', code: '72166-2' }] },
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: SMOKING[i % 3] }] },
    });
  return JSON.stringify({
    ...base,
    code: { coding: [{ system: 'http://loinc.org', code: '69548-6' }] },
    valueCodeableConcept: { text: GENOTYPES[i % 3] },
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '81255-2' }] },
        valueCodeableConcept: { coding: [{ code: 'rs10455872' }] },
      },
    ],
  });
}

async function writeNdjson(dir: string, n: number): Promise<void> {
  const r = rng(n + 7);
  await writeLines(join(dir, 'Patient.ndjson'), n, (i) =>
    JSON.stringify({
      resourceType: 'Patient',
      id: `p${i}`,
      identifier: [
        { type: { coding: [{ code: 'MR' }] }, value: `MRN${i}` },
        { system: 'urn:oid:2.16.840.1.113883.4.1', value: `999-${i}` },
      ],
      name: [{ family: `Family${i}`, given: ['Given'] }],
      telecom: [
        { system: 'phone', value: `555-${i}` },
        { system: 'email', value: `p${i}@example.org` },
      ],
      address: [{ use: 'home', line: [`${i} Main St`], postalCode: String(10_000 + Math.floor(r() * 89_999)) }],
      gender: r() < 0.5 ? 'female' : 'male',
      birthDate: `${1930 + Math.floor(r() * 65)}-0${1 + (i % 9)}-1${i % 9}`,
    }),
  );
  const per = OBS.length + 2;
  await writeLines(join(dir, 'Observation.ndjson'), n * per, (k) => observation(Math.floor(k / per), k % per, r));
  await writeLines(join(dir, 'Condition.ndjson'), n, (i) =>
    JSON.stringify({
      resourceType: 'Condition',
      subject: { reference: `Patient/p${i}` },
      code: {
        coding: [
          i % 3 === 0
            ? { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I25.10' }
            : { system: 'http://snomed.info/sct', code: '38341003' },
        ],
      },
    }),
  );
}

/** Runs `f` while sampling RSS and heap every 10 ms; peaks are above the pre-run baseline. */
async function measured(
  what: string,
  records: number,
  fileBytes: number,
  f: () => Promise<PreparedDataset>,
): Promise<IntakeRun> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed + base.arrayBuffers;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed + m.arrayBuffers);
  }, 10);
  const t0 = performance.now();
  const d = await f();
  const ms = performance.now() - t0;
  clearInterval(timer);
  const n = d.report.rowsUsed;
  const MiB = 2 ** 20;
  return {
    what,
    records,
    fileBytes,
    ms,
    recordsPerSec: records / (ms / 1000),
    peakRssMiB: (rss - base.rss) / MiB,
    peakHeapMiB: (heap - base.heapUsed - base.arrayBuffers) / MiB,
    tableMiB: (n * d.features.length * (8 + 4)) / MiB,
  };
}

export async function benchIntake(say: (line: string) => void = () => {}): Promise<IntakeBench> {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-intake-'));
  try {
    const csvSchema = await loadSchemaFile(join(SCHEMAS, 'csv.schema.json'));
    const fhirSchema = await loadSchemaFile(join(SCHEMAS, 'fhir.schema.json'));
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
    const nd = join(dir, 'fhir');
    mkdirSync(nd);
    await writeNdjson(nd, 100_000);
    const bytes = ['Patient', 'Observation', 'Condition'].reduce(
      (s, f) => s + statSync(join(nd, `${f}.ndjson`)).size,
      0,
    );
    runs.fhir1e5 = await measured('FHIR NDJSON 100000 patients', 100_000, bytes, () =>
      readFhirNdjson(nd, fhirSchema, { secret: SECRET }),
    );
    say(`${formatRun(runs.fhir1e5)} (${(runs.fhir1e5.recordsPerSec * 12).toFixed(0)} resources/s)`);
    rmSync(nd, { recursive: true });
    runs.gibLine = await gibLine(csvSchema, say);
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
    `${formatRun(b.fhir1e5)}`,
    `${formatRun(b.gibLine)}; the 1 GiB line: csv:oversize x${b.gibLine.oversized}; peak RSS / line size = ${(b.gibLine.peakRssMiB / 1024).toFixed(3)}`,
  ];
}
