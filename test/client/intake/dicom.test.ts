import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DICOM_DEFAULTS, deidentifyDicom, readDicomImage } from '../../../client/intake/dicom.ts';
import { readImageDataset } from '../../../client/intake/images.ts';
import { decodeImage } from '../../../core/data/image-decode.ts';
import { part10TransferSyntax } from '../../../core/data/dicom-part10.ts';
import { EXPLICIT_VR_LE, IMPLICIT_VR_LE, JPEG_BASELINE } from '../../../core/data/dicom-pixels.ts';
import { parseImageSchema, type DicomOptions } from '../../../core/data/image-schema.ts';
import { CohortError } from '../../../core/errors.ts';
import { encapsulatedDataset, imageDataset, writeDicom, type ImageSpec } from '../../core/data/dicom-fixtures.ts';
import { jpegBytes, pngBytes, ramp } from '../../core/data/image-fixtures.ts';

const KEY = new Uint8Array(32).fill(3);

function read(bytes: Uint8Array, dicom: Partial<DicomOptions> = {}, maxPixels = 1 << 20) {
  return readDicomImage(bytes, { dicom: { ...DICOM_DEFAULTS, ...dicom }, maxPixels, key: KEY });
}
/** Pixels scaled to [0, 1], as the intake's scaling does. */
function unit(bytes: Uint8Array, dicom: Partial<DicomOptions> = {}): number[] {
  const r = read(bytes, dicom);
  if (!r.ok) throw new Error(r.reason);
  return Array.from(r.image.data, (v) => v / r.image.maxValue);
}
const reason = (bytes: Uint8Array, dicom: Partial<DicomOptions> = {}, maxPixels?: number) => {
  const r = read(bytes, dicom, maxPixels);
  return r.ok ? 'ok' : r.reason;
};
const file = (s: ImageSpec, ts = EXPLICIT_VR_LE) => writeDicom(imageDataset(s), ts);

describe('DICOM pixels, by transfer syntax, photometric interpretation and bit depth', () => {
  it('MONOCHROME2, 8 bits, explicit and implicit VR little endian: v / 255', () => {
    const samples = [0, 51, 102, 255];
    for (const ts of [EXPLICIT_VR_LE, IMPLICIT_VR_LE]) {
      const f = file({ rows: 2, cols: 2, samples }, ts);
      expect(part10TransferSyntax(f)).toBe(ts);
      expect(unit(f)).toEqual([0, 0.2, 0.4, 1]);
    }
  });

  it('16 bits allocated, 12 stored: bits above Bits Stored are masked; scaled by 4095', () => {
    const f = file(
      { rows: 1, cols: 3, samples: [0xf000 | 4095, 0, 0x1000 | 819], bitsAllocated: 16, bitsStored: 12 },
      IMPLICIT_VR_LE,
    );
    expect(unit(f)).toEqual([1, 0, 819 / 4095]);
  });

  it('signed values are sign-extended and scaled over the signed range', () => {
    const s16 = file({ rows: 1, cols: 3, samples: [-32768, 0, 32767], bitsAllocated: 16, signed: true });
    expect(unit(s16)).toEqual([0, 32768 / 65535, 1]);
    // 12 of 16 bits: 0x0800 is -2048, the minimum; 0x07ff (2047) the maximum.
    const s12 = file({ rows: 1, cols: 2, samples: [0x0800, 0x07ff], bitsAllocated: 16, bitsStored: 12, signed: true });
    expect(unit(s12)).toEqual([0, 1]);
  });

  it('MONOCHROME1 is inverted; a negative Rescale Slope inverts; a positive one changes nothing', () => {
    const samples = [0, 51, 255];
    expect(unit(file({ rows: 1, cols: 3, samples, photometric: 'MONOCHROME1' }))).toEqual([1, 0.8, 0]);
    const slope = (m: number) => ({ '00281053': { vr: 'DS', Value: [m] }, '00281052': { vr: 'DS', Value: [-1024] } });
    expect(unit(file({ rows: 1, cols: 3, samples, extra: slope(-1) }))).toEqual([1, 0.8, 0]);
    expect(unit(file({ rows: 1, cols: 3, samples, extra: slope(2) }))).toEqual([0, 0.2, 1]);
  });

  it('window scaling: PS3.3 C.11.2.1.2.1 on rescaled values; without a window, the stored range', () => {
    const win = {
      '00281050': { vr: 'DS', Value: [100.5] },
      '00281051': { vr: 'DS', Value: [101] },
      '00281052': { vr: 'DS', Value: [0] },
      '00281053': { vr: 'DS', Value: [1] },
    };
    const f = file({ rows: 1, cols: 5, samples: [0, 50, 100, 150, 200], extra: win });
    // 65535 levels: 0.5 is quantised to 32768 / 65535.
    expect(unit(f, { scaling: 'window' }).map((v) => +v.toFixed(4))).toEqual([0, 0, 0.5, 1, 1]);
    const shifted = file({ rows: 1, cols: 1, samples: [0], extra: { ...win, '00281052': { vr: 'DS', Value: [100] } } });
    expect(unit(shifted, { scaling: 'window' }).map((v) => +v.toFixed(4))).toEqual([0.5]);
    expect(unit(file({ rows: 1, cols: 2, samples: [0, 255] }), { scaling: 'window' })).toEqual([0, 1]);
  });

  it('RGB, Planar Configuration 0 and 1, give the same interleaved pixels', () => {
    const interleaved = [255, 0, 51, 0, 255, 102];
    const planes = [255, 0, 0, 255, 51, 102];
    const a = unit(file({ rows: 1, cols: 2, spp: 3, samples: interleaved }));
    const b = unit(file({ rows: 1, cols: 2, spp: 3, samples: planes, planar: true }));
    expect(a).toEqual([1, 0, 0.2, 0, 1, 0.4]);
    expect(b).toEqual(a);
  });

  it('JPEG Baseline: the same pixels as the JPEG decoded alone; a colour JPEG declared grey is refused', () => {
    const jpg = jpegBytes(8, 8, ramp(192, 255, 5), 95);
    const direct = decodeImage(jpg, 1 << 20);
    if (!direct.ok) throw new Error(direct.reason);
    const f = writeDicom(encapsulatedDataset(8, 8, 3, jpg, 'YBR_FULL_422'), JPEG_BASELINE);
    const r = read(f);
    expect(r.ok && Array.from(r.image.data)).toEqual(Array.from(direct.image.data));
    expect(reason(writeDicom(encapsulatedDataset(8, 8, 1, jpg, 'MONOCHROME2'), JPEG_BASELINE))).toBe('dicom:decode');
  });

  it('multi-frame: the first frame by default, refused on request', () => {
    const f = file({ rows: 1, cols: 2, samples: [0, 255, 255, 0], frames: 2 });
    expect(unit(f)).toEqual([0, 1]);
    expect(reason(f, { multiFrame: 'refuse' })).toBe('dicom:multi-frame');
  });

  it('refuses by reason: other transfer syntaxes (deflate unread), photometric, bit depth', () => {
    const ds = imageDataset({ rows: 1, cols: 2, samples: [0, 1] });
    for (const ts of ['1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2'])
      expect(reason(writeDicom(ds, ts)), ts).toBe('dicom:transfer-syntax');
    expect(reason(file({ rows: 1, cols: 1, samples: [0], photometric: 'PALETTE COLOR' }))).toBe('dicom:photometric');
    expect(reason(file({ rows: 1, cols: 1, spp: 3, samples: [0, 0, 0], photometric: 'YBR_FULL' }))).toBe(
      'dicom:photometric',
    );
    expect(reason(file({ rows: 1, cols: 1, samples: [0], bitsAllocated: 32 }))).toBe('dicom:pixel-format');
  });
});

describe('Burned In Annotation', () => {
  const burned = (v?: string) =>
    writeDicom({
      ...imageDataset({ rows: 1, cols: 1, samples: [9] }),
      '00280301': v === undefined ? { vr: 'CS', Value: [] } : { vr: 'CS', Value: [v] },
    });

  it('YES is refused by default and used when allowed; an absent value is used unless NO is required', () => {
    expect(reason(burned('YES'))).toBe('dicom:burned-in-annotation');
    expect(reason(burned('YES'), { allowBurnedInAnnotation: true })).toBe('ok');
    expect(reason(burned('NO'))).toBe('ok');
    const unstated = read(burned());
    expect(unstated.ok && unstated.burnedInStated).toBe(false);
    expect(reason(burned(), { requireBurnedInAnnotationNo: true })).toBe('dicom:burned-in-annotation');
    expect(() => deidentifyDicom(burned('YES'), {}, KEY)).toThrow(
      expect.objectContaining({ code: 'E_DICOM_REJECTED', message: 'DICOM file refused (dicom:burned-in-annotation)' }),
    );
  });
});

describe('malformed, truncated and huge-declared files', () => {
  const good = file({
    rows: 4,
    cols: 4,
    samples: ramp(16, 255, 9),
    extra: { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'SECRET^NAME' }] } },
  });

  it('each is refused by reason, not thrown', () => {
    expect(reason(new TextEncoder().encode('not a dicom file at all'))).toBe('dicom:not-part10');
    expect(reason(good.subarray(0, 140))).toBe('dicom:parse');
    // Cut inside the pixel data (the last element): its declared length passes the end, refused before dcmjs.
    expect(reason(good.subarray(0, good.length - 10))).toBe('dicom:parse');
    // 65535 × 65535 declared over 16 bytes of pixels: refused on the header, nothing allocated.
    const huge = file({ rows: 65535, cols: 65535, samples: ramp(16, 255, 9) });
    expect(reason(huge, {}, 4096 * 4096)).toBe('dicom:too-large');
    // A pixel element shorter than one frame.
    expect(reason(file({ rows: 8, cols: 8, samples: [1, 2] }))).toBe('dicom:pixel-data');
    // Pixel Data declaring 4 GB in a small file: a length past the end is refused by the walk before dcmjs
    // (dataSetShape), even when the bytes there would make a whole frame.
    const lying = good.slice();
    const at = Buffer.from(lying).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42])) + 8;
    expect(at).toBeGreaterThan(8);
    new DataView(lying.buffer).setUint32(at, 0xfffffff0, true);
    expect(reason(lying)).toBe('dicom:parse');
    // A name declaring 65,535 bytes, past the end: whatever dcmjs keeps, the file is refused.
    const name = good.slice();
    const n = Buffer.from(name).indexOf(Buffer.from('SECRET^NAME', 'latin1')) - 2;
    name[n] = name[n + 1] = 0xff;
    expect(reason(name)).toMatch(/^dicom:/);
    expect(() => deidentifyDicom(good.subarray(0, 140), {}, KEY)).toThrow(
      expect.objectContaining({ code: 'E_DICOM_REJECTED', message: 'DICOM file refused (dicom:parse)' }),
    );
  });

  it('no corruption of a valid file throws: every outcome is pixels or a reason code', () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    const outcomes = new Set<string>();
    for (let k = 0; k < 300; k++) {
      const bad = good.slice();
      for (let j = 0; j < 1 + (k % 4); j++) bad[132 + (next() % (bad.length - 132))] = next() & 0xff;
      const cut = k % 3 === 0 ? bad.subarray(0, 132 + (next() % (bad.length - 132))) : bad;
      const r = reason(cut);
      expect(r).toMatch(/^(ok|dicom:[a-z-]+|image:[a-z-]+)$/);
      outcomes.add(r);
    }
    expect(outcomes.size).toBeGreaterThan(1);
  });
});

describe('readImageDataset over .dcm files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cohort-dicom-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const put = (rel: string, bytes: Uint8Array) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, bytes);
  };
  const schema = parseImageSchema({
    kind: 'images',
    id: 'dicom-fixture',
    source: { layout: 'folder' },
    splits: ['train', 'test'],
    size: [3, 3],
    channels: 1,
    normalise: { kind: 'mean-std', mean: [0.5], std: [0.5], source: 'test' },
    classes: ['normal', 'pneumonia'],
    // Each fixture folder is mostly refused files, counted by reason here (the fraction check: test/hostile).
    maxRejectedFraction: 1,
  });

  it('gives the same tensors as the same pixels as PNG, and counts refusals by reason only', async () => {
    const images = [ramp(16, 255, 1), ramp(16, 255, 2), ramp(16, 255, 3), ramp(16, 255, 4)];
    const where = ['train/normal/a', 'train/pneumonia/b', 'test/normal/c', 'test/pneumonia/d'];
    where.forEach((w, i) => {
      put(`png/${w}.png`, pngBytes(4, 4, 1, images[i]!));
      const extra = { '00100010': { vr: 'PN', Value: [{ Alphabetic: `SECRET^PATIENT${i}` }] } };
      put(`dcm/${w}.dcm`, file({ rows: 4, cols: 4, samples: images[i]!, extra }));
    });
    put(
      'dcm/train/normal/burned.dcm',
      writeDicom({
        ...imageDataset({ rows: 4, cols: 4, samples: images[0]! }),
        '00280301': { vr: 'CS', Value: ['YES'] },
      }),
    );
    put('dcm/train/normal/notdicom.dcm', new TextEncoder().encode('SECRET^PATIENT9'));
    put(
      'dcm/test/normal/rle.dcm',
      writeDicom(imageDataset({ rows: 1, cols: 2, samples: [0, 1] }), '1.2.840.10008.1.2.5'),
    );
    const png = await readImageDataset(join(dir, 'png'), schema);
    const dcm = await readImageDataset(join(dir, 'dcm'), schema);
    for (const s of ['train', 'test']) {
      expect(Array.from(dcm.splits[s]!.x)).toEqual(Array.from(png.splits[s]!.x));
      expect(Array.from(dcm.splits[s]!.y)).toEqual(Array.from(png.splits[s]!.y));
    }
    expect(dcm.report.recordsRejected).toEqual({
      'dicom:burned-in-annotation': 1,
      'dicom:not-part10': 1,
      'dicom:transfer-syntax': 1,
    });
    expect(dcm.report.rowsUsed).toBe(4);
    const col = dcm.report.columns.find((c) => c.name === 'dicom-header');
    expect(col).toMatchObject({ values: 4, missing: 0 });
    expect(JSON.stringify(dcm.report)).not.toContain('SECRET');
  });

  it('a .dcm file that is a PNG is not decoded as one', async () => {
    put('mixed/train/normal/x.dcm', pngBytes(4, 4, 1, ramp(16, 255, 1)));
    put('mixed/train/normal/y.png', pngBytes(4, 4, 1, ramp(16, 255, 1)));
    put('mixed/test/normal/z.png', pngBytes(4, 4, 1, ramp(16, 255, 1)));
    const d = await readImageDataset(join(dir, 'mixed'), schema);
    expect(d.report.recordsRejected).toEqual({ 'dicom:not-part10': 1 });
    expect(d.report.columns.map((c) => c.name)).toEqual(['image']);
  });

  it('deidentifyDicom errors carry codes only', () => {
    try {
      deidentifyDicom(new TextEncoder().encode('SECRET'), {}, KEY);
    } catch (e) {
      expect(e).toBeInstanceOf(CohortError);
      expect((e as CohortError).message).not.toContain('SECRET');
      return;
    }
    throw new Error('expected a refusal');
  });
});
