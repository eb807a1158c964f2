/** Image files written at test time with the intake's own libraries (pngjs, jpeg-js). */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import type { ImageSchemaInput } from '../../../core/data/image-schema.ts';

/** A PNG of `channels` (1 grey, 3 RGB, 4 RGBA) samples per pixel at 8 or 16 bits, from interleaved samples. */
export function pngBytes(
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  samples: ArrayLike<number>,
  depth: 8 | 16 = 8,
): Buffer {
  const png = new pngjs.PNG({ width, height });
  // pngjs packs from RGBA input; 16-bit output takes 16-bit RGBA samples.
  const rgba = depth === 16 ? new Uint16Array(width * height * 4) : Buffer.alloc(width * height * 4);
  const max = depth === 16 ? 65535 : 255;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[4 * i + c] = samples[i * channels + (channels === 1 ? 0 : c)]!;
    rgba[4 * i + 3] = channels === 4 ? samples[i * 4 + 3]! : max;
  }
  png.data = rgba as Buffer;
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  return pngjs.PNG.sync.write(png, { colorType, bitDepth: depth, inputHasAlpha: true });
}

/** An RGB JPEG (jpeg-js encodes colour only) at the given quality. */
export function jpegBytes(width: number, height: number, rgb: ArrayLike<number>, quality = 100): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[4 * i + c] = rgb[3 * i + c]!;
    data[4 * i + 3] = 255;
  }
  return jpeg.encode({ width, height, data }, quality).data;
}

/** A PNG signature and IHDR declaring width × height, and nothing else: a decompression bomb's header. */
export function hugePngHeader(width: number, height: number, interlaced = false): Buffer {
  const b = Buffer.alloc(33 + 12);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8; // depth
  b[25] = 0; // grey
  b[28] = interlaced ? 1 : 0;
  return b;
}

/** A JPEG whose first segment is a baseline frame header declaring width × height. */
export function hugeJpegHeader(width: number, height: number): Buffer {
  return Buffer.from([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xd9,
  ]);
}

/** Samples 0..max from a seeded linear congruence (deterministic, no rng import needed). */
export function ramp(n: number, max = 255, seed = 1): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out.push(s % (max + 1));
  }
  return out;
}

/**
 * A grey (one-component) baseline JPEG, 8 × 8, every pixel 160, written by
 * hand since jpeg-js encodes colour only (ITU-T T.81): quantisation all 1s;
 * one DC code ('0' → category 9) and one AC code ('0' → end of block); the
 * scan is DC diff 256 = 8 × (160 − 128), then EOB: bits 0 100000000 0, padded
 * with 1s. `frame` replaces the SOF0 marker (0xc9: arithmetic coding) and
 * `precision` its sample precision.
 */
export function greyJpeg160(frame = 0xc0, precision = 8): Uint8Array {
  return Uint8Array.from([
    ...[0xff, 0xd8],
    ...[0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1)],
    ...[0xff, frame, 0x00, 0x0b, precision, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00],
    ...[0xff, 0xc4, 0x00, 0x14, 0x00, 1, ...new Array<number>(15).fill(0), 9],
    ...[0xff, 0xc4, 0x00, 0x14, 0x10, 1, ...new Array<number>(15).fill(0), 0],
    ...[0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00],
    ...[0x40, 0x1f],
    ...[0xff, 0xd9],
  ]);
}

/** A grey two-class image schema read from a folder layout, 4×4 by default; tests patch what they exercise. */
export function greyFolderSchemaInput(patch: Partial<ImageSchemaInput> = {}): ImageSchemaInput {
  return {
    kind: 'images',
    id: 'xray',
    source: { layout: 'folder' },
    size: [4, 4],
    channels: 1,
    normalise: { kind: 'scale' },
    classes: ['normal', 'pneumonia'],
    ...patch,
  };
}
