/**
 * The hospital-side image intake: an ImageFolder tree or a CSV manifest of
 * image paths (images-list.ts) in, one DatasetSplit per split out, with an
 * IntakeReport that counts every file not used by reason. Decoding and pixel
 * work are pure (core/data/image-decode.ts, image-pixels.ts; the choice of
 * pure-JS decoders is explained there); this module only reads files, one at
 * a time, each under the schema's limits: file size checked before reading,
 * width × height from the header before decoding, the number of images before
 * anything is allocated, and the whole tensor (images × h·w·c values) under
 * MAX_TENSOR_VALUES. No path or pixel reaches a message or a log.
 */
import { randomBytes } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { CohortError } from '../../core/errors.ts';
import { decodeImage } from '../../core/data/image-decode.ts';
import { overRejected } from '../../core/data/trainability.ts';
import { imageToInput } from '../../core/data/image-pixels.ts';
import { imageLimits, parseImageSchema, type ImageLimits, type ImageSchema } from '../../core/data/image-schema.ts';
import { imageSplit, type ImageShape } from '../../core/data/image-split.ts';
import type { ColumnReport, DatasetSplit, IntakeReport } from '../../core/data/types.ts';
import { readCappedFileAsync } from '../../edge/capped-file.ts';
import { bump, listImageFolder, listImageManifest, type ImageEntry, type ImageListing } from './images-list.ts';
import { readJsonFile } from './json-file.ts';
import { isDicomFile, readDicomImage } from './dicom.ts';

export { ALL_SPLIT } from './images-list.ts';

/** Most float32 values one image dataset may hold (1 GiB): images × h × w × c, checked before decoding. */
export const MAX_TENSOR_VALUES = 2 ** 28;
/** Largest image schema file read. */
export const MAX_IMAGE_SCHEMA_FILE_SIZE = 256 * 1024;

export interface ImageDataset {
  readonly schemaId: string;
  /** Class names in label order (y is an index into it). */
  readonly classes: readonly string[];
  readonly shape: ImageShape;
  /** One split per declared split name present, or `all` when the schema declares none. */
  readonly splits: Readonly<Record<string, DatasetSplit>>;
  readonly report: IntakeReport;
}

/** Reads and validates an image schema file (E_SCHEMA_INVALID otherwise). */
export async function loadImageSchemaFile(path: string): Promise<ImageSchema> {
  return parseImageSchema(
    await readJsonFile(path, { maxBytes: MAX_IMAGE_SCHEMA_FILE_SIZE, what: 'image schema', code: 'E_SCHEMA_INVALID' }),
  );
}

export interface ReadImageOptions {
  /**
   * The site secret keying DICOM de-identification (replacement UIDs, date
   * shifts); absent, a random key for this read (only pixels are kept, so
   * nothing keyed outlives it).
   */
  secret?: Uint8Array;
}

/** DICOM files used, and how many of them did not state Burned In Annotation. */
interface DicomTally {
  used: number;
  burnedInUnstated: number;
}

/** Reads the images at `path` (the ImageFolder root, or the manifest file) under `schema`. */
export async function readImageDataset(
  path: string,
  schema: ImageSchema,
  opts: ReadImageOptions = {},
): Promise<ImageDataset> {
  const limits = imageLimits(schema);
  const listing =
    schema.source.layout === 'folder'
      ? await listImageFolder(path, schema, limits.maxImages)
      : await listImageManifest(path, schema, limits.maxImages);
  const shape: ImageShape = { height: schema.size[0], width: schema.size[1], channels: schema.channels };
  const d = shape.height * shape.width * shape.channels;
  if (listing.entries.length * d > MAX_TENSOR_VALUES)
    throw new CohortError(
      'E_DATA_FILE',
      `${listing.entries.length} images of ${d} values exceed ${MAX_TENSOR_VALUES} values; dataset refused`,
    );
  const root = await realpath(listing.root).catch(() => {
    throw new CohortError('E_DATA_FILE', 'image root cannot be resolved');
  });
  // Every listed image is read: rowsRead = listed + rejected while listing = used + all rejections.
  const rowsRead = listing.entries.length + total(listing.rejected);
  const acc = new SplitAccumulator(listing.entries, d);
  const dicom: DicomTally & { key: Uint8Array } = { used: 0, burnedInUnstated: 0, key: opts.secret ?? randomBytes(32) };
  for (const e of listing.entries) {
    const r = await readOne(e.path, root, schema, limits, dicom);
    if (typeof r === 'string') bump(listing.rejected, r);
    else acc.add(e, r);
  }
  if (acc.used === 0) throw new CohortError('E_DATA_EMPTY', 'no image could be used (see the counts by reason)');
  refuseIfMostlyRejected(schema, rowsRead, listing.rejected);
  return {
    schemaId: schema.id,
    classes: schema.classes,
    shape,
    splits: acc.splits(shape, schema.classes.length),
    report: report(listing, rowsRead, acc.used, schema, dicom),
  };
}

/** One file to one row of model input, or the reason it is rejected. */
async function readOne(
  path: string,
  root: string,
  schema: ImageSchema,
  limits: ImageLimits,
  dicom: DicomTally & { key: Uint8Array },
): Promise<Float32Array | string> {
  let real: string;
  try {
    real = await realpath(path);
    const st = await stat(real);
    if (!st.isFile()) return 'image:not-file';
    if (st.size > limits.maxFileBytes) return 'image:file-too-large';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'image:missing' : 'image:read';
  }
  // A manifest path or a link below the root must not lead out of it.
  if (!real.startsWith(root + sep)) return 'image:path';
  let bytes: Buffer;
  try {
    bytes = await readCappedFileAsync(real, { maxBytes: limits.maxFileBytes, what: 'image', code: 'E_DATA_FILE' });
  } catch {
    return 'image:read';
  }
  if (isDicomFile(real, bytes)) {
    const r = readDicomImage(bytes, { dicom: schema.dicom, maxPixels: limits.maxPixels, key: dicom.key });
    if (!r.ok) return r.reason;
    dicom.used++;
    if (!r.burnedInStated) dicom.burnedInUnstated++;
    return imageToInput(r.image, schema.size, schema.channels, schema.normalise);
  }
  const decoded = decodeImage(bytes, limits.maxPixels);
  if (!decoded.ok) return decoded.reason;
  return imageToInput(decoded.image, schema.size, schema.channels, schema.normalise);
}

/** Rows per split, written into buffers sized for every listed entry, trimmed at the end. */
class SplitAccumulator {
  used = 0;
  private readonly acc = new Map<string, { x: Float32Array; y: Float32Array; n: number }>();

  constructor(
    entries: readonly ImageEntry[],
    private readonly d: number,
  ) {
    const sizes = new Map<string, number>();
    for (const e of entries) sizes.set(e.split, (sizes.get(e.split) ?? 0) + 1);
    for (const [s, n] of sizes) this.acc.set(s, { x: new Float32Array(n * d), y: new Float32Array(n), n: 0 });
  }

  add(e: ImageEntry, row: Float32Array): void {
    const a = this.acc.get(e.split)!;
    a.x.set(row, a.n * this.d);
    a.y[a.n++] = e.classIndex;
    this.used++;
  }

  splits(shape: ImageShape, classCount: number): Record<string, DatasetSplit> {
    const out: Record<string, DatasetSplit> = {};
    for (const [s, a] of this.acc) {
      if (a.n === 0) continue;
      out[s] = imageSplit(a.x.slice(0, a.n * this.d), a.y.slice(0, a.n), shape, classCount);
    }
    return out;
  }
}

/** As the tabular intake (core/data/trainability.ts): more than maxRejectedFraction of the files rejected refuses the data. */
const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

function refuseIfMostlyRejected(schema: ImageSchema, read: number, rejected: Record<string, number>): void {
  const n = total(rejected);
  const why = overRejected(
    { what: 'the intake rejected', rejected: n, of: read, unit: 'files' },
    { schema, reader: { recordsRejected: rejected } },
  );
  if (why)
    throw new CohortError(
      'E_DATA_UNTRAINABLE',
      `image schema "${schema.id}": refusing to train on this data: ${why}. Read the rejection reasons before raising the schema's "maxRejectedFraction"`,
    );
}

function report(
  listing: ImageListing,
  rowsRead: number,
  used: number,
  schema: ImageSchema,
  dicom: DicomTally,
): IntakeReport {
  const norm =
    schema.normalise.kind === 'scale'
      ? 'scaled to [0, 1]'
      : `(v - mean) / std, mean [${schema.normalise.mean.join(', ')}], std [${schema.normalise.std.join(', ')}] (${schema.normalise.source})`;
  const column: ColumnReport = {
    name: 'image',
    kind: 'image',
    action: `decoded, ${schema.channels === 1 ? 'grey' : 'RGB'}, resized to ${schema.size[0]}x${schema.size[1]} (bilinear), ${norm}`,
    values: used,
    missing: 0,
    special: 0,
    clamped: 0,
  };
  return {
    rowsRead,
    rowsUsed: used,
    rowsDropped: {},
    recordsRejected: listing.rejected,
    valuesRejected: {},
    recordsIgnored: listing.ignored,
    columns: dicom.used > 0 ? [column, dicomColumn(schema, dicom)] : [column],
  };
}

/** The DICOM headers' treatment; `missing` counts used files that did not state Burned In Annotation. */
function dicomColumn(schema: ImageSchema, dicom: DicomTally): ColumnReport {
  const dates = schema.dicom.retainLongitudinalTemporalModifiedDates ? ', dates shifted (modified dates option)' : '';
  return {
    name: 'dicom-header',
    kind: 'dicom',
    action: `de-identified (PS3.15 Basic Application Level Confidentiality Profile${dates}), then not used`,
    values: dicom.used,
    missing: dicom.burnedInUnstated,
    special: 0,
    clamped: 0,
  };
}
