/**
 * Writes synthetic hospitals to disk: per hospital a CSV, a FHIR collection
 * Bundle and a FHIR bulk-export NDJSON directory, all from one pass over the
 * patient stream, each file through a bounded buffer, so memory does not grow
 * with the number of patients. The only module here that touches disk.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CohortError } from '../../core/errors.ts';
import { formatIssues } from '../../core/parse-issues.ts';
import { CSV_HEADER_LINE, csvRow } from './csv.ts';
import { BUNDLE_TAIL, bundleEntry, bundleHead, toFhir, type FhirResource } from './fhir.ts';
import { DEFAULT_AS_OF, MAX_PATIENTS_PER_SITE, generateSite, seedSchema } from './generator.ts';
import { addIdentifiers, emptySiteIdentifiers, type SiteIdentifiers } from './identifiers.ts';
import { MAX_SITES, siteProfileSchema, siteProfiles, type SiteProfile } from './profiles.ts';
import type { SyntheticPatient } from './record.ts';

export const SYNTHETIC_FORMATS = ['csv', 'bundle', 'ndjson'] as const;
export type SyntheticFormat = (typeof SYNTHETIC_FORMATS)[number];

/** Text buffered per file before a write: bounds memory, keeps the syscalls few. */
const FLUSH_CHARS = 1 << 20;

export interface SiteFiles {
  csv?: string;
  bundle?: string;
  ndjson?: { Patient: string; Observation: string; Condition: string };
}

export interface WrittenHospital {
  name: string;
  profile: string;
  dir: string;
  patients: number;
  files: SiteFiles;
  /** Every identifying value written for this hospital; absent when not collected. */
  identifiers?: SiteIdentifiers;
}

export interface WriteSyntheticHospitalsOptions {
  /** Output root; each hospital gets `<dir>/hospital-<k>/`. */
  dir: string;
  hospitals: number;
  patientsPerHospital: number;
  seed: number;
  /** Default: all three. */
  formats?: SyntheticFormat[];
  /** One per hospital; default `siteProfiles(hospitals, seed)`. */
  profiles?: SiteProfile[];
  /** Extract date (YYYY-MM-DD); default DEFAULT_AS_OF. */
  asOf?: string;
  /** Keep every identifying value in memory for the caller's leak checks (default true; off for very large runs). */
  collectIdentifiers?: boolean;
}

const optionsSchema = z
  .object({
    dir: z.string().min(1),
    hospitals: z.number().int().min(1).max(MAX_SITES),
    patientsPerHospital: z.number().int().min(0).max(MAX_PATIENTS_PER_SITE),
    seed: seedSchema,
    formats: z
      .array(z.enum(SYNTHETIC_FORMATS))
      .min(1)
      .refine((f) => new Set(f).size === f.length, 'no format twice')
      .optional(),
    profiles: z.array(siteProfileSchema).optional(),
    asOf: z.string().optional(),
    collectIdentifiers: z.boolean().optional(),
  })
  .strict();

/**
 * Lays out `<dir>/hospital-<k>/{patients.csv, bundle.json,
 * ndjson/{Patient,Observation,Condition}.ndjson}` for k = 1..hospitals, each
 * hospital drawn from its own profile. Same options, same bytes.
 */
export async function writeSyntheticHospitals(
  options: WriteSyntheticHospitalsOptions,
): Promise<{ dir: string; hospitals: WrittenHospital[] }> {
  const r = optionsSchema.safeParse(options);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `synthetic hospitals: ${formatIssues(r.error)}`);
  const o = r.data;
  const profiles = o.profiles ?? siteProfiles(o.hospitals, o.seed);
  if (profiles.length !== o.hospitals)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `synthetic hospitals: ${profiles.length} profiles for ${o.hospitals} hospitals`,
    );
  const hospitals: WrittenHospital[] = [];
  for (let k = 0; k < o.hospitals; k++) {
    const name = `hospital-${k + 1}`;
    hospitals.push(
      await writeSite({
        dir: join(o.dir, name),
        site: name,
        seed: o.seed,
        patients: o.patientsPerHospital,
        profile: profiles[k]!,
        formats: o.formats ?? [...SYNTHETIC_FORMATS],
        asOf: o.asOf,
        collectIdentifiers: o.collectIdentifiers ?? true,
      }),
    );
  }
  return { dir: o.dir, hospitals };
}

interface WriteSiteOptions {
  dir: string;
  site: string;
  seed: number;
  patients: number;
  profile: SiteProfile;
  formats: readonly SyntheticFormat[];
  asOf?: string | undefined;
  collectIdentifiers: boolean;
}

/** One hospital's files, from one pass over its patient stream. */
async function writeSite(o: WriteSiteOptions): Promise<WrittenHospital> {
  const asOf = o.asOf ?? DEFAULT_AS_OF;
  const patients = generateSite({ seed: o.seed, site: o.site, patients: o.patients, profile: o.profile, asOf });
  await mkdir(o.dir, { recursive: true });
  const files: SiteFiles = {};
  const outputs: BufferedFile[] = [];
  const openFile = async (path: string) => {
    const f = new BufferedFile(await open(path, 'w'));
    outputs.push(f);
    return f;
  };
  try {
    const { csv, bundle, ndjson } = await openOutputs(o, asOf, files, openFile);
    const identifiers = o.collectIdentifiers ? emptySiteIdentifiers() : undefined;
    let first = true;
    for (const p of patients) {
      if (identifiers) addIdentifiers(identifiers, p);
      if (csv) await csv.write(csvRow(p));
      if (!bundle && !ndjson) continue;
      await writeFhir(p, o.site, bundle, ndjson, first);
      if (bundle) first = false;
    }
    if (bundle) await bundle.write(BUNDLE_TAIL);
    for (const f of outputs) await f.flush();
    return {
      name: o.site,
      profile: o.profile.name,
      dir: o.dir,
      patients: o.patients,
      files,
      ...(identifiers ? { identifiers } : {}),
    };
  } finally {
    for (const f of outputs) await f.close();
  }
}

type NdjsonFiles = Record<FhirResource['resourceType'], BufferedFile>;

/** Opens the files of each format asked for (recording their paths in `files`) and writes their heads. */
async function openOutputs(
  o: WriteSiteOptions,
  asOf: string,
  files: SiteFiles,
  openFile: (path: string) => Promise<BufferedFile>,
): Promise<{ csv?: BufferedFile | undefined; bundle?: BufferedFile | undefined; ndjson?: NdjsonFiles | undefined }> {
  let csv: BufferedFile | undefined;
  if (o.formats.includes('csv')) {
    files.csv = join(o.dir, 'patients.csv');
    csv = await openFile(files.csv);
    await csv.write(CSV_HEADER_LINE);
  }
  let bundle: BufferedFile | undefined;
  if (o.formats.includes('bundle')) {
    files.bundle = join(o.dir, 'bundle.json');
    bundle = await openFile(files.bundle);
    await bundle.write(bundleHead(o.site, `${asOf}T00:00:00Z`));
  }
  let ndjson: NdjsonFiles | undefined;
  if (o.formats.includes('ndjson')) {
    const ndDir = join(o.dir, 'ndjson');
    await mkdir(ndDir, { recursive: true });
    files.ndjson = {
      Patient: join(ndDir, 'Patient.ndjson'),
      Observation: join(ndDir, 'Observation.ndjson'),
      Condition: join(ndDir, 'Condition.ndjson'),
    };
    ndjson = {
      Patient: await openFile(files.ndjson.Patient),
      Observation: await openFile(files.ndjson.Observation),
      Condition: await openFile(files.ndjson.Condition),
    };
  }
  return { csv, bundle, ndjson };
}

/** One patient's FHIR resources, one write per file, each resource serialised once. `first`: no bundle entry before it. */
async function writeFhir(
  p: SyntheticPatient,
  site: string,
  bundle: BufferedFile | undefined,
  ndjson: NdjsonFiles | undefined,
  first: boolean,
): Promise<void> {
  const { patient, observations, conditions } = toFhir(p);
  let entries = '';
  const lines = { Patient: '', Observation: '', Condition: '' };
  for (const resource of [patient, ...observations, ...conditions]) {
    const json = JSON.stringify(resource);
    if (bundle) {
      entries += `${first ? '\n' : ',\n'}${bundleEntry(site, resource, json)}`;
      first = false;
    }
    lines[resource.resourceType] += `${json}\n`;
  }
  if (bundle) await bundle.write(entries);
  if (ndjson) {
    await ndjson.Patient.write(lines.Patient);
    await ndjson.Observation.write(lines.Observation);
    await ndjson.Condition.write(lines.Condition);
  }
}

/** Appends text to a file through a buffer of at most FLUSH_CHARS characters. */
export class BufferedFile {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const bytes = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    // A write may take fewer bytes than offered; loop until all are on disk.
    for (let off = 0; off < bytes.length;) off += (await this.handle.write(bytes, off)).bytesWritten;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
