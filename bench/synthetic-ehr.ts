/**
 * Synthetic EHR generation speed and memory: 10^5 patients of one hospital
 * (the urban-teaching profile) written as CSV, as FHIR NDJSON, as a FHIR
 * Bundle and as all three in one pass, and 10^6 patients as CSV, each beside
 * the floor measured in the same run: drawing the same patients without
 * rendering or writing them. FHIR cases also stand beside a second floor,
 * drawing plus building and serialising the resources without disk, which
 * shows how much of their time is the gigabyte of output itself. Memory is the peak heap sampled every 50 ms over
 * the heap before the case (garbage included), against the bytes written, to
 * show the writers stream.
 */
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_PROFILES,
  generateSite,
  toFhir,
  writeSyntheticHospitals,
  type SyntheticFormat,
} from '../simulations/synthetic-ehr/index.ts';

export interface EhrCase {
  label: string;
  formats: SyntheticFormat[];
  patients: number;
  ms: number;
  patientsPerSec: number;
  bytes: number;
  /** ms / the floor's ms for the same number of patients. */
  ratio: number;
  /** FHIR cases: ms / the FHIR floor's ms (drawing + rendering, no disk). */
  fhirRatio?: number;
  peakHeapGrowthMiB: number;
}

export interface EhrBench {
  floorPatientsPerSec: number;
  /** Drawing, toFhir and JSON.stringify of every resource, nothing written. */
  fhirFloorPatientsPerSec: number;
  cases: EhrCase[];
}

const SEED = 1;
const profile = DEFAULT_PROFILES[0]!;

function collect() {
  (globalThis as { gc?: () => void }).gc?.();
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

async function measure<T>(f: () => Promise<T> | T): Promise<{ ms: number; peakHeapGrowthMiB: number }> {
  collect();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 50);
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, peakHeapGrowthMiB: (peak - before) / 2 ** 20 };
}

function floorMs(patients: number): number {
  const t0 = performance.now();
  let n = 0;
  for (const p of generateSite({ seed: SEED, site: 'hospital-1', patients, profile })) n += p.measurements.length;
  if (n < 0) throw new Error('unreachable');
  return performance.now() - t0;
}

function fhirFloorMs(patients: number): number {
  const t0 = performance.now();
  let chars = 0;
  for (const p of generateSite({ seed: SEED, site: 'hospital-1', patients, profile })) {
    const r = toFhir(p);
    for (const x of [r.patient, ...r.observations, ...r.conditions]) chars += JSON.stringify(x).length;
  }
  if (chars < 0) throw new Error('unreachable');
  return performance.now() - t0;
}

export async function benchSyntheticEhr(say: (line: string) => void = () => {}): Promise<EhrBench> {
  const floor = floorMs(100_000);
  const floorPatientsPerSec = 100_000 / (floor / 1000);
  say(`floor: drawing 10^5 patients ${(floor / 1000).toFixed(2)} s (${floorPatientsPerSec.toFixed(0)} patients/s)`);
  const fhirFloor = fhirFloorMs(100_000);
  const fhirFloorPatientsPerSec = 100_000 / (fhirFloor / 1000);
  say(
    `FHIR floor: drawing + building + serialising 10^5 patients' resources ${(fhirFloor / 1000).toFixed(2)} s (${fhirFloorPatientsPerSec.toFixed(0)} patients/s)`,
  );
  const plans: { label: string; formats: SyntheticFormat[]; patients: number }[] = [
    { label: 'csv', formats: ['csv'], patients: 100_000 },
    { label: 'ndjson', formats: ['ndjson'], patients: 100_000 },
    { label: 'bundle', formats: ['bundle'], patients: 100_000 },
    { label: 'all three', formats: ['csv', 'ndjson', 'bundle'], patients: 100_000 },
    { label: 'csv', formats: ['csv'], patients: 1_000_000 },
  ];
  const cases: EhrCase[] = [];
  for (const plan of plans) {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-ehr-bench-'));
    try {
      const m = await measure(() =>
        writeSyntheticHospitals({
          dir,
          hospitals: 1,
          patientsPerHospital: plan.patients,
          seed: SEED,
          formats: plan.formats,
          profiles: [profile],
          collectIdentifiers: false,
        }),
      );
      const base = plan.patients === 100_000 ? floor : floorMs(plan.patients);
      const c: EhrCase = {
        ...plan,
        ms: m.ms,
        patientsPerSec: plan.patients / (m.ms / 1000),
        bytes: dirBytes(dir),
        ratio: m.ms / base,
        peakHeapGrowthMiB: m.peakHeapGrowthMiB,
      };
      if (plan.formats.some((f) => f !== 'csv')) c.fhirRatio = m.ms / fhirFloor;
      cases.push(c);
      say(formatCase(c));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { floorPatientsPerSec, fhirFloorPatientsPerSec, cases };
}

export function formatCase(c: EhrCase): string {
  return `${c.label} (${c.patients.toExponential(0).replace('e+', 'e')} patients): ${(c.ms / 1000).toFixed(1)} s, ${c.patientsPerSec.toFixed(0)} patients/s, ${(c.bytes / 2 ** 20).toFixed(0)} MiB written; ratio to drawing alone ${c.ratio.toFixed(1)}${c.fhirRatio === undefined ? '' : `, to drawing + rendering ${c.fhirRatio.toFixed(1)}`}; peak heap growth ${c.peakHeapGrowthMiB.toFixed(0)} MiB`;
}

export function formatSyntheticEhr(r: EhrBench): string[] {
  return [
    `synthetic EHR, one urban-teaching hospital; floors: drawing patients ${r.floorPatientsPerSec.toFixed(0)} patients/s, drawing + rendering FHIR (no disk) ${r.fhirFloorPatientsPerSec.toFixed(0)} patients/s`,
    ...r.cases.map((c) => `  ${formatCase(c)}`),
  ];
}
