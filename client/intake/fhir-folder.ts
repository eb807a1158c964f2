/**
 * What a FHIR export folder holds: its .json files (Bundles, one per patient
 * as Synthea writes them) and its .ndjson files (a bulk export), each list
 * in name order so rows never depend on the order readdir returns. At most
 * MAX_FHIR_FILES files are listed; a folder with more is refused rather than
 * read in part.
 */
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CohortError } from '../../core/errors.ts';

/** Most .json or .ndjson files read from one folder (Synthea writes one Bundle per patient). */
export const MAX_FHIR_FILES = 1_000_000;

export interface FhirFolder {
  /** Paths of the regular *.json files, sorted by name. */
  json: string[];
  /** Paths of the regular *.ndjson files, sorted by name. */
  ndjson: string[];
  /** Other entries (subfolders, other extensions, links that are not files), counted for messages. */
  other: number;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CohortError('E_DATA_FILE', `${path}: cannot be read (${code})`);
  }
}

export async function listFhirFolder(dir: string, maxFiles = MAX_FHIR_FILES): Promise<FhirFolder> {
  const json: string[] = [];
  const ndjson: string[] = [];
  let other = 0;
  for await (const d of await opendir(dir)) {
    const kind = d.name.endsWith('.ndjson') ? ndjson : d.name.endsWith('.json') ? json : undefined;
    // A link counts as what it points at (a folder of links to an export's files reads as the export).
    const isFile =
      d.isFile() || (d.isSymbolicLink() && (await stat(join(dir, d.name)).catch(() => undefined))?.isFile());
    const list = isFile ? kind : undefined;
    if (!list) {
      other++;
      continue;
    }
    list.push(d.name);
    if (list.length > maxFiles)
      throw new CohortError('E_DATA_FILE', `${dir}: over ${maxFiles} ${list === json ? '.json' : '.ndjson'} files`);
  }
  const paths = (names: string[]) => names.sort().map((n) => join(dir, n));
  return { json: paths(json), ndjson: paths(ndjson), other };
}

/** "3 .json, 0 .ndjson and 2 other entries": what a folder holds, for an error message (names never listed). */
export function describeFolder(f: FhirFolder): string {
  return `${f.json.length} .json, ${f.ndjson.length} .ndjson and ${f.other} other entr${f.other === 1 ? 'y' : 'ies'}`;
}

/**
 * How an error names one file of a folder: by its place in name order, never
 * by its name. Synthea names each patient's file after the patient
 * ("Given12_Family34_<uuid>.json"), and an error reaches the daemon's log and
 * whatever it is forwarded to; the operator, who can list the folder, finds
 * the file from its place (names sort by UTF-16 code unit, as `LC_ALL=C ls`
 * sorts ASCII names).
 */
export function folderFileLabel(dir: string, ext: '.json' | '.ndjson', i: number, n: number): string {
  return `${dir}: ${ext} file ${i + 1} of ${n} in name order (its name is not shown: it may name a patient; \`LC_ALL=C ls -d ${join(dir, '*' + ext)} | sed -n ${i + 1}p\` prints it)`;
}
