/**
 * Writes one hospital's patients in Synthea's R4 shapes (synthea.ts), streamed
 * from the patient generator so memory does not grow with the count:
 * - "bundles": Synthea's default output, a folder of one transaction Bundle
 *   per patient, named `<Given>_<Family>_<uuid>.json` as Synthea names them;
 * - "bundle": every patient in one transaction Bundle (bundle.json);
 * - "ndjson": a bulk export, one <ResourceType>.ndjson per type, references
 *   kept as `urn:uuid:` (as Synthea's bulk export writes them).
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CohortError } from '../../core/errors.ts';
import { DEFAULT_AS_OF, generateSite } from './generator.ts';
import { siteProfiles, type SiteProfile } from './profiles.ts';
import { SYNTHEA_BUNDLE_HEAD, SYNTHEA_BUNDLE_TAIL, syntheaEntry, toSynthea } from './synthea.ts';
import { BufferedFile } from './write.ts';

export const SYNTHEA_LAYOUTS = ['bundles', 'bundle', 'ndjson'] as const;
export type SyntheaLayout = (typeof SYNTHEA_LAYOUTS)[number];

/** Per-patient files written at once (bounds the text held to this many patients). */
const FILES_IN_FLIGHT = 16;

export interface WriteSyntheaOptions {
  /** Created if missing; the files go directly in it. */
  dir: string;
  patients: number;
  seed: number;
  layout: SyntheaLayout;
  /** Default "synthea". */
  site?: string;
  /** Default: the seed's first site profile. */
  profile?: SiteProfile;
  /** Claims per visit (ignored by readers; they make the files larger, not the table). Default 0. */
  padding?: number;
  asOf?: string;
}

export interface SyntheaWritten {
  dir: string;
  files: number;
  resources: number;
}

export async function writeSyntheaExport(o: WriteSyntheaOptions): Promise<SyntheaWritten> {
  if (!Number.isInteger(o.padding ?? 0) || (o.padding ?? 0) < 0)
    throw new CohortError('E_CONFIG_INVALID', 'synthea export: padding must be an integer >= 0');
  const site = o.site ?? 'synthea';
  const patients = generateSite({
    seed: o.seed,
    site,
    patients: o.patients,
    profile: o.profile ?? siteProfiles(1, o.seed)[0]!,
    asOf: o.asOf ?? DEFAULT_AS_OF,
  });
  await mkdir(o.dir, { recursive: true });
  const padding = o.padding ?? 0;
  let resources = 0;
  if (o.layout === 'bundles') {
    // Several files in flight: one at a time, the file system's per-file cost dominates.
    const inFlight = new Set<Promise<void>>();
    let files = 0;
    for (const p of patients) {
      const rs = toSynthea(p, padding);
      resources += rs.length;
      const text =
        SYNTHEA_BUNDLE_HEAD + rs.map((r) => syntheaEntry(JSON.stringify(r), r)).join(',\n') + SYNTHEA_BUNDLE_TAIL;
      const w = writeFile(join(o.dir, `${p.given}_${p.family}_${p.id}.json`), text).then(() => void inFlight.delete(w));
      inFlight.add(w);
      if (inFlight.size >= FILES_IN_FLIGHT) await Promise.race(inFlight);
      files++;
    }
    await Promise.all(inFlight);
    return { dir: o.dir, files, resources };
  }
  const outputs = new Map<string, BufferedFile>();
  const output = async (name: string) => {
    let f = outputs.get(name);
    if (!f) {
      f = new BufferedFile(await open(join(o.dir, name), 'w'));
      outputs.set(name, f);
    }
    return f;
  };
  try {
    let first = true;
    if (o.layout === 'bundle') await (await output('bundle.json')).write(SYNTHEA_BUNDLE_HEAD);
    for (const p of patients) {
      for (const r of toSynthea(p, padding)) {
        const json = JSON.stringify(r);
        resources++;
        if (o.layout === 'bundle') {
          await (await output('bundle.json')).write(`${first ? '' : ',\n'}${syntheaEntry(json, r)}`);
          first = false;
        } else await (await output(`${r['resourceType'] as string}.ndjson`)).write(`${json}\n`);
      }
    }
    if (o.layout === 'bundle') await (await output('bundle.json')).write(SYNTHEA_BUNDLE_TAIL);
    for (const f of outputs.values()) await f.flush();
  } finally {
    for (const f of outputs.values()) await f.close();
  }
  return { dir: o.dir, files: outputs.size, resources };
}
