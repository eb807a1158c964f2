import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, probeImage } from '../../../core/data/image-decode.ts';
import { greyJpeg160, hugeJpegHeader, hugePngHeader, jpegBytes, pngBytes, ramp } from './image-fixtures.ts';

const DATA = join(import.meta.dirname, '../../../simulations/data/pneumoniamnist');
const MAX = 4096 * 4096;

function ok(bytes: Uint8Array, maxPixels = MAX) {
  const r = decodeImage(bytes, maxPixels);
  if (!r.ok) throw new Error(`expected a decoded image, got ${r.reason}`);
  return r.image;
}

describe('decodeImage', () => {
  it('reads 8-bit grey, RGB and RGBA PNGs sample for sample (alpha dropped)', () => {
    const grey = ramp(5 * 3);
    const g = ok(pngBytes(5, 3, 1, grey));
    expect([g.width, g.height, g.channels, g.maxValue]).toEqual([5, 3, 1, 255]);
    expect([...g.data]).toEqual(grey);
    const rgb = ramp(4 * 2 * 3, 255, 7);
    const c = ok(pngBytes(4, 2, 3, rgb));
    expect([c.channels, [...c.data]]).toEqual([3, rgb]);
    const rgba = ramp(4 * 2 * 4, 255, 9);
    const a = ok(pngBytes(4, 2, 4, rgba));
    expect([...a.data]).toEqual(rgb.map((_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]));
  });

  it('keeps 16-bit PNG samples at 16 bits', () => {
    const s = ramp(3 * 3, 65535, 3);
    const img = ok(pngBytes(3, 3, 1, s, 16));
    expect(img.maxValue).toBe(65535);
    expect(img.data).toBeInstanceOf(Uint16Array);
    expect([...img.data]).toEqual(s);
  });

  it('reads an RGB JPEG (lossy: a flat colour comes back within a few levels)', () => {
    const rgb = Array.from({ length: 16 * 16 }, () => [200, 100, 50]).flat();
    const img = ok(jpegBytes(16, 16, rgb));
    expect([img.width, img.height, img.channels]).toEqual([16, 16, 3]);
    for (let i = 0; i < img.data.length; i++) expect(Math.abs(img.data[i]! - rgb[i]!)).toBeLessThanOrEqual(3);
  });

  it('reads a grey JPEG as one channel; refuses arithmetic-coded and 12-bit JPEGs', () => {
    const img = ok(greyJpeg160());
    expect([img.width, img.height, img.channels, img.maxValue]).toEqual([8, 8, 1, 255]);
    expect([...img.data]).toEqual(new Array<number>(64).fill(160));
    expect(decodeImage(greyJpeg160(0xc9), MAX)).toEqual({ ok: false, reason: 'image:unsupported' });
    expect(decodeImage(greyJpeg160(0xc0, 12), MAX)).toEqual({ ok: false, reason: 'image:unsupported' });
  });

  it('refuses a width x height over the cap from the header alone (decompression bomb)', () => {
    // 100,000² pixels: decoding would allocate 40 GB; only the header is looked at.
    expect(decodeImage(hugePngHeader(100_000, 100_000), MAX)).toEqual({ ok: false, reason: 'image:too-large' });
    expect(decodeImage(hugeJpegHeader(65_000, 65_000), MAX)).toEqual({ ok: false, reason: 'image:too-large' });
    // Just under and over a small cap, on a real image.
    const png = pngBytes(10, 10, 1, ramp(100));
    expect(decodeImage(png, 100).ok).toBe(true);
    expect(decodeImage(png, 99)).toEqual({ ok: false, reason: 'image:too-large' });
  });

  it('rejects corrupt, truncated, non-image and interlaced files by reason', () => {
    const png = pngBytes(8, 8, 1, ramp(64));
    expect(decodeImage(png.subarray(0, png.length - 20), MAX)).toEqual({ ok: false, reason: 'image:decode' });
    const flipped = Buffer.from(png);
    flipped[flipped.length - 20]! ^= 0xff; // inside IDAT: CRC mismatch
    expect(decodeImage(flipped, MAX)).toEqual({ ok: false, reason: 'image:decode' });
    const jpg = jpegBytes(16, 16, ramp(16 * 16 * 3));
    expect(decodeImage(jpg.subarray(0, jpg.length / 2), MAX)).toEqual({ ok: false, reason: 'image:decode' });
    expect(decodeImage(Buffer.from('name,age\nAlice,42\n'), MAX)).toEqual({ ok: false, reason: 'image:format' });
    expect(decodeImage(new Uint8Array(0), MAX)).toEqual({ ok: false, reason: 'image:format' });
    expect(decodeImage(hugePngHeader(4, 4, true), MAX)).toEqual({ ok: false, reason: 'image:png-interlaced' });
    expect(decodeImage(hugePngHeader(0, 4), MAX)).toEqual({ ok: false, reason: 'image:decode' });
  });

  it('probes PNG and JPEG headers', () => {
    expect(probeImage(pngBytes(7, 5, 3, ramp(105)))).toMatchObject({ format: 'png', width: 7, height: 5, channels: 3 });
    expect(probeImage(jpegBytes(9, 4, ramp(108)))).toMatchObject({ format: 'jpeg', width: 9, height: 4, depth: 8 });
    expect(probeImage(hugeJpegHeader(3, 2))).toMatchObject({ width: 3, height: 2, channels: 1 });
  });

  it("reproduces PneumoniaMNIST's manifest pixel hashes (first 16 hex of SHA-256 of the raw pixels)", () => {
    const rows = readFileSync(join(DATA, 'manifest.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    expect(rows).toHaveLength(5856);
    // Every 37th image: 159 files across the three splits and both classes.
    for (let i = 0; i < rows.length; i += 37) {
      const [file, , , hash] = rows[i]!.split(',');
      const img = ok(readFileSync(join(DATA, file!)));
      expect([img.width, img.height, img.channels]).toEqual([28, 28, 1]);
      expect(createHash('sha256').update(img.data).digest('hex').slice(0, 16)).toBe(hash);
    }
  });
});
