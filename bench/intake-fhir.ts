/**
 * FHIR intake throughput and memory on Synthea-shaped exports
 * (simulations/synthetic-ehr/synthea.ts: urn:uuid references, BP panels,
 * Encounters), read under simulations/synthetic-ehr/schemas/synthea-shape.schema.json:
 * - throughput at N patients (default 10^5; INTAKE_FHIR_PATIENTS sets it):
 *   the NDJSON bulk export, Synthea's default folder of N per-patient
 *   transaction Bundles, and all N patients in one Bundle file;
 * - the live heap (after a full GC every 200 ms) as one Bundle grows with
 *   the patients (N/10, 3N/10, N): the table keeps one row per patient, so
 *   what should stay flat is the live heap per patient, not the heap;
 * - the live heap as the file grows at a fixed patient count (N/10 patients
 *   in one Bundle, with 0, 5 and 20 Claims per visit, as Synthea's billing
 *   output adds, which no column reads): same rows, a file several times
 *   larger; a reader that held the file, or a share of it, would grow with it.
 * The peak heap with garbage (sampled every 10 ms) follows the allocation
 * rate and V8's heuristics, not what is kept; it is printed beside, as is
 * the peak RSS. Every input is written to a temp dir by the streaming
 * writer, read, then deleted.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFhirBundle, readFhirNdjson } from '../client/intake/fhir.ts';
import { loadSchemaFile } from '../client/intake/csv.ts';
import { writeSyntheaExport, type SyntheaLayout } from '../simulations/synthetic-ehr/index.ts';
import { measured, type IntakeRun } from './intake-measure.ts';

const SCHEMA = join(import.meta.dirname, '..', 'simulations', 'synthetic-ehr', 'schemas', 'synthea-shape.schema.json');
const SECRET = new Uint8Array(32).fill(1);
const MiB = 2 ** 20;

export interface FhirRun extends IntakeRun {
  layout: SyntheaLayout;
  patients: number;
  files: number;
  resources: number;
  padding: number;
  generateMs: number;
  mibPerSec: number;
  rowsUsed: number;
  recordsRejected: Record<string, number>;
}

export interface FhirIntakeBench {
  patients: number;
  /** The 1-minute load average at the start and at the end of the FHIR cases, and the cores. */
  load: { start: number; end: number; cores: number };
  throughput: FhirRun[];
  byPatients: FhirRun[];
  byFileSize: FhirRun[];
}

export function fhirPatientsFromEnv(env: NodeJS.ProcessEnv): number {
  const n = Number(env['INTAKE_FHIR_PATIENTS'] ?? 100_000);
  if (!Number.isInteger(n) || n < 100) throw new Error('INTAKE_FHIR_PATIENTS: an integer >= 100');
  return n;
}

function bytesOf(dir: string): number {
  return readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

interface Written {
  layout: SyntheaLayout;
  patients: number;
  padding: number;
  dir: string;
  path: string;
  files: number;
  resources: number;
  bytes: number;
  generateMs: number;
}

async function write(root: string, layout: SyntheaLayout, patients: number, padding = 0): Promise<Written> {
  const dir = join(root, `${layout}-${patients}-${padding}`);
  const t0 = performance.now();
  const w = await writeSyntheaExport({ dir, patients, seed: 19, layout, padding });
  const generateMs = performance.now() - t0;
  const path = layout === 'bundle' ? join(dir, 'bundle.json') : dir;
  return {
    layout,
    patients,
    padding,
    dir,
    path,
    files: w.files,
    resources: w.resources,
    bytes: bytesOf(dir),
    generateMs,
  };
}

/** Reads `w` once; `liveHeapEveryMs` adds the live-heap high-water (full GCs, so the time is not a throughput figure). */
async function read(w: Written, say: (line: string) => void, liveHeapEveryMs?: number): Promise<FhirRun> {
  const schema = await loadSchemaFile(SCHEMA);
  const reader = w.layout === 'ndjson' ? readFhirNdjson : readFhirBundle;
  let rowsUsed = 0;
  let recordsRejected: Record<string, number> = {};
  const kind =
    w.layout === 'ndjson' ? 'NDJSON export' : w.layout === 'bundles' ? `folder of ${w.files} Bundles` : 'one Bundle';
  const label = `${kind}, ${w.patients} patients${w.padding ? `, ${w.padding} Claims/visit` : ''}`;
  const r = await measured(
    label,
    w.patients,
    w.bytes,
    async () => {
      const d = await reader(w.path, schema, { secret: SECRET });
      rowsUsed = d.report.rowsUsed;
      recordsRejected = d.report.recordsRejected;
      return d;
    },
    liveHeapEveryMs,
  );
  const { layout, patients, files, resources, padding, generateMs } = w;
  const out: FhirRun = {
    ...r,
    ...{ layout, patients, files, resources, padding, generateMs },
    mibPerSec: w.bytes / MiB / (r.ms / 1000),
    rowsUsed,
    recordsRejected,
  };
  say(formatFhirRun(out));
  return out;
}

/** Live heap sampled this often in the memory cases. */
const LIVE_EVERY_MS = 200;

export async function benchFhirIntake(
  patients: number,
  say: (line: string) => void = () => {},
): Promise<FhirIntakeBench> {
  const root = mkdtempSync(join(tmpdir(), 'cohort-bench-fhir-'));
  const loadStart = loadavg()[0]!;
  const once = async <T>(w: Written, f: (w: Written) => Promise<T>): Promise<T> => {
    try {
      return await f(w);
    } finally {
      rmSync(w.dir, { recursive: true, force: true });
    }
  };
  try {
    const nd = await once(await write(root, 'ndjson', patients), (w) => read(w, say));
    const folder = await once(await write(root, 'bundles', patients), (w) => read(w, say));
    const [one, oneLive] = await once(await write(root, 'bundle', patients), async (w) => [
      await read(w, say),
      await read(w, say, LIVE_EVERY_MS),
    ]);
    const tenth = Math.round(patients / 10);
    const live = async (n: number, padding = 0) =>
      once(await write(root, 'bundle', n, padding), (w) => read(w, say, LIVE_EVERY_MS));
    const byPatients = [await live(tenth), await live(3 * tenth), oneLive!];
    const byFileSize = [byPatients[0]!, await live(tenth, 5), await live(tenth, 20)];
    const load = { start: loadStart, end: loadavg()[0]!, cores: availableParallelism() };
    return { patients, load, throughput: [nd, folder, one!], byPatients, byFileSize };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const perPatient = (mib: number, patients: number) => `${((mib * MiB) / patients).toFixed(0)} B/patient`;

export function formatFhirRun(r: FhirRun): string {
  const live =
    r.liveHeapMiB === undefined
      ? `read in ${(r.ms / 1000).toFixed(1)} s, ${r.recordsPerSec.toFixed(0)} patients/s, ${r.mibPerSec.toFixed(1)} MiB/s`
      : `live heap high-water +${r.liveHeapMiB.toFixed(0)} MiB (${perPatient(r.liveHeapMiB, r.patients)})`;
  return `${r.what} (${(r.fileBytes / MiB).toFixed(0)} MiB, ${r.files} file(s), ${r.resources} resources, written in ${(r.generateMs / 1000).toFixed(1)} s): ${live}; peak +${r.peakRssMiB.toFixed(0)} MiB RSS, +${r.peakHeapMiB.toFixed(0)} MiB heap with garbage; ${r.rowsUsed} rows used`;
}

export function formatFhirIntake(b: FhirIntakeBench): string[] {
  const [nd, folder, one] = b.throughput as [FhirRun, FhirRun, FhirRun];
  const [f0, f1, f2] = b.byFileSize as [FhirRun, FhirRun, FhirRun];
  const liveOf = (r: FhirRun) => r.liveHeapMiB ?? NaN;
  return [
    `FHIR (${b.patients} patients; load average ${b.load.start.toFixed(1)} at the start, ${b.load.end.toFixed(1)} at the end, on ${b.load.cores} cores):`,
    ...b.throughput.map(formatFhirRun),
    `  time, Bundle folder / NDJSON: ${(folder.ms / nd.ms).toFixed(2)}; one Bundle / NDJSON: ${(one.ms / nd.ms).toFixed(2)}; folder / one Bundle: ${(folder.ms / one.ms).toFixed(2)}`,
    ...b.byPatients.map(formatFhirRun),
    `  one Bundle as the patients grow, live heap per patient: ${b.byPatients.map((r) => `${r.patients} (${(r.fileBytes / MiB).toFixed(0)} MiB): ${perPatient(liveOf(r), r.patients)}`).join(', ')}`,
    ...b.byFileSize.slice(1).map(formatFhirRun),
    `  one Bundle of ${f0.patients} patients as the file grows: file x${(f1.fileBytes / f0.fileBytes).toFixed(1)} / x${(f2.fileBytes / f0.fileBytes).toFixed(1)}, live heap x${(liveOf(f1) / liveOf(f0)).toFixed(2)} / x${(liveOf(f2) / liveOf(f0)).toFixed(2)} (+${liveOf(f0).toFixed(0)}, +${liveOf(f1).toFixed(0)}, +${liveOf(f2).toFixed(0)} MiB)`,
  ];
}
