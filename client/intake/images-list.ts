/**
 * Which image files a dataset holds, and under which label and split: an
 * ImageFolder walk (`<root>/<label>/<file>`, or `<root>/<split>/<label>/<file>`
 * when the schema declares splits) or a CSV manifest of paths relative to the
 * manifest's folder. Nothing is decoded here. Entries that cannot be images
 * of the dataset are counted by reason, never named: a path can itself be
 * identifying (a patient number in a file name).
 */
import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { CohortError } from '../../core/errors.ts';
import { classIndexOf, type ImageSchema } from '../../core/data/image-schema.ts';
import { BoundedRecords } from './bounded-records.ts';

/** The split name of a dataset that declares no splits. */
export const ALL_SPLIT = 'all';
/** Longest manifest record, in bytes: a path, a label and a split. */
export const MAX_MANIFEST_RECORD = 16 * 1024;

export interface ImageEntry {
  /** Absolute path, inside `root`. */
  readonly path: string;
  readonly classIndex: number;
  readonly split: string;
}

export interface ImageListing {
  /** The folder every image must stay inside (the ImageFolder root, or the manifest's folder). */
  readonly root: string;
  readonly entries: ImageEntry[];
  readonly rejected: Record<string, number>;
  readonly ignored: Record<string, number>;
}

const IMAGE_NAME = /\.(png|jpe?g|dcm|dicom)$/i;

export function bump(m: Record<string, number>, reason: string, by = 1): void {
  m[reason] = (m[reason] ?? 0) + by;
}

function tooMany(max: number): CohortError {
  return new CohortError(
    'E_DATA_FILE',
    `more than ${max} image files (the schema's limits.maxImages); dataset refused`,
  );
}

/**
 * Walks an ImageFolder tree. Hidden entries (".DS_Store", macOS "._x.png")
 * and files without a .png/.jpg/.jpeg/.dcm/.dicom name are ignored; files at another
 * depth than the layout's are ignored ('image:layout'); symbolic links are
 * rejected ('image:symlink': they could lead out of the root); images under
 * an undeclared split or label folder are rejected ('image:split-unknown',
 * 'image:label-unknown').
 */
export async function listImageFolder(root: string, schema: ImageSchema, maxImages: number): Promise<ImageListing> {
  const out: ImageListing = { root, entries: [], rejected: {}, ignored: {} };
  const depth = schema.splits ? 2 : 1;
  let seen = 0;
  const walk = async (dir: string, parts: string[]): Promise<void> => {
    for await (const e of await opendir(dir)) {
      if (e.name.startsWith('.')) bump(out.ignored, 'image:hidden');
      else if (e.isSymbolicLink()) bump(out.rejected, 'image:symlink');
      else if (e.isDirectory()) {
        if (parts.length < depth) await walk(join(dir, e.name), [...parts, e.name]);
        else bump(out.ignored, 'image:layout');
      } else if (!e.isFile() || !IMAGE_NAME.test(e.name)) bump(out.ignored, 'image:not-image-name');
      else if (parts.length < depth) bump(out.ignored, 'image:layout');
      else {
        if (++seen > maxImages) throw tooMany(maxImages);
        const split = schema.splits ? parts[0]! : ALL_SPLIT;
        addEntry(out, schema, join(dir, e.name), parts[depth - 1]!, split);
      }
    }
  };
  try {
    await walk(root, []);
  } catch (err) {
    throw typedFsError(err, 'image folder');
  }
  // Directory order is the file system's: sorted, the rows come out the same everywhere.
  out.entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

function addEntry(out: ImageListing, schema: ImageSchema, path: string, label: string, split: string): void {
  if (schema.splits && !schema.splits.includes(split)) return bump(out.rejected, 'image:split-unknown');
  const classIndex = classIndexOf(schema, label);
  if (classIndex === undefined) return bump(out.rejected, 'image:label-unknown');
  out.entries.push({ path, classIndex, split });
}

/**
 * A manifest's image path is refused ('image:path') unless it is relative and
 * stays below the manifest's folder: no absolute path, drive letter, "..",
 * backslash or NUL. (Symbolic links below the folder are caught when the file
 * is read: its real path must stay inside.)
 */
export function safeRelativePath(p: string): boolean {
  if (p.length === 0 || p.length > 4096 || p.includes('\0') || p.includes('\\')) return false;
  if (isAbsolute(p) || /^[A-Za-z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '..');
}

/** Reads a CSV manifest (header line, then one image a line) under the schema's manifest source. */
export async function listImageManifest(
  manifest: string,
  schema: ImageSchema,
  maxImages: number,
): Promise<ImageListing> {
  if (schema.source.layout !== 'manifest') throw new CohortError('E_SCHEMA_INVALID', 'the schema declares no manifest');
  const src = schema.source;
  const out: ImageListing = { root: dirname(manifest), entries: [], rejected: {}, ignored: {} };
  // A device or FIFO (/dev/zero) would never end; a regular file does.
  const st = await stat(manifest).catch((err: unknown) => {
    throw typedFsError(err, 'image manifest');
  });
  if (!st.isFile()) throw new CohortError('E_DATA_FILE', 'image manifest: not a regular file');
  const guard = new BoundedRecords({ maxRecordBytes: MAX_MANIFEST_RECORD, quotes: true });
  const parser = parse({ bom: true, trim: true, relax_column_count: true, skip_empty_lines: true });
  pipeline(createReadStream(manifest), guard, parser, () => {});
  let cols: { path: number; label: number; split: number } | undefined;
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      if (!cols) {
        cols = manifestColumns(rec, src);
        continue;
      }
      if (++rows > maxImages) throw tooMany(maxImages);
      manifestRow(out, schema, rec, cols);
    }
  } catch (err) {
    if (err instanceof CsvError) throw new CohortError('E_DATA_ROW', `image manifest: unparseable CSV (${err.code})`);
    throw typedFsError(err, 'image manifest');
  } finally {
    parser.destroy();
  }
  if (!cols) throw new CohortError('E_DATA_EMPTY', 'image manifest: empty file, no header line');
  if (guard.oversized > 0) bump(out.rejected, 'csv:oversize', guard.oversized);
  return out;
}

type ManifestSource = Extract<ImageSchema['source'], { layout: 'manifest' }>;

function manifestColumns(header: string[], src: ManifestSource): { path: number; label: number; split: number } {
  const find = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new CohortError('E_DATA_COLUMNS', `image manifest: no column "${name}" in the header`);
    return i;
  };
  return {
    path: find(src.pathColumn),
    label: find(src.labelColumn),
    split: src.splitColumn ? find(src.splitColumn) : -1,
  };
}

function manifestRow(
  out: ImageListing,
  schema: ImageSchema,
  rec: string[],
  cols: { path: number; label: number; split: number },
): void {
  const need = Math.max(cols.path, cols.label, cols.split);
  if (rec.length <= need) return bump(out.rejected, 'manifest:cells');
  const p = rec[cols.path]!;
  if (!safeRelativePath(p)) return bump(out.rejected, 'image:path');
  if (!IMAGE_NAME.test(p)) return bump(out.ignored, 'image:not-image-name');
  addEntry(out, schema, join(out.root, p), rec[cols.label]!, cols.split < 0 ? ALL_SPLIT : rec[cols.split]!);
}

/** A file system error on the root or manifest itself refuses the dataset, naming the error code only. */
function typedFsError(err: unknown, what: string): unknown {
  if (err instanceof CohortError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new CohortError('E_DATA_FILE', `${what} cannot be read (${typeof code === 'string' ? code : 'error'})`, {
    cause: err,
  });
}
