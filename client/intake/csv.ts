/**
 * The hospital-side edge of the data intake: reads a declared schema file and
 * streams a CSV export through csv-parse into the pure pipeline
 * (core/data/prepare.ts). Records are never buffered whole-file and never
 * quoted in an error.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { CohortError } from '../../core/errors.ts';
import { parseDatasetSchema, type DatasetSchema } from '../../core/data/schema.ts';
import { prepareDataset } from '../../core/data/prepare.ts';
import type { PreparedDataset } from '../../core/data/types.ts';

/**
 * Longest CSV record accepted, in characters (csv-parse's `max_record_size`).
 * Real clinical rows are well under 10 KiB; the limit stops one endless line
 * (a binary file, a broken export) from growing the parser's buffer without end.
 */
export const MAX_RECORD_SIZE = 1024 * 1024;
/** Largest schema file read; a schema is a few KiB. */
export const MAX_SCHEMA_FILE_SIZE = 1024 * 1024;

export interface ReadCsvOptions {
  /** Overrides the schema's split seed. */
  seed?: number;
  /** Defaults to MAX_RECORD_SIZE. */
  maxRecordSize?: number;
}

/**
 * Reads `path` (first line: header) and prepares it under `schema`.
 *
 * Rows with a wrong cell count reach the pipeline (`relax_column_count`) and
 * are counted there as "cells". A record over `maxRecordSize` or broken
 * quoting is different: csv-parse cannot resynchronise after it (its
 * skip-on-error mode keeps buffering the oversized field), so the whole file is
 * refused with E_DATA_ROW naming only the line number.
 */
export async function readCsvDataset(path: string, schema: DatasetSchema, opts: ReadCsvOptions = {}): Promise<PreparedDataset> {
  const maxRecordSize = opts.maxRecordSize ?? MAX_RECORD_SIZE;
  const parser = parse({ bom: true, trim: true, relax_column_count: true, skip_empty_lines: true, max_record_size: maxRecordSize });
  // pipeline, not pipe: a read error (missing file) must reach the parser's iterator, or it would wait forever.
  pipeline(createReadStream(path), parser, () => {});
  const records: AsyncIterator<string[]> = parser[Symbol.asyncIterator]();
  try {
    const header = await records.next();
    if (header.done) throw new CohortError('E_DATA_EMPTY', `${path}: empty file, no header line`);
    const rows: AsyncIterable<string[]> = { [Symbol.asyncIterator]: () => records };
    return await prepareDataset(header.value, rows, schema, opts.seed === undefined ? {} : { seed: opts.seed });
  } catch (err) {
    throw err instanceof CsvError ? csvFailure(path, err, maxRecordSize) : err;
  } finally {
    parser.destroy();
  }
}

/** Reads and validates a schema file; unreadable JSON or an invalid schema is E_SCHEMA_INVALID. */
export async function loadSchemaFile(path: string): Promise<DatasetSchema> {
  const { size } = await stat(path);
  if (size > MAX_SCHEMA_FILE_SIZE) {
    throw new CohortError('E_SCHEMA_INVALID', `${path}: ${size} bytes, over the ${MAX_SCHEMA_FILE_SIZE}-byte schema limit`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    // JSON.parse's message quotes the text around the fault; if a CSV was passed
    // by mistake, that text is a patient's record.
    throw new CohortError('E_SCHEMA_INVALID', `${path}: not valid JSON`);
  }
  return parseDatasetSchema(json);
}

/**
 * csv-parse errors carry the offending record and field (`raw`, `record`) and
 * some messages quote a character of it, so neither the message nor the error
 * is passed on, only its code and line.
 */
function csvFailure(path: string, err: CsvError, maxRecordSize: number): CohortError {
  const line = typeof err['lines'] === 'number' ? ` at line ${err['lines']}` : '';
  const what = err.code === 'CSV_MAX_RECORD_SIZE' ? `a record over ${maxRecordSize} characters` : `unparseable CSV (${err.code})`;
  return new CohortError('E_DATA_ROW', `${path}: ${what}${line}; file refused`);
}
