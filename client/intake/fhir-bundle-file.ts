/**
 * One FHIR Bundle file streamed into a FhirTable, entry by entry
 * (fhir-bundle-tokens.ts): the reader holds one entry (at most the cap),
 * one 64 KiB input chunk and its tokens, whatever the file's size.
 * A file that is not JSON or is cut short, that is not a Bundle, or whose
 * Bundle type is not one read here, is one counted rejection by reason
 * ("fhir:bundle-json", "fhir:bundle-type"); entries completed before a
 * break are kept (each is a whole resource). An entry over the size cap is
 * one "fhir:entry-too-large". Messages name the file (or, in a folder, its
 * place: fhir.ts), never its content.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { jsonParser } from 'stream-json/core/parser.js';
import { CohortError } from '../../core/errors.ts';
import type { FhirRejection, FhirTable } from '../../core/data/fhir-table.ts';
import { BUNDLE_PARSER_OPTIONS, BundleTokens, type BundleHead, type EntryDecision } from './fhir-bundle-tokens.ts';
import { withoutConsole } from './quiet-console.ts';

/**
 * Bundle types whose entries are resources as stored: a transaction (Synthea's
 * per-patient files), a batch (Synthea's hospitalInformation and
 * practitionerInformation files, written into the same folder: their
 * Organizations and Practitioners are counted as not read, not as rejected),
 * a collection, a searchset (entries of search.mode "match" and "include"
 * alike). Responses, histories (several versions of one resource), documents
 * and messages are refused ("fhir:bundle-type").
 */
export const BUNDLE_TYPES: ReadonlySet<string> = new Set(['transaction', 'batch', 'collection', 'searchset']);

export interface BundleReadResult {
  head: BundleHead;
  entries: number;
  oversized: number;
  /** Why the file as a whole was not (fully) read; undefined when it was. */
  rejected?: Extract<FhirRejection, 'fhir:bundle-json' | 'fhir:bundle-type'>;
}

// O_NONBLOCK: a FIFO must not block the open (it is then refused as not a regular file).
const FLAGS = process.platform === 'win32' ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK;
const CHUNK = 1 << 16;

/** While streaming: entries are read once the head is known to be a Bundle of a type read here. */
function decideFor(head: BundleHead): EntryDecision {
  if (head.resourceType !== undefined && head.resourceType !== 'Bundle') return 'skip';
  if (head.type !== undefined && !BUNDLE_TYPES.has(head.type)) return 'skip';
  return head.resourceType === undefined || head.type === undefined ? 'wait' : 'read';
}

/**
 * Once the whole top level is read. A Bundle without `type` (required by
 * FHIR, but left out of hand-written files) is read as a collection: its
 * entries are resources; a type that says otherwise is refused.
 */
function acceptable(head: BundleHead): boolean {
  return head.resourceType === 'Bundle' && (head.type === undefined || BUNDLE_TYPES.has(head.type));
}

/**
 * Streams `input` as one Bundle, handing each entry to `onEntry`. With
 * `knownHead` (a second read) entries are handed out whatever the key order.
 * Never throws for the content: a parse failure is `rejected: 'fhir:bundle-json'`.
 */
export async function streamBundle(
  input: AsyncIterable<Buffer | string>,
  opts: { maxEntryBytes: number; onEntry(entry: unknown): void; knownHead?: boolean },
): Promise<BundleReadResult & { deferred: boolean }> {
  const tokens = new BundleTokens({
    maxEntryBytes: opts.maxEntryBytes,
    decide: opts.knownHead ? () => 'read' : decideFor,
    onEntry: opts.onEntry,
  });
  // Keys and numbers are held whole by the tokenizer: one longer than an entry may be is no FHIR.
  const parse = jsonParser({ ...BUNDLE_PARSER_OPTIONS, maxPackedLength: opts.maxEntryBytes });
  const decoder = new StringDecoder('utf8');
  let first = true;
  let failed = false;
  const feed = (text: string) => {
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as some exporters write
    }
    let out: ReturnType<typeof parse>;
    try {
      out = parse(text);
    } catch {
      // The tokenizer's message quotes the text around the fault: a patient's record. Never passed on.
      failed = true;
      return;
    }
    // Outside the try: an error of the table (onEntry) is not the file's and propagates.
    if (typeof out === 'object') tokens.feed(out.values);
  };
  for await (const chunk of input) {
    feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (failed || tokens.refused) break;
  }
  if (!failed) feed(decoder.end());
  const result = { head: tokens.head, entries: tokens.entries, oversized: tokens.oversized, deferred: tokens.deferred };
  if (failed || (!tokens.complete && !tokens.refused)) return { ...result, rejected: 'fhir:bundle-json' };
  if (!acceptable(tokens.head)) return { ...result, rejected: 'fhir:bundle-type' };
  return result;
}

/**
 * Opens `path` for streaming: a regular file only (not /dev/zero, not a FIFO).
 * The refusal names the file as `label` says: its path when the operator gave
 * it, its place in a folder otherwise (fhir.ts), since a folder's file names
 * can be patients' names (Synthea's are) and errors reach the daemon's log.
 */
async function openRegular(path: string, label: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CohortError('E_DATA_FILE', `${label}: cannot be opened (${code})`);
  }
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw new CohortError('E_DATA_FILE', `${label}: not a regular file`);
  }
  return fh;
}

async function streamFile(
  path: string,
  opts: { maxEntryBytes: number; onEntry(entry: unknown): void; knownHead?: boolean; label: string },
): ReturnType<typeof streamBundle> {
  const fh = await openRegular(path, opts.label);
  const stream: Readable = fh.createReadStream({ highWaterMark: CHUNK });
  try {
    return await streamBundle(stream, opts);
  } finally {
    stream.destroy();
    await fh.close().catch(() => {});
  }
}

/**
 * Reads the Bundle at `path` into `table` (alias, then add, entry by entry)
 * and counts what it cost. When the entry array comes before the Bundle's
 * `resourceType`/`type`, the file is read a second time with them known.
 * `label` names the file in an error (default: its path).
 */
export async function readBundleFile(
  path: string,
  table: FhirTable,
  maxEntryBytes: number,
  label = path,
): Promise<BundleReadResult> {
  const onEntry = (entry: unknown) => {
    const e = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    table.alias(e['fullUrl'], e['resource']);
    // FHIRPath columns are evaluated here: their libraries print to the console (quiet-console.ts).
    withoutConsole(() => table.add(e['resource']));
  };
  let r = await streamFile(path, { maxEntryBytes, onEntry, label });
  if (r.deferred && acceptable(r.head)) r = await streamFile(path, { maxEntryBytes, onEntry, knownHead: true, label });
  return r;
}

/** Counts a file's result into the table's rejections. */
export function countBundleResult(table: FhirTable, r: BundleReadResult): void {
  if (r.rejected) table.reject(r.rejected);
  table.reject('fhir:entry-too-large', r.oversized);
}
