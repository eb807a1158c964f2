/**
 * The FHIR R4 edge of the intake: Bundles (one .json file, or a folder of
 * them, one per patient as Synthea writes them) or an NDJSON bulk export
 * (one file, or a folder of Patient/Observation/Condition*.ndjson), read
 * into core/data's FhirTable and then the same pipeline as CSV. Nothing is
 * held whole: NDJSON is streamed line by line through the same bounded-record
 * guard as CSV, and a Bundle entry by entry (fhir-bundle-file.ts), so an
 * over-long line or entry costs one rejection and memory does not grow with
 * a file's size.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { CohortError } from '../../core/errors.ts';
import { FhirTable } from '../../core/data/fhir-table.ts';
import { prepareDataset } from '../../core/data/prepare.ts';
import type { DatasetSchema } from '../../core/data/schema.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { BoundedRecords } from './bounded-records.ts';
import { countBundleResult, readBundleFile } from './fhir-bundle-file.ts';
import { describeFolder, folderFileLabel, isDirectory, listFhirFolder } from './fhir-folder.ts';
import { withoutConsole } from './quiet-console.ts';
import type { ReadCsvOptions } from './csv.ts';

export { BUNDLE_TYPES } from './fhir-bundle-file.ts';
export { MAX_FHIR_FILES } from './fhir-folder.ts';

/** Longest NDJSON line (one resource), in bytes; longer lines are rejected ("fhir:line-too-long"). */
export const MAX_NDJSON_LINE = 4 * 1024 * 1024;
/** Largest Bundle entry (one resource with its fullUrl), in characters of JSON text; larger ones are rejected ("fhir:entry-too-large"). */
export const MAX_BUNDLE_ENTRY = 4 * 1024 * 1024;

export interface ReadFhirOptions extends Omit<ReadCsvOptions, 'maxRecordSize'> {
  /** Defaults to MAX_NDJSON_LINE. */
  maxLineBytes?: number;
  /** Defaults to MAX_BUNDLE_ENTRY. */
  maxEntryBytes?: number;
}

/** A FHIR reader: the resources at `path`, de-identified and prepared under `schema` as a CSV's rows would be. */
export type FhirReader = (path: string, schema: DatasetSchema, opts?: ReadFhirOptions) => Promise<PreparedDataset>;

const REFUSED = {
  'fhir:bundle-json': 'not JSON, or cut short',
  'fhir:bundle-type': `not a FHIR Bundle of type transaction, collection or searchset`,
} as const;

/**
 * One Bundle file, or every *.json Bundle of a folder (in name order); an
 * entry's fullUrl resolves the references to it. One file that is not a
 * Bundle read here is refused (E_DATA_FILE); in a folder it is one counted
 * rejection and the other files are still read.
 */
export const readFhirBundle: FhirReader = async (path, schema, opts = {}) => {
  const table = new FhirTable(schema); // checks the schema before any file is read
  const maxEntryBytes = opts.maxEntryBytes ?? MAX_BUNDLE_ENTRY;
  if (!(await isDirectory(path))) {
    const r = await readBundleFile(path, table, maxEntryBytes);
    if (r.rejected) throw new CohortError('E_DATA_FILE', `${path}: ${REFUSED[r.rejected]}`);
    countBundleResult(table, r);
    return prepare(table, schema, opts);
  }
  const folder = await listFhirFolder(path);
  if (folder.json.length === 0)
    throw new CohortError(
      'E_DATA_FILE',
      `${path}: no .json Bundle files (it holds ${describeFolder(folder)})${folder.ndjson.length > 0 ? '; for an NDJSON export use --format fhir-ndjson' : ''}`,
    );
  let refused = 0;
  for (const [i, f] of folder.json.entries()) {
    const r = await readBundleFile(f, table, maxEntryBytes, folderFileLabel(path, '.json', i, folder.json.length));
    if (r.rejected) refused++;
    countBundleResult(table, r);
  }
  // A refused file is one rejected record among a folder's thousands of resources: judged against the files too.
  return prepare(table, schema, opts, { read: folder.json.length, rejected: refused });
};

/** One NDJSON file, or every *.ndjson file of a folder (in name order). */
export const readFhirNdjson: FhirReader = async (path, schema, opts = {}) => {
  const table = new FhirTable(schema);
  let files = [path];
  let label = (_i: number) => path;
  if (await isDirectory(path)) {
    const folder = await listFhirFolder(path);
    if (folder.ndjson.length === 0)
      throw new CohortError(
        'E_DATA_FILE',
        `${path}: no .ndjson files (it holds ${describeFolder(folder)})${folder.json.length > 0 ? '; for a folder of Bundles use --format fhir-bundle' : ''}`,
      );
    files = folder.ndjson;
    label = (i) => folderFileLabel(path, '.ndjson', i, files.length);
  }
  for (const [i, f] of files.entries()) await readNdjsonFile(f, table, opts.maxLineBytes ?? MAX_NDJSON_LINE, label(i));
  return prepare(table, schema, opts);
};

async function readNdjsonFile(path: string, table: FhirTable, maxLineBytes: number, label: string): Promise<void> {
  const guard = new BoundedRecords({ maxRecordBytes: maxLineBytes, quotes: false });
  const lines = new Writable({
    write(chunk: Buffer, _enc, done) {
      // The guard passes whole lines only (the last may lack its newline).
      let start = 0;
      while (start < chunk.length) {
        let end = chunk.indexOf(0x0a, start);
        if (end === -1) end = chunk.length;
        const line = chunk.toString('utf8', start, end).trim();
        start = end + 1;
        if (line.length === 0) continue;
        let resource: unknown;
        try {
          resource = JSON.parse(line);
        } catch {
          table.reject('fhir:json');
          continue;
        }
        // FHIRPath columns are evaluated here: their libraries print to the console (quiet-console.ts).
        withoutConsole(() => table.add(resource));
      }
      done();
    },
  });
  try {
    await pipeline(createReadStream(path), guard, lines);
  } catch (err) {
    if (err instanceof CohortError) throw err;
    // Node's own message quotes the path: in a folder, `label` names the file by its place instead.
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CohortError('E_DATA_FILE', `${label}: cannot be read (${code})`);
  }
  table.reject('fhir:line-too-long', guard.oversized);
}

function prepare(
  table: FhirTable,
  schema: DatasetSchema,
  opts: ReadFhirOptions,
  files?: { read: number; rejected: number },
): Promise<PreparedDataset> {
  return prepareDataset(table.header, table.rows(), schema, {
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.secret ? { secret: opts.secret } : {}),
    ...(opts.kThreshold === undefined ? {} : { kThreshold: opts.kThreshold }),
    reader: () => ({ ...table.counts(), ...(files ? { files } : {}) }),
  });
}
