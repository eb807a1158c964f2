/**
 * Image files whose decoding cost is not what their header says.
 *
 * PNG: pngjs takes every IHDR chunk it meets, the last one winning, so a
 * second IHDR after the one the width × height cap read makes pngjs decode
 * another size, or an interlaced image, which it inflates without an output
 * bound (zlib.inflateSync: about 1,000 bytes out for each byte in, up to
 * Node's 4 GiB buffer limit, from a 4 MB file).
 *
 * JPEG: a JPEG's decoding cost is bounded by more than its width × height: jpeg-js
 * decodes every scan a file holds, and each scan visits every block of the
 * image however few bytes it takes (one end-of-band run of 15 bits covers
 * 32,767 blocks). About 25 bytes a scan over a 3000 × 3000 grey frame cost
 * about 1.3 ms, so 1 MB of them costs about a minute and a 64 MB file (the
 * default file cap) about an hour. Encoders write about ten scans (libjpeg's
 * progressions: 6 grey, 10 colour); a file with many more is refused unread.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import zlib from 'node:zlib';
import { decodeImage, MAX_JPEG_SCANS } from '../../../core/data/image-decode.ts';

const u16 = (n: number) => [n >>> 8, n & 0xff];

/**
 * A grey progressive JPEG of `scans` AC scans, each a handful of end-of-band
 * runs covering every block (all coefficients zero: a mid-grey image).
 */
function progressiveJpeg(width: number, height: number, scans: number): Uint8Array {
  const head = [
    ...[0xff, 0xd8],
    ...[0xff, 0xdb, ...u16(67), 0, ...new Array<number>(64).fill(1)],
    ...[0xff, 0xc2, ...u16(11), 8, ...u16(height), ...u16(width), 1, 1, 0x11, 0],
    // AC table 0: one code, "0", for symbol 0xE0 (EOBRUN of 2^14 + 14 more bits).
    ...[0xff, 0xc4, ...u16(20), 0x10, 1, ...new Array<number>(15).fill(0), 0xe0],
  ];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits: number[] = [];
  for (let covered = 0; covered < blocks; covered += 32767) bits.push(0, ...new Array<number>(14).fill(1));
  while (bits.length % 8) bits.push(1);
  const entropy: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const b = bits.slice(i, i + 8).reduce((a, x) => (a << 1) | x, 0);
    entropy.push(...(b === 0xff ? [0xff, 0] : [b]));
  }
  const scan = [0xff, 0xda, ...u16(8), 1, 1, 0x00, 1, 63, 0, ...entropy];
  const out = [...head];
  for (let s = 0; s < scans; s++) out.push(...scan);
  out.push(0xff, 0xd9);
  return new Uint8Array(out);
}

describe('a JPEG of more scans than any encoder writes', () => {
  it('a few scans decode; past MAX_JPEG_SCANS the file is refused before jpeg-js runs', () => {
    const few = decodeImage(progressiveJpeg(64, 48, 10), 1 << 20);
    expect(few.ok && [few.image.width, few.image.height, few.image.channels]).toEqual([64, 48, 1]);
    expect(decodeImage(progressiveJpeg(64, 48, MAX_JPEG_SCANS), 1 << 20).ok).toBe(true);
    expect(decodeImage(progressiveJpeg(64, 48, MAX_JPEG_SCANS + 1), 1 << 20)).toEqual({
      ok: false,
      reason: 'image:unsupported',
    });
  });
});

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}
const ihdr = (w: number, h: number, interlaced: boolean) => {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(w, 0);
  d.writeUInt32BE(h, 4);
  d[8] = 8; // bit depth
  d[9] = 0; // grey
  d[12] = interlaced ? 1 : 0;
  return chunk('IHDR', d);
};
/** A grey PNG: the IHDRs given, then one IDAT of `idat` (already deflated), then IEND. */
const png = (ihdrs: Buffer[], idat: Buffer) =>
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ...ihdrs,
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);

describe('a PNG with a second IHDR', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is refused before pngjs inflates anything for the size or interlacing the second one declares', () => {
    const inflateSync = vi.spyOn(zlib, 'inflateSync');
    // 4 × 4 grey, interlaced: seven passes of filter byte 0 and zeros.
    const pixels = zlib.deflateSync(Buffer.alloc(64));
    const ok = png([ihdr(4, 4, false)], zlib.deflateSync(Buffer.alloc(4 * 5)));
    expect(decodeImage(ok, 16).ok).toBe(true);
    // The cap reads 1 × 1; pngjs would read the second: 4 × 4, interlaced, inflated without a bound.
    expect(decodeImage(png([ihdr(1, 1, false), ihdr(4, 4, true)], pixels), 16)).toEqual({
      ok: false,
      reason: 'image:decode',
    });
    expect(decodeImage(png([ihdr(1, 1, false), ihdr(4, 4, false)], pixels), 16)).toEqual({
      ok: false,
      reason: 'image:decode',
    });
    expect(inflateSync).not.toHaveBeenCalled();
  });
});
