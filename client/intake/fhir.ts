/**
 * The FHIR R4 edge of the intake: a Bundle JSON file, or an NDJSON bulk
 * export (one file, or a directory of Patient/Observation/Condition*.ndjson),
 * read into core/data's FhirTable and then the same pipeline as CSV. NDJSON
 * is streamed line by line through the same bounded-record guard as CSV, so
 * no file is ever held whole and an over-long line costs one rejection.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { CohortError } from '../../core/errors.ts';
import { FhirTable } from '../../core/data/fhir-table.ts';
import { prepareDataset } from '../../core/data/prepare.ts';
import type { DatasetSchema } from '../../core/data/schema.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { BoundedRecords } from './bounded-records.ts';
import { readJsonFile } from './json-file.ts';
import type { ReadCsvOptions } from './csv.ts';

/** Longest NDJSON line (one resource), in bytes; longer lines are rejected ("fhir:line-too-long"). */
export const MAX_NDJSON_LINE = 4 * 1024 * 1024;
/** Largest Bundle file read whole (a Bundle is one JSON document; bulk data belongs in NDJSON). */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** Most .ndjson files read from one directory. */
export const MAX_NDJSON_FILES = 10_000;

export interface ReadFhirOptions extends Omit<ReadCsvOptions, 'maxRecordSize'> {
  /** Defaults to MAX_NDJSON_LINE. */
  maxLineBytes?: number;
}

/** A FHIR reader: the resources at `path`, de-identified and prepared under `schema` as a CSV's rows would be. */
export type FhirReader = (path: string, schema: DatasetSchema, opts?: ReadFhirOptions) => Promise<PreparedDataset>;

/** One Bundle (JSON); its entries' fullUrls resolve the references between its resources. */
export const readFhirBundle: FhirReader = async (path, schema, opts = {}) => {
  const table = new FhirTable(schema); // checks the schema before any file is read
  const bundle = await readJsonFile(path, { maxBytes: MAX_BUNDLE_BYTES, what: 'FHIR Bundle', code: 'E_DATA_FILE' });
  const entries =
    typeof bundle === 'object' && bundle !== null && (bundle as Record<string, unknown>)['resourceType'] === 'Bundle'
      ? (bundle as Record<string, unknown>)['entry']
      : undefined;
  if (!Array.isArray(entries)) throw new CohortError('E_DATA_FILE', `${path}: not a FHIR Bundle with an entry array`);
  const resources = entries.map((e: unknown) =>
    typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {},
  );
  for (const e of resources) table.alias(e['fullUrl'], e['resource']);
  for (const e of resources) table.add(e['resource']);
  return prepare(table, schema, opts);
};

/** One NDJSON file, or every *.ndjson file of a directory (in name order). */
export const readFhirNdjson: FhirReader = async (path, schema, opts = {}) => {
  const table = new FhirTable(schema);
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path))
        .filter((f) => f.endsWith('.ndjson'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new CohortError('E_DATA_FILE', `${path}: no .ndjson files`);
  if (files.length > MAX_NDJSON_FILES)
    throw new CohortError('E_DATA_FILE', `${path}: over ${MAX_NDJSON_FILES} .ndjson files`);
  for (const f of files) await readNdjsonFile(f, table, opts.maxLineBytes ?? MAX_NDJSON_LINE);
  return prepare(table, schema, opts);
};

async function readNdjsonFile(path: string, table: FhirTable, maxLineBytes: number): Promise<void> {
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
        table.add(resource);
      }
      done();
    },
  });
  await pipeline(createReadStream(path), guard, lines);
  table.reject('fhir:line-too-long', guard.oversized);
}

function prepare(table: FhirTable, schema: DatasetSchema, opts: ReadFhirOptions): Promise<PreparedDataset> {
  return prepareDataset(table.header, table.rows(), schema, {
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.secret ? { secret: opts.secret } : {}),
    ...(opts.kThreshold === undefined ? {} : { kThreshold: opts.kThreshold }),
    reader: () => table.counts(),
  });
}
