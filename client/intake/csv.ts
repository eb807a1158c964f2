/**
 * The hospital-side edge of the data intake: reads a declared schema file and
 * streams a CSV export through csv-parse into the pure pipeline
 * (core/data/prepare.ts). Records are never buffered whole-file and never
 * quoted in an error.
 */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { BoundedRecords } from './bounded-records.ts';
import { readJsonFile } from './json-file.ts';
import { CsvError, parse } from 'csv-parse';
import { CohortError, ERRORS } from '../../core/errors.ts';
import type { DatasetSchema } from '../../core/data/schema.ts';
import { loadDatasetSchema } from '../../core/data/fhir-schema.ts';
import { prepareDataset } from '../../core/data/prepare.ts';
import type { PreparedDataset } from '../../core/data/types.ts';

/**
 * Longest CSV record accepted, in bytes. Real clinical rows are well under
 * 10 KiB; a longer record (a binary file, a broken export, a 1 GB field) is
 * cut out by the guard in front of the parser, counted as "csv:oversize", and
 * the rest of the file is read.
 */
export const MAX_RECORD_SIZE = 1024 * 1024;
/** Largest schema file read; a schema is a few KiB. */
export const MAX_SCHEMA_FILE_SIZE = 1024 * 1024;

export interface ReadCsvOptions {
  /** Overrides the schema's split seed. */
  seed?: number;
  /** Defaults to MAX_RECORD_SIZE (bytes). */
  maxRecordSize?: number;
  /** Site secret (secret.ts), needed when the schema has pseudonym or shifted-date columns. */
  secret?: Uint8Array;
  /** Classes smaller than this are flagged in the k-anonymity report. */
  kThreshold?: number;
}

/**
 * Reads a CSV export (first line: header) from a path or a byte stream and
 * prepares it under `schema`.
 *
 * Rows with a wrong cell count reach the pipeline (`relax_column_count`) and
 * are counted there as "cells". A record over `maxRecordSize` never reaches
 * the parser (BoundedRecords cuts it out: "csv:oversize"). Broken quoting
 * still refuses the file (E_DATA_ROW, line number only): csv-parse's
 * skip-on-error mode does not resynchronise after it and would silently lose
 * the rows that follow.
 */
export async function readCsvDataset(
  source: string | Readable,
  schema: DatasetSchema,
  opts: ReadCsvOptions = {},
): Promise<PreparedDataset> {
  const maxRecordSize = opts.maxRecordSize ?? MAX_RECORD_SIZE;
  const label = typeof source === 'string' ? source : 'CSV stream';
  const guard = new BoundedRecords({ maxRecordBytes: maxRecordSize, quotes: true });
  const parser = parse({
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // A backstop only: the guard already keeps records (in bytes, so also in characters) under the limit.
    max_record_size: maxRecordSize + 1,
  });
  // pipeline, not pipe: a read error (missing file) must reach the parser's iterator, or it would wait forever.
  pipeline(typeof source === 'string' ? createReadStream(source) : source, guard, parser, () => {});
  const records: AsyncIterator<string[]> = parser[Symbol.asyncIterator]();
  try {
    const header = await records.next();
    if (header.done) throw new CohortError('E_DATA_EMPTY', `${label}: empty file, no header line`);
    const rows: AsyncIterable<string[]> = { [Symbol.asyncIterator]: () => records };
    return await prepareDataset(header.value, rows, schema, {
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.secret ? { secret: opts.secret } : {}),
      ...(opts.kThreshold === undefined ? {} : { kThreshold: opts.kThreshold }),
      reader: () => ({ recordsRejected: nonZero({ 'csv:oversize': guard.oversized }), valuesRejected: {} }),
    });
  } catch (err) {
    if (err instanceof CsvError) throw csvFailure(label, err);
    // A file system error (missing file, no permission) is typed too; its message names only the path.
    const code = (err as NodeJS.ErrnoException).code;
    if (!(err instanceof CohortError) && typeof code === 'string' && code.startsWith('E') && !(code in ERRORS)) {
      throw new CohortError('E_DATA_FILE', `${label}: cannot be read (${code})`, { cause: err });
    }
    throw err;
  } finally {
    parser.destroy();
  }
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** Reads and validates a schema file; a missing, special or oversized file, unreadable JSON or an invalid schema is E_SCHEMA_INVALID. */
export async function loadSchemaFile(path: string): Promise<DatasetSchema> {
  return loadDatasetSchema(
    await readJsonFile(path, { maxBytes: MAX_SCHEMA_FILE_SIZE, what: 'schema', code: 'E_SCHEMA_INVALID' }),
  );
}

/**
 * csv-parse errors carry the offending record and field (`raw`, `record`) and
 * some messages quote a character of it, so neither the message nor the error
 * is passed on, only its code and line.
 */
function csvFailure(label: string, err: CsvError): CohortError {
  const line = typeof err['lines'] === 'number' ? ` at line ${err['lines']}` : '';
  return new CohortError('E_DATA_ROW', `${label}: unparseable CSV (${err.code})${line}; file refused`);
}
