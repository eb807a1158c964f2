/**
 * Image bytes to pixels, with every cost bounded before it is paid.
 *
 * Decoders: `pngjs` and `jpeg-js`, both pure JavaScript. A hospital machine is
 * often locked down and off-line: a native decoder (`sharp`/libvips) needs a
 * prebuilt binary for that exact platform and libc, or a compiler, and cannot
 * be audited as easily; pure-JS decoders install from the npm registry on any
 * Node, with no build step. They are slower than libvips, which matters little
 * for medical image sets of thousands of small images (PneumoniaMNIST's 5,856
 * decode in about a second). Neither resizes, so resizing is ours
 * (image-pixels.ts).
 *
 * The header is read here, not by the decoder, so the width × height cap
 * applies before any pixel buffer is allocated or any data inflated (a
 * decompression bomb: a few KB of PNG declaring 10^9 pixels). A failure is a
 * reason code, never the decoder's message (it could quote bytes).
 */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** Channels the file stores, alpha not counted (1 grey, 3 colour). */
  readonly channels: 1 | 3;
  /** Bits per sample (PNG: 1, 2, 4, 8, 16; JPEG: 8 or 12). */
  readonly depth: number;
  /** PNG Adam7 interlacing. */
  readonly interlaced: boolean;
}

/** Pixels as stored: interleaved rows, alpha dropped, samples 0..maxValue. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly maxValue: number;
  readonly data: Uint8Array | Uint16Array;
}

export type ImageRejection =
  'image:format' | 'image:decode' | 'image:too-large' | 'image:unsupported' | 'image:png-interlaced';

export type DecodeResult = { ok: true; image: DecodedImage } | { ok: false; reason: ImageRejection };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The header of a PNG or JPEG, from its first bytes only; undefined when the
 * bytes are neither (whatever the file's name says) or the header is broken.
 */
export function probeImage(b: Uint8Array): ImageHeader | undefined {
  if (b.length >= 33 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return probePng(b);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return probeJpeg(b);
  return undefined;
}

function be32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}
function be16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

function probePng(b: Uint8Array): ImageHeader | undefined {
  // The first chunk must be IHDR (PNG spec 11.2.2): length 13 at 8, type at 12, fields from 16.
  if (be32(b, 8) !== 13 || String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') return undefined;
  const colorType = b[25]!;
  if (![0, 2, 3, 4, 6].includes(colorType)) return undefined;
  return {
    format: 'png',
    width: be32(b, 16),
    height: be32(b, 20),
    channels: colorType === 0 || colorType === 4 ? 1 : 3,
    depth: b[24]!,
    interlaced: b[28] === 1,
  };
}

/**
 * Whether the PNG's only IHDR is its first chunk. pngjs takes every IHDR it
 * meets, the last one winning: a second one would decode another size than
 * the one capped here, or an interlaced image, which pngjs inflates without
 * an output bound. Chunks are walked by their lengths up to IEND or a chunk
 * cut short (pngjs refuses that one itself).
 */
function singleIhdr(b: Uint8Array): boolean {
  for (let i = 8 + 12 + 13; i + 8 <= b.length;) {
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    if (type === 'IHDR') return false;
    if (type === 'IEND') return true;
    i += 12 + be32(b, i);
  }
  return true;
}

/** Walks the JPEG markers up to the first frame header (ITU-T T.81, B.2); each step skips a whole segment. */
function probeJpeg(b: Uint8Array): ImageHeader | undefined {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2; // standalone markers
      continue;
    }
    if (m === 0xd9 || m === 0xda) return undefined; // end of image or scan data before any frame header
    const len = be16(b, i + 2);
    if (len < 2) return undefined;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (i + 10 > b.length) return undefined;
      const nf = b[i + 9]!;
      return {
        format: 'jpeg',
        width: be16(b, i + 7),
        height: be16(b, i + 5),
        channels: nf === 1 ? 1 : 3,
        // jpeg-js decodes Huffman frames only (SOF0-2); any other frame gets depth 0, so it is refused.
        depth: m === 0xc0 || m === 0xc1 || m === 0xc2 ? b[i + 4]! : 0,
        interlaced: false,
      };
    }
    i += 2 + len;
  }
  return undefined;
}

/**
 * Most scans (Start of Scan segments) a JPEG may hold. jpeg-js decodes every
 * scan in the file, and each visits every block of the frame whatever its
 * length: one end-of-band run of 15 bits covers 32,767 blocks, so a scan of
 * about 25 bytes costs over a millisecond on a 3000 × 3000 frame, and a
 * file of them an hour. Encoders write about ten (libjpeg's progressions: 6
 * grey, 10 colour); this is ten times that.
 */
export const MAX_JPEG_SCANS = 100;

/**
 * Whether the bytes hold more than `max` SOS markers (FF DA), counted over the
 * whole file: entropy-coded data never holds FF DA (an FF there is stuffed
 * with 00), so this bounds the scans any reading of the file can decode.
 */
function jpegScansOver(b: Uint8Array, max: number): boolean {
  let n = 0;
  for (let i = b.indexOf(0xff); i !== -1 && i + 1 < b.length; i = b.indexOf(0xff, i + 1)) {
    if (b[i + 1] === 0xda && ++n > max) return true;
  }
  return false;
}

/**
 * Decodes a PNG or JPEG within `maxPixels` (width × height, checked on the
 * header first). PNG: any colour type and bit depth pngjs reads, 16-bit kept
 * at 16 bits (maxValue 65535), palettes expanded to RGB; Adam7-interlaced
 * PNGs are refused, because pngjs inflates them without an output bound.
 * JPEG: 8-bit Huffman (baseline, extended, progressive), grey or colour;
 * arithmetic-coded, lossless and 12-bit JPEGs, and JPEGs of more than
 * MAX_JPEG_SCANS scans, are 'image:unsupported'.
 * Alpha is dropped (not composited).
 */
export function decodeImage(bytes: Uint8Array, maxPixels: number): DecodeResult {
  const h = probeImage(bytes);
  if (!h) return { ok: false, reason: 'image:format' };
  if (h.width < 1 || h.height < 1) return { ok: false, reason: 'image:decode' };
  if (h.width * h.height > maxPixels) return { ok: false, reason: 'image:too-large' };
  if (h.format === 'png' && h.interlaced) return { ok: false, reason: 'image:png-interlaced' };
  if (h.format === 'png' && !singleIhdr(bytes)) return { ok: false, reason: 'image:decode' };
  if (h.format === 'jpeg' && (h.depth !== 8 || jpegScansOver(bytes, MAX_JPEG_SCANS)))
    return { ok: false, reason: 'image:unsupported' };
  try {
    const image = h.format === 'png' ? decodePng(bytes, h) : decodeJpeg(bytes, h, maxPixels);
    return image ? { ok: true, image } : { ok: false, reason: 'image:decode' };
  } catch {
    // The decoder's message may quote the file's bytes: only the reason is kept.
    return { ok: false, reason: 'image:decode' };
  }
}

function decodePng(bytes: Uint8Array, h: ImageHeader): DecodedImage | undefined {
  const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    skipRescale: true,
  });
  if (png.width !== h.width || png.height !== h.height) return undefined;
  // With skipRescale, samples keep their bit depth; palette entries are 8-bit.
  const maxValue = png.palette ? 255 : 2 ** png.depth - 1;
  const rgba = png.data as unknown as Uint8Array | Uint16Array;
  return dropAlpha(rgba, h, maxValue, png.depth === 16);
}

function decodeJpeg(bytes: Uint8Array, h: ImageHeader, maxPixels: number): DecodedImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    // Strict: a truncated or damaged file is rejected, not decoded into partly grey pixels.
    tolerantDecoding: false,
    maxResolutionInMP: maxPixels / 1e6,
    maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 2 ** 20) + 16,
  });
  const n = img.width * img.height;
  if (h.channels === 3) return { width: img.width, height: img.height, channels: 3, maxValue: 255, data: img.data };
  // jpeg-js writes grey as R = G = B: keep one.
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) grey[i] = img.data[3 * i]!;
  return { width: img.width, height: img.height, channels: 1, maxValue: 255, data: grey };
}

function dropAlpha(
  rgba: Uint8Array | Uint16Array,
  h: ImageHeader,
  maxValue: number,
  wide: boolean,
): DecodedImage | undefined {
  const { width, height, channels } = h;
  const n = width * height;
  if (rgba.length !== 4 * n) return undefined;
  const out = wide ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = rgba[4 * i + c]!;
  }
  return { width, height, channels, maxValue, data: out };
}
