/**
 * Issue 19's DICOM intake under attack: hostile Part 10 files (nesting,
 * lengths past the end, a transfer syntax that lies) each cost one counted
 * rejection, decided before dcmjs spends time on them; a folder mostly
 * refused is refused whole (maxRejectedFraction), naming reasons and counts,
 * never a file name; and `client inspect` shows what was done to the headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DICOM_DEFAULTS, readDicomImage } from '../../client/intake/dicom.ts';
import { readImageDataset } from '../../client/intake/images.ts';
import { formatImageInspect } from '../../client/intake/images-inspect.ts';
import { EXPLICIT_VR_LE, IMPLICIT_VR_LE } from '../../core/data/dicom-pixels.ts';
import { dataSetShape, MAX_SEQUENCE_DEPTH, MAX_SEQUENCE_ITEMS } from '../../core/data/dicom-part10.ts';
import { parseImageSchema } from '../../core/data/image-schema.ts';
import { dcmjs, imageDataset, writeDicom } from '../core/data/dicom-fixtures.ts';
import { caught } from '../core/data/fixtures.ts';
import { greyFolderSchemaInput } from '../core/data/image-fixtures.ts';

const KEY = new Uint8Array(32).fill(9);
const reason = (b: Uint8Array) => {
  const r = readDicomImage(b, { dicom: DICOM_DEFAULTS, maxPixels: 1 << 20, key: KEY });
  return r.ok ? 'ok' : r.reason;
};

const u16 = (n: number) => Buffer.from(new Uint16Array([n]).buffer);
const u32 = (n: number) => Buffer.from(new Uint32Array([n >>> 0]).buffer);
const tag = (g: number, e: number) => Buffer.concat([u16(g), u16(e)]);
/** An explicit VR element header with a 4-byte length (OB, OW, SQ, UT...). */
const longVr = (g: number, e: number, vr: string, len: number) =>
  Buffer.concat([tag(g, e), Buffer.from(vr, 'latin1'), u16(0), u32(len)]);
const UNDEFINED = 0xffffffff;
const itemStart = Buffer.concat([tag(0xfffe, 0xe000), u32(UNDEFINED)]);
const itemEnd = Buffer.concat([tag(0xfffe, 0xe00d), u32(0)]);
const seqEnd = Buffer.concat([tag(0xfffe, 0xe0dd), u32(0)]);

/** Preamble, "DICM" and a meta group naming `ts`, no data set. */
const head = (ts = EXPLICIT_VR_LE) => Buffer.from(writeDicom({}, ts));
const image = (ts = EXPLICIT_VR_LE) =>
  Buffer.from(writeDicom(imageDataset({ rows: 2, cols: 2, samples: [0, 9, 99, 255] }), ts));
/** The data set of a valid 2×2 image (its elements after the meta group). */
const body = (ts = EXPLICIT_VR_LE) => image(ts).subarray(head(ts).length);

/** `depth` Content Sequences (0040,A730) of undefined length, each in an item, around `inner`; closed or left open. */
function nested(depth: number, inner: Buffer = Buffer.alloc(0), closed = true): Buffer {
  const open = Buffer.concat(
    new Array<Buffer>(depth).fill(Buffer.concat([longVr(0x0040, 0xa730, 'SQ', UNDEFINED), itemStart])),
  );
  const close = closed
    ? Buffer.concat(new Array<Buffer>(depth).fill(Buffer.concat([itemEnd, seqEnd])))
    : Buffer.alloc(0);
  return Buffer.concat([open, inner, close]);
}

/** The same nesting with defined lengths, in implicit VR (a sequence known only by its value opening with an Item). */
function nestedImplicitDefined(depth: number): Buffer {
  let inner = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    const item = Buffer.concat([tag(0xfffe, 0xe000), u32(inner.length), inner]);
    inner = Buffer.concat([tag(0x0040, 0xa730), u32(item.length), item]);
  }
  return inner;
}

describe('issue 19 DICOM: hostile bytes are refused by reason, before dcmjs spends on them', () => {
  it('sequences nested past the bound are refused unparsed, however many bytes follow; a few levels are read', () => {
    expect(reason(Buffer.concat([head(), nested(3), body()]))).toBe('ok');
    expect(reason(Buffer.concat([head(), nested(MAX_SEQUENCE_DEPTH + 1), body()]))).toBe('dicom:nesting');
    expect(reason(Buffer.concat([head(), nested(1000), body()]))).toBe('dicom:nesting');
    // 1,000 levels around 5 MB: dcmjs's cost grows with depth times the bytes after (minutes, unbounded above).
    const blob = Buffer.concat([longVr(0x0009, 0x1010, 'OB', 5 << 20), Buffer.alloc(5 << 20)]);
    expect(reason(Buffer.concat([head(), nested(1000, blob), body()]))).toBe('dicom:nesting');
    expect(reason(Buffer.concat([head(IMPLICIT_VR_LE), nestedImplicitDefined(1000), body(IMPLICIT_VR_LE)]))).toBe(
      'dicom:nesting',
    );
  });

  it('a header of more sequence items than the bound is refused unparsed (dcmjs costs about 20 µs an item)', () => {
    const item = Buffer.concat([
      itemStart,
      tag(0x0040, 0xa040),
      Buffer.from('CS'),
      u16(4),
      Buffer.from('TEXT'),
      itemEnd,
    ]);
    const many = (n: number) =>
      Buffer.concat([longVr(0x0040, 0xa730, 'SQ', UNDEFINED), Buffer.concat(new Array<Buffer>(n).fill(item)), seqEnd]);
    expect(reason(Buffer.concat([head(), many(1000), body()]))).toBe('ok');
    expect(reason(Buffer.concat([head(), many(MAX_SEQUENCE_ITEMS + 1), body()]))).toBe('dicom:items');
  });

  it('undefined-length items never closed, a huge declared length, Pixel Data larger than the file: refused', () => {
    expect(reason(Buffer.concat([head(), body(), nested(5, Buffer.alloc(0), false)]))).toMatch(/^dicom:/);
    // The walk itself refuses them, before dcmjs is asked (a final review found both passing it as 'ok').
    expect(dataSetShape(Buffer.concat([head(), body(), nested(5, Buffer.alloc(0), false)]), true)).toBe('malformed');
    const hugeItem = Buffer.concat([longVr(0x0040, 0xa730, 'SQ', UNDEFINED), tag(0xfffe, 0xe000), u32(0x7ffffff0)]);
    expect(dataSetShape(Buffer.concat([head(), body(), hugeItem, Buffer.alloc(16)]), true)).toBe('malformed');
    // Closed, the same nesting walks to the end.
    expect(dataSetShape(Buffer.concat([head(), body(), nested(5)]), true)).toBe('ok');
    expect(reason(Buffer.concat([head(), longVr(0x0040, 0xa160, 'UT', 0xfffffff0), Buffer.from('abcd')]))).toBe(
      'dicom:parse',
    );
    const b = body();
    const pixels = b.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const tooLong = Buffer.concat([
      head(),
      b.subarray(0, pixels),
      longVr(0x7fe0, 0x0010, 'OW', 1 << 28),
      Buffer.alloc(4),
    ]);
    expect(reason(tooLong)).toBe('dicom:parse');
    // An unknown VR: dcmjs would read on as UN, whatever it finds there.
    expect(reason(Buffer.concat([head(), longVr(0x0009, 0x1010, '\u0001\u0002', 4), body()]))).toBe('dicom:parse');
  });

  it('a transfer syntax that lies (implicit named, explicit written, or the reverse; big endian) is refused', () => {
    expect(reason(Buffer.concat([head(IMPLICIT_VR_LE), body(EXPLICIT_VR_LE)]))).toMatch(/^dicom:/);
    expect(reason(Buffer.concat([head(EXPLICIT_VR_LE), body(IMPLICIT_VR_LE)]))).toMatch(/^dicom:/);
    expect(reason(Buffer.concat([head('1.2.840.10008.1.2.2'), body()]))).toBe('dicom:transfer-syntax');
    expect(reason(image(IMPLICIT_VR_LE))).toBe('ok');
  });

  it('the walk is not stricter than the standard: a UN of undefined length holding implicit VR items is read', () => {
    const un = Buffer.concat([
      ...[longVr(0x0009, 0x1010, 'UN', UNDEFINED), itemStart],
      ...[tag(0x0009, 0x1011), u32(4), Buffer.from('abcd')],
      ...[itemEnd, seqEnd],
    ]);
    const b = body();
    const pixels = b.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    expect(dataSetShape(Buffer.concat([head(), b.subarray(0, pixels), un, b.subarray(pixels)]), true)).toBe('ok');
  });

  it("every dcmjs logger is silent once the intake has loaded it (the parser's own warn through named loggers the root's level does not reach)", () => {
    expect(readDicomImage(image(), { dicom: DICOM_DEFAULTS, maxPixels: 1 << 20, key: KEY })).toMatchObject({
      ok: true,
    });
    const loggers = Object.values(
      (dcmjs.log as unknown as { getLoggers(): Record<string, { getLevel(): number }> }).getLoggers(),
    );
    expect(loggers.length).toBeGreaterThan(0);
    for (const l of loggers) expect(l.getLevel()).toBe(5); // loglevel's SILENT
  });
});

describe('issue 19 DICOM: a folder mostly refused is refused whole; inspect shows the header findings', () => {
  let dir: string;
  const schema = (maxRejectedFraction?: number) =>
    parseImageSchema(
      greyFolderSchemaInput({
        id: 'hostile-dicom',
        size: [2, 2],
        ...(maxRejectedFraction === undefined ? {} : { maxRejectedFraction }),
      }),
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cohort-hostile-19-dicom-'));
    for (const c of ['normal', 'pneumonia']) {
      mkdirSync(join(dir, c));
      writeFileSync(join(dir, c, `Reichel38_Kristeen750_good.dcm`), image());
      for (let i = 0; i < 4; i++)
        writeFileSync(join(dir, c, `Reichel38_Kristeen750_${i}.dcm`), Buffer.concat([head(), nested(100), body()]));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('8 of 10 files refused: E_DATA_UNTRAINABLE with reasons and counts, no file name', async () => {
    const e = await caught(() => readImageDataset(dir, schema()));
    expect(e.code).toBe('E_DATA_UNTRAINABLE');
    expect(e.message).toContain('rejected 8 of 10 files');
    expect(e.message).toContain('dicom:nesting 8');
    expect(e.message).not.toContain('Reichel');
  });

  it('allowed by the schema, the data is read, and inspect prints the DICOM header line and the reasons', async () => {
    const d = await readImageDataset(dir, schema(1));
    const text = formatImageInspect(d);
    expect(text).toContain('DICOM headers: 2 files used were DICOM');
    expect(text).toContain('0 of them did not state Burned In Annotation');
    expect(text.split('\n').find((l) => l.includes('dicom:nesting'))).toMatch(/\b8\b/);
    expect(text).not.toContain('Reichel');
  });
});
