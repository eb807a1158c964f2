/**
 * DICOM Part 10 files in the image intake: parsed with dcmjs, de-identified
 * under PS3.15's Basic Profile (core/data/dicom-deidentify.ts), refused when
 * their pixels may carry burned-in text, and decoded to the same pixels a
 * PNG gives (core/data/dicom-pixels.ts). dcmjs because it reads and writes
 * Part 10 (a de-identified file can be written back, and test fixtures and
 * the simulator's files are written with it) in pure JavaScript, like the
 * PNG/JPEG decoders (docs/images.md, "DICOM").
 *
 * Costs are bounded before they are paid: the file's size by the caller
 * (limits.maxFileBytes), the transfer syntax read from the meta group before
 * dcmjs runs (a deflated data set is refused uninflated), the data set's
 * elements walked before dcmjs too (core/data/dicom-part10.ts dataSetShape:
 * lengths past the end, sequences nested or itemised past what dcmjs parses
 * in bounded time), rows × columns against limits.maxPixels before any
 * pixel buffer. A failure is a reason
 * code; no header value, and no dcmjs message (it can quote one), reaches an
 * error, a log or a report.
 */
import { createRequire } from 'node:module';
import { CohortError } from '../../core/errors.ts';
import {
  DEFAULT_MAX_SHIFT_DAYS,
  deidentifyDataset,
  type DeidRecord,
  type DicomDataset,
} from '../../core/data/dicom-deidentify.ts';
import { dataSetShape, isPart10, part10TransferSyntax } from '../../core/data/dicom-part10.ts';
import {
  burnedInAnnotation,
  dicomPixels,
  IMPLICIT_VR_LE,
  SUPPORTED_TRANSFER_SYNTAXES,
  type DicomRejection,
} from '../../core/data/dicom-pixels.ts';
import type { DecodedImage } from '../../core/data/image-decode.ts';
import type { DicomOptions } from '../../core/data/image-schema.ts';

/** The part of dcmjs's data API cohort uses (dcmjs ships no type declarations); tests write files with DicomDict. */
export interface DcmjsDict {
  meta: DicomDataset;
  dict: DicomDataset;
  write(): ArrayBuffer;
}
export interface Dcmjs {
  data: {
    DicomDict: new (meta: DicomDataset) => DcmjsDict;
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DcmjsDict };
    DicomMetaDictionary: { dictionary: Record<string, { vr?: string } | undefined> };
  };
  log: { setLevel(level: 'silent'): void; getLoggers(): Record<string, { setLevel(level: 'silent'): void }> };
}
let loaded: Dcmjs | undefined;

/**
 * dcmjs, loaded on the first DICOM file: it costs 0.1-0.3 s to load, which
 * every `cohort client` command would pay otherwise. It logs parser warnings
 * to the console, some quoting the element they are about, and its parser
 * warns through named loggers ("validation.dcmjs") that do not follow the
 * root's level: each is silenced.
 */
function dcmjsLib(): Dcmjs {
  if (loaded) return loaded;
  const lib = createRequire(import.meta.url)('dcmjs') as Dcmjs;
  lib.log.setLevel('silent');
  for (const l of Object.values(lib.log.getLoggers())) l.setLevel('silent');
  return (loaded = lib);
}

/** The schema's `dicom` options, every one defaulted (image-schema.ts). */
export const DICOM_DEFAULTS: DicomOptions = {
  profile: 'basic',
  retainLongitudinalTemporalModifiedDates: false,
  maxDateShiftDays: DEFAULT_MAX_SHIFT_DAYS,
  allowBurnedInAnnotation: false,
  requireBurnedInAnnotationNo: false,
  scaling: 'stored-range',
  multiFrame: 'first-frame',
};

/** A file the intake reads as DICOM: "DICM" at byte 128, whatever its name, or a .dcm/.dicom name. */
export function isDicomFile(name: string, bytes: Uint8Array): boolean {
  return isPart10(bytes) || /\.(dcm|dicom)$/i.test(name);
}

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** Whether dcmjs's dictionary makes (group, element) a sequence, as its reader looks it up for an implicit VR or UN value. */
function dcmjsSequenceTag(group: number, element: number): boolean {
  return dcmjsLib().data.DicomMetaDictionary.dictionary[`(${hex4(group)},${hex4(element)})`]?.vr === 'SQ';
}

const SHAPE_REASON = {
  'too-deep': 'dicom:nesting',
  'too-many-items': 'dicom:items',
  malformed: 'dicom:parse',
} as const satisfies Record<string, DicomRejection>;

type Parsed = { ok: true; file: DcmjsDict; transferSyntax: string } | { ok: false; reason: DicomRejection };

function parse(bytes: Uint8Array): Parsed {
  if (!isPart10(bytes)) return { ok: false, reason: 'dicom:not-part10' };
  const transferSyntax = part10TransferSyntax(bytes);
  if (transferSyntax === undefined) return { ok: false, reason: 'dicom:parse' };
  if (!SUPPORTED_TRANSFER_SYNTAXES.includes(transferSyntax)) return { ok: false, reason: 'dicom:transfer-syntax' };
  // Walked first: a length past the end or nesting dcmjs would spend minutes on is refused unparsed.
  const shape = dataSetShape(bytes, transferSyntax !== IMPLICIT_VR_LE, dcmjsSequenceTag);
  if (shape !== 'ok') return { ok: false, reason: SHAPE_REASON[shape] };
  try {
    // A copy of exactly the file's bytes (a Buffer's .buffer may be a larger shared pool).
    const copy = new Uint8Array(bytes).buffer;
    const file = dcmjsLib().data.DicomMessage.readFile(copy, { ignoreErrors: false, untilTag: null });
    if (!file || typeof file.dict !== 'object' || typeof file.meta !== 'object')
      return { ok: false, reason: 'dicom:parse' };
    return { ok: true, file, transferSyntax };
  } catch {
    // Truncated, a declared length past the end, nesting too deep: dcmjs's message may quote the file.
    return { ok: false, reason: 'dicom:parse' };
  }
}

function deidOptions(o: DicomOptions) {
  return { retainModifiedDates: o.retainLongitudinalTemporalModifiedDates, maxShiftDays: o.maxDateShiftDays };
}

/** Refusal by Burned In Annotation, per the options; `stated` is false when the file does not say. */
function burnedInCheck(ds: DicomDataset, o: DicomOptions): { reason?: DicomRejection; stated: boolean } {
  const b = burnedInAnnotation(ds);
  if (b === 'YES' && !o.allowBurnedInAnnotation) return { reason: 'dicom:burned-in-annotation', stated: true };
  if (b === undefined && o.requireBurnedInAnnotationNo) return { reason: 'dicom:burned-in-annotation', stated: false };
  return { stated: b !== undefined };
}

export type DicomImageResult =
  { ok: true; image: DecodedImage; burnedInStated: boolean } | { ok: false; reason: DicomRejection };

/**
 * A DICOM file's first frame as pixels, its header de-identified first (the
 * pixels are all the intake keeps; the header never leaves this function).
 */
export function readDicomImage(
  bytes: Uint8Array,
  opts: { dicom: DicomOptions; maxPixels: number; key: Uint8Array },
): DicomImageResult {
  const p = parse(bytes);
  if (!p.ok) return p;
  const { dict, meta } = p.file;
  const burned = burnedInCheck(dict, opts.dicom);
  if (burned.reason) return { ok: false, reason: burned.reason };
  deidentifyDataset(dict, meta, opts.key, deidOptions(opts.dicom));
  const r = dicomPixels(dict, p.transferSyntax, {
    maxPixels: opts.maxPixels,
    scaling: opts.dicom.scaling,
    multiFrame: opts.dicom.multiFrame,
  });
  return r.ok ? { ok: true, image: r.image, burnedInStated: burned.stated } : r;
}

export interface DeidentifiedDicom {
  /** The de-identified Part 10 file. */
  readonly bytes: Uint8Array;
  /** What was done to which attribute (tag paths and actions, never values). */
  readonly actions: readonly DeidRecord[];
}

/**
 * De-identifies a Part 10 file under PS3.15's Basic Profile (and, with
 * `retainLongitudinalTemporalModifiedDates`, its modified-dates option), keyed
 * by the site secret `key` (32 bytes or more: client/intake/secret.ts).
 * Throws E_DICOM_REJECTED, naming only the reason code, for a file the intake
 * would refuse before decoding (not Part 10, unparseable, an unsupported
 * transfer syntax, burned-in annotation under the options).
 */
export function deidentifyDicom(bytes: Uint8Array, options: Partial<DicomOptions>, key: Uint8Array): DeidentifiedDicom {
  const o = { ...DICOM_DEFAULTS, ...options };
  const p = parse(bytes);
  if (!p.ok) throw new CohortError('E_DICOM_REJECTED', `DICOM file refused (${p.reason})`);
  const burned = burnedInCheck(p.file.dict, o);
  if (burned.reason) throw new CohortError('E_DICOM_REJECTED', `DICOM file refused (${burned.reason})`);
  const actions = deidentifyDataset(p.file.dict, p.file.meta, key, deidOptions(o));
  return { bytes: new Uint8Array(p.file.write()), actions };
}
