/**
 * A parsed DICOM image's first frame to pixels (the DecodedImage the PNG and
 * JPEG path yields, so resizing and normalisation are shared: image-pixels.ts).
 *
 * Native pixel data (implicit or explicit VR little endian): 1 sample
 * (MONOCHROME1, MONOCHROME2) or 3 (RGB, Planar Configuration 0 or 1),
 * Bits Allocated 8 or 16, Bits Stored masked (High Bit must be Bits Stored − 1),
 * signed values sign-extended. JPEG Baseline (1.2.840.10008.1.2.4.50) is
 * decoded by jpeg-js through image-decode.ts. Any other transfer syntax
 * (JPEG-LS, JPEG 2000, RLE, which dcmjs does not decode, big endian, deflate)
 * is refused ('dicom:transfer-syntax').
 *
 * Scaling to [0, 1] (`scaling`):
 * - 'stored-range' (default): by the range Bits Stored can hold, (v − min) /
 *   (max − min), as a PNG is scaled by its bit depth. Rescale Slope/Intercept
 *   map values linearly, so under this scaling only the slope's sign matters:
 *   a negative slope inverts.
 * - 'window': by the file's first Window Center/Width, applied to the
 *   rescaled values with PS3.3 C.11.2.1.2.1's linear function; a file
 *   without a usable window falls back to 'stored-range'.
 * MONOCHROME1 (white is zero) is inverted, so 1 is always white.
 * Multi-frame files: the first frame is used ('first-frame'), or the file is
 * refused ('refuse': 'dicom:multi-frame').
 */
import { decodeImage, type DecodedImage } from './image-decode.ts';
import type { DicomDataset } from './dicom-deidentify.ts';

export type DicomRejection =
  | 'dicom:not-part10'
  | 'dicom:parse'
  | 'dicom:nesting'
  | 'dicom:items'
  | 'dicom:transfer-syntax'
  | 'dicom:burned-in-annotation'
  | 'dicom:photometric'
  | 'dicom:pixel-format'
  | 'dicom:pixel-data'
  | 'dicom:too-large'
  | 'dicom:multi-frame'
  | 'dicom:decode';

export type DicomPixelResult = { ok: true; image: DecodedImage } | { ok: false; reason: DicomRejection };

export interface DicomPixelOptions {
  readonly maxPixels: number;
  readonly scaling: 'stored-range' | 'window';
  readonly multiFrame: 'first-frame' | 'refuse';
}

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
export const SUPPORTED_TRANSFER_SYNTAXES: readonly string[] = [IMPLICIT_VR_LE, EXPLICIT_VR_LE, JPEG_BASELINE];

const fail = (reason: DicomRejection): DicomPixelResult => ({ ok: false, reason });

/** First value of an element as a number (US, IS, DS), or undefined. */
function num(ds: DicomDataset, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
function str(ds: DicomDataset, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return typeof v === 'string' ? v.trim() : undefined;
}

/** Burned In Annotation (0028,0301): 'YES', 'NO', or undefined when absent or anything else. */
export function burnedInAnnotation(ds: DicomDataset): 'YES' | 'NO' | undefined {
  const v = str(ds, '00280301')?.toUpperCase();
  return v === 'YES' || v === 'NO' ? v : undefined;
}

interface Geometry {
  rows: number;
  cols: number;
  spp: 1 | 3;
  photometric: string;
  frames: number;
}

function geometry(ds: DicomDataset, opts: DicomPixelOptions): Geometry | DicomRejection {
  const rows = num(ds, '00280010');
  const cols = num(ds, '00280011');
  const spp = num(ds, '00280002') ?? 1;
  const frames = num(ds, '00280008') ?? 1;
  const photometric = str(ds, '00280004')?.toUpperCase() ?? (spp === 1 ? 'MONOCHROME2' : '');
  if (!rows || !cols || !Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1)
    return 'dicom:pixel-format';
  if (!Number.isInteger(frames) || frames < 1) return 'dicom:pixel-format';
  // Checked on the header, before any pixel buffer is allocated.
  if (rows * cols > opts.maxPixels) return 'dicom:too-large';
  if (frames > 1 && opts.multiFrame === 'refuse') return 'dicom:multi-frame';
  if (spp !== 1 && spp !== 3) return 'dicom:photometric';
  return { rows, cols, spp, photometric, frames };
}

/** The first frame of a parsed data set as pixels, or the reason it cannot be used. */
export function dicomPixels(ds: DicomDataset, transferSyntax: string, opts: DicomPixelOptions): DicomPixelResult {
  if (!SUPPORTED_TRANSFER_SYNTAXES.includes(transferSyntax)) return fail('dicom:transfer-syntax');
  const g = geometry(ds, opts);
  if (typeof g === 'string') return fail(g);
  const grey = g.photometric === 'MONOCHROME1' || g.photometric === 'MONOCHROME2';
  if (g.spp === 1 && !grey) return fail('dicom:photometric');
  const px = ds['7FE00010']?.Value;
  if (!px || px.length === 0 || !px.every((f) => f instanceof ArrayBuffer)) return fail('dicom:pixel-data');
  const frames = px as ArrayBuffer[];
  return transferSyntax === JPEG_BASELINE ? jpegFrame(frames, g, opts) : nativeFrame(ds, frames, g, opts);
}

function jpegFrame(frames: ArrayBuffer[], g: Geometry, opts: DicomPixelOptions): DicomPixelResult {
  // JPEG's colour transform is the decoder's: YBR_FULL_422 / YBR_FULL come out as RGB.
  if (g.spp === 3 && !['RGB', 'YBR_FULL_422', 'YBR_FULL'].includes(g.photometric)) return fail('dicom:photometric');
  // One item per frame; a single frame may come split into fragments, joined here.
  const bytes =
    g.frames > 1 && frames.length === g.frames
      ? new Uint8Array(frames[0]!)
      : g.frames === 1
        ? concat(frames)
        : undefined;
  if (!bytes) return fail('dicom:pixel-data');
  const r = decodeImage(bytes, opts.maxPixels);
  if (!r.ok) return fail(r.reason === 'image:too-large' ? 'dicom:too-large' : 'dicom:decode');
  const img = r.image;
  if (img.width !== g.cols || img.height !== g.rows || img.channels !== g.spp) return fail('dicom:decode');
  return { ok: true, image: g.photometric === 'MONOCHROME1' ? invert(img) : img };
}

function concat(parts: ArrayBuffer[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out;
}

function invert(img: DecodedImage): DecodedImage {
  const data = img.data.map((v) => img.maxValue - v) as Uint8Array | Uint16Array;
  return { ...img, data };
}

interface Bits {
  allocated: 8 | 16;
  stored: number;
  signed: boolean;
}

function bits(ds: DicomDataset, spp: number): Bits | undefined {
  const allocated = num(ds, '00280100');
  const stored = num(ds, '00280101') ?? allocated;
  const high = num(ds, '00280102') ?? (stored === undefined ? undefined : stored - 1);
  const rep = num(ds, '00280103') ?? 0;
  if (allocated !== 8 && allocated !== 16) return undefined;
  if (stored === undefined || !Number.isInteger(stored) || stored < 1 || stored > allocated) return undefined;
  if (high !== stored - 1 || (rep !== 0 && rep !== 1) || (spp === 3 && rep === 1)) return undefined;
  return { allocated, stored, signed: rep === 1 };
}

function nativeFrame(ds: DicomDataset, frames: ArrayBuffer[], g: Geometry, opts: DicomPixelOptions): DicomPixelResult {
  if (g.spp === 3 && g.photometric !== 'RGB') return fail('dicom:photometric');
  const b = bits(ds, g.spp);
  if (!b) return fail('dicom:pixel-format');
  const n = g.rows * g.cols * g.spp;
  const frameBytes = n * (b.allocated / 8);
  const buf = frames.length === 1 ? frames[0]! : concat(frames).buffer;
  if (buf.byteLength < frameBytes) return fail('dicom:pixel-data');
  const stored = readSamples(new DataView(buf, 0, frameBytes), n, b);
  const planar = g.spp === 3 && num(ds, '00280006') === 1;
  const samples = planar ? interleave(stored, g.rows * g.cols) : stored;
  const img = g.spp === 1 && opts.scaling === 'window' ? windowed(ds, samples, g, b) : storedRange(ds, samples, g, b);
  return { ok: true, image: g.photometric === 'MONOCHROME1' ? invert(img) : img };
}

/** Stored values, masked to Bits Stored and sign-extended when signed. */
function readSamples(v: DataView, n: number, b: Bits): Int32Array {
  const out = new Int32Array(n);
  const mask = 2 ** b.stored - 1;
  const sign = 2 ** (b.stored - 1);
  for (let i = 0; i < n; i++) {
    const raw = (b.allocated === 8 ? v.getUint8(i) : v.getUint16(2 * i, true)) & mask;
    out[i] = b.signed && raw >= sign ? raw - 2 * sign : raw;
  }
  return out;
}

/** R plane, G plane, B plane (Planar Configuration 1) to interleaved RGB. */
function interleave(planes: Int32Array, pixels: number): Int32Array {
  const out = new Int32Array(planes.length);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) out[3 * i + c] = planes[c * pixels + i]!;
  return out;
}

function storedRange(ds: DicomDataset, s: Int32Array, g: Geometry, b: Bits): DecodedImage {
  const maxValue = 2 ** b.stored - 1;
  const min = b.signed ? -(2 ** (b.stored - 1)) : 0;
  const flip = g.spp === 1 && (num(ds, '00281053') ?? 1) < 0;
  const data = b.stored <= 8 ? new Uint8Array(s.length) : new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) data[i] = flip ? maxValue - (s[i]! - min) : s[i]! - min;
  return { width: g.cols, height: g.rows, channels: g.spp, maxValue, data };
}

const WINDOW_LEVELS = 65535;

/** PS3.3 C.11.2.1.2.1: y = ((x − (c − 0.5)) / (w − 1) + 0.5), clamped to [0, 1], on rescaled values x. */
function windowed(ds: DicomDataset, s: Int32Array, g: Geometry, b: Bits): DecodedImage {
  const c = num(ds, '00281050');
  const w = num(ds, '00281051');
  if (c === undefined || w === undefined || w < 1) return storedRange(ds, s, g, b);
  const slope = num(ds, '00281053') ?? 1;
  const intercept = num(ds, '00281052') ?? 0;
  const data = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const x = s[i]! * slope + intercept;
    const y = w === 1 ? (x < c - 0.5 ? 0 : 1) : (x - (c - 0.5)) / (w - 1) + 0.5;
    data[i] = Math.round(Math.min(1, Math.max(0, y)) * WINDOW_LEVELS);
  }
  return { width: g.cols, height: g.rows, channels: 1, maxValue: WINDOW_LEVELS, data };
}
