/**
 * The walk in front of dcmjs (core/data/dicom-part10.ts) bounds sequence
 * nesting and items only if it reads the file as dcmjs will. Each case here
 * is a place the two read differently, a nesting hidden in what the walk
 * skipped: dcmjs then copies every nested value once per level (a 2 MB file
 * nested 1,000 deep: 27 s and 3.5 GB), which the depth bound is there to stop.
 *
 * The meta group as the pre-parse checks read it must be the meta group dcmjs
 * reads. dcmjs takes the group's end from File Meta Information Group Length
 * (0002,0000) and, for a repeated element, keeps the last; a check that walks
 * the group to its last 0002 element and keeps the first Transfer Syntax UID
 * reads another file: a second (0002,0010) naming Deflated Explicit VR Little
 * Endian makes dcmjs inflate the rest of the file (pako, no output bound: a
 * decompression bomb) behind a walk that saw explicit VR and a harmless data set.
 */
import { describe, expect, it } from 'vitest';
import { DICOM_DEFAULTS, deidentifyDicom, readDicomImage } from '../../../client/intake/dicom.ts';
import { dataSetShape, MAX_SEQUENCE_DEPTH, part10TransferSyntax } from '../../../core/data/dicom-part10.ts';
import { EXPLICIT_VR_LE } from '../../../core/data/dicom-pixels.ts';
import { imageDataset, writeDicom } from '../../core/data/dicom-fixtures.ts';

const KEY = new Uint8Array(32).fill(3);
const DEFLATED = '1.2.840.10008.1.2.1.99';

const u16 = (n: number) => [n & 0xff, n >>> 8];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
/** An explicit VR element with a 2-byte length. */
const short = (g: number, e: number, vr: string, value: number[]) => [
  ...u16(g),
  ...u16(e),
  ...ascii(vr),
  ...u16(value.length),
  ...value,
];
const uid = (s: string) => ascii(s.length % 2 ? `${s}\0` : s);

/** The data set bytes (after the meta group) of a small image, as dcmjs writes them. */
function imageElements(): number[] {
  const f = writeDicom(imageDataset({ rows: 2, cols: 2, samples: [0, 85, 170, 255] }));
  const groupLength = new DataView(f.buffer, f.byteOffset).getUint32(140, true);
  return Array.from(f.subarray(144 + groupLength));
}

/**
 * A file the walk reads as explicit VR with an empty-looking data set, and
 * dcmjs as deflated: after the two Transfer Syntax UIDs, the element
 * (0002,BABE) AE opens a raw deflate stream (an empty fixed-Huffman block,
 * then a stored block whose LEN/NLEN are the element number and the VR), so
 * the inflated data set is this file's own bytes from the element's length on.
 */
function deflatedBehindExplicit(): Uint8Array {
  const storedLen = 0xbabe; // ~"AE" as LEN, "AE" as NLEN
  const inflated: number[] = [
    // dcmjs: (000A,0000) OB of 12 bytes, which the walk reads as the AE value and the next element's header.
    ...[10, 0, 0, 0, ...ascii('OB'), 0, 0, ...u32(12)],
    ...[0x09, 0, 0x10, 0, ...ascii('OB'), 0, 0, 0, 0, 0, 0], // walk: (0009,0010) OB to the end of the file
    ...imageElements(),
  ];
  const padAt = inflated.length;
  inflated.push(0x29, 0, 0x10, 0x10, ...ascii('OB'), 0, 0, ...u32(storedLen - padAt - 12));
  while (inflated.length < storedLen) inflated.push(0);
  const tail = [0x01, 0, 0, 0xff, 0xff]; // the final, empty, stored block
  const walkValue = inflated.length - 24 + tail.length;
  inflated.splice(20, 4, ...u32(walkValue));
  const meta = [...short(2, 0x10, 'UI', uid(EXPLICIT_VR_LE)), ...short(2, 0x10, 'UI', uid(DEFLATED))];
  const opener = [0x02, 0x00, ...u16(0xbabe), ...ascii('AE')];
  return new Uint8Array([
    ...new Array<number>(128).fill(0),
    ...ascii('DICM'),
    ...short(2, 0, 'UL', u32(meta.length)),
    ...meta,
    ...opener,
    ...inflated,
    ...tail,
  ]);
}

const reason = (f: Uint8Array) => {
  const r = readDicomImage(f, { dicom: DICOM_DEFAULTS, maxPixels: 1 << 20, key: KEY });
  return r.ok ? 'ok' : r.reason;
};
const tagBytes = (g: number, e: number) => [...u16(g), ...u16(e)];
const item = (content: number[]) => [...tagBytes(0xfffe, 0xe000), ...u32(content.length), ...content];
const ITEM_END = [...tagBytes(0xfffe, 0xe00d), 0, 0, 0, 0];
const SEQ_END = [...tagBytes(0xfffe, 0xe0dd), 0, 0, 0, 0];
/** A long-VR element header (4-byte length). */
const longHeader = (g: number, e: number, vr: string, len: number) => [
  ...tagBytes(g, e),
  ...ascii(vr),
  0,
  0,
  ...u32(len),
];
/** `depth` Content Sequences (0040,A730) of defined length, each holding one item. */
function nestedDefined(depth: number, vr = 'SQ'): number[] {
  let inner: number[] = [];
  for (let k = 0; k < depth; k++) {
    const it = item(inner);
    inner = [...longHeader(0x0040, 0xa730, vr, it.length), ...it];
  }
  return inner;
}
/** A Part 10 file: meta group, `elements`, then a valid 2 × 2 image's elements. */
const withImage = (elements: number[]) => new Uint8Array([...writeDicom({}), ...elements, ...imageElements()]);

describe('nesting the walk would skip is refused, as the same nesting in the open is', () => {
  const DEPTH = MAX_SEQUENCE_DEPTH * 2;

  it('in the open: refused', () => {
    expect(reason(withImage(nestedDefined(DEPTH)))).toBe('dicom:nesting');
    expect(reason(withImage(nestedDefined(3)))).toBe('ok');
  });

  it('as UN of defined length under a tag dcmjs knows as a sequence (dcmjs reads it as one)', () => {
    expect(reason(withImage(nestedDefined(DEPTH, 'UN')))).toBe('dicom:nesting');
    expect(reason(withImage(nestedDefined(3, 'UN')))).toBe('ok');
  });

  it('in a sequence, behind an element that is no item (dcmjs skips it four bytes at a time to the item in its value)', () => {
    const hidden = item(nestedDefined(DEPTH));
    const value = [...longHeader(0x0009, 0x1011, 'OB', hidden.length), ...hidden];
    expect(reason(withImage([...longHeader(0x0040, 0xa730, 'SQ', value.length), ...value]))).toBe('dicom:parse');
  });

  it('in an undefined-length item, after an Item Delimitation tag inside a value (where dcmjs ends the item)', () => {
    const value = [...ITEM_END, ...item(nestedDefined(DEPTH)), ...SEQ_END];
    const seq = [
      ...longHeader(0x0040, 0xa730, 'SQ', 0xffffffff),
      ...[...tagBytes(0xfffe, 0xe000), ...u32(0xffffffff)],
      ...longHeader(0x0009, 0x1011, 'OB', value.length),
      ...value,
      ...ITEM_END,
      ...SEQ_END,
    ];
    // The image first: dcmjs reads the walk's delimiters after the hidden items as one element to the end.
    expect(reason(new Uint8Array([...writeDicom({}), ...imageElements(), ...seq]))).toBe('dicom:parse');
  });
});

describe('the meta group dcmjs reads is the one checked', () => {
  it('a second Transfer Syntax UID naming deflate, behind an explicit one, is refused before anything is inflated', () => {
    const f = deflatedBehindExplicit();
    // What the checks in front of dcmjs see: explicit VR, a well-formed data set.
    expect(part10TransferSyntax(f)).toBe(EXPLICIT_VR_LE);
    expect(dataSetShape(f, true)).not.toBe('too-deep');
    const r = readDicomImage(f, { dicom: DICOM_DEFAULTS, maxPixels: 1 << 20, key: KEY });
    expect(r.ok ? 'decoded the inflated data set' : r.reason).toBe('dicom:parse');
    expect(() => deidentifyDicom(f, {}, KEY)).toThrow(expect.objectContaining({ code: 'E_DICOM_REJECTED' }));
  });

  it('a sequence in the meta group (dcmjs parses it; the walk skips meta values) is refused', () => {
    const ts = short(2, 0x10, 'UI', uid(EXPLICIT_VR_LE));
    const hidden = item(nestedDefined(MAX_SEQUENCE_DEPTH * 2));
    const sq = [...longHeader(2, 0x0100, 'SQ', hidden.length), ...hidden];
    const f = new Uint8Array([
      ...new Array<number>(128).fill(0),
      ...ascii('DICM'),
      ...short(2, 0, 'UL', u32(ts.length + sq.length)),
      ...ts,
      ...sq,
      ...imageElements(),
    ]);
    expect(reason(f)).toBe('dicom:parse');
  });

  it('a group length ending the meta group inside its last value hides a data set from the nesting bound', () => {
    // dcmjs reads a value cut short by the group length as far as it goes, then takes the rest as the data set.
    const depth = MAX_SEQUENCE_DEPTH * 2;
    const hidden = [...nested(depth), ...imageElements()];
    const ts = short(2, 0x10, 'UI', uid(EXPLICIT_VR_LE));
    const f = new Uint8Array([
      ...new Array<number>(128).fill(0),
      ...ascii('DICM'),
      ...short(2, 0, 'UL', u32(ts.length + 12)),
      ...ts,
      ...[0x02, 0, 0x02, 0x01, ...ascii('OB'), 0, 0, ...u32(hidden.length), ...hidden],
    ]);
    // The same nesting in the open is refused by the walk.
    const open = new Uint8Array([...writeDicom({}), ...hidden]);
    expect(readDicomImage(open, { dicom: DICOM_DEFAULTS, maxPixels: 1 << 20, key: KEY })).toEqual({
      ok: false,
      reason: 'dicom:nesting',
    });
    const r = readDicomImage(f, { dicom: DICOM_DEFAULTS, maxPixels: 1 << 20, key: KEY });
    expect(r.ok ? `read ${depth} nested sequences` : r.reason).toBe('dicom:parse');
  });
});

/** `depth` Content Sequences (0040,A730) of undefined length, each in an item of undefined length, closed. */
function nested(depth: number): number[] {
  const open = [0x40, 0, 0x30, 0xa7, ...ascii('SQ'), 0, 0, ...u32(0xffffffff), 0xfe, 0xff, 0, 0xe0, ...u32(0xffffffff)];
  const close = [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
  const out: number[] = [];
  for (let k = 0; k < depth; k++) out.push(...open);
  for (let k = 0; k < depth; k++) out.push(...close);
  return out;
}
