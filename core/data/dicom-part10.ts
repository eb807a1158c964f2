/**
 * The first bytes of a DICOM Part 10 file (PS3.10 7.1): a 128-byte preamble,
 * "DICM", then the File Meta Information group (0002), always explicit VR
 * little endian. Read here, before any parser runs, so the transfer syntax is
 * known first: a deflated data set (1.2.840.10008.1.2.1.99) would be inflated
 * by the parser without an output bound, so it is refused unparsed. The
 * data set's structure is walked here too (dataSetShape), so a file dcmjs
 * would spend minutes on is refused first.
 */

/** True when the bytes carry "DICM" at offset 128. */
export function isPart10(b: Uint8Array): boolean {
  return b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

// VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2).
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const MAX_UID_LENGTH = 64;

/** Transfer Syntax UID (0002,0010) from the meta group, or undefined when it is absent or the group is malformed. */
export function part10TransferSyntax(b: Uint8Array): string | undefined {
  if (!isPart10(b)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 132;
  while (i + 8 <= b.length && v.getUint16(i, true) === 0x0002) {
    const element = v.getUint16(i + 2, true);
    const vr = String.fromCharCode(b[i + 4]!, b[i + 5]!);
    let len: number;
    let start: number;
    if (LONG_VRS.has(vr)) {
      if (i + 12 > b.length) return undefined;
      len = v.getUint32(i + 8, true);
      start = i + 12;
    } else {
      len = v.getUint16(i + 6, true);
      start = i + 8;
    }
    if (len === 0xffffffff || start + len > b.length) return undefined;
    if (element === 0x0010) {
      if (len > MAX_UID_LENGTH) return undefined;
      // UIDs are padded to even length with NUL (PS3.5 9.1).
      return String.fromCharCode(...b.subarray(start, start + len)).replace(/[\0 ]+$/, '');
    }
    i = start + len;
  }
  return undefined;
}

/**
 * Most sequences nested in one another (an image header nests a few: an
 * enhanced multi-frame's functional groups are three deep). dcmjs's cost for
 * a nested undefined-length sequence grows with the bytes after it, so a file
 * of 1,000 nested sequences before a few megabytes costs minutes; the walk
 * below refuses one nested deeper than this before dcmjs runs.
 */
export const MAX_SEQUENCE_DEPTH = 16;

/**
 * Most sequence items in one file (an encapsulated frame's fragments are not
 * items here). dcmjs spends about 20 µs on each (80,000 sibling items, 2.2 MB:
 * 1.6 s), so a 64 MB file of them would cost 45 s; an image header holds a
 * few, an enhanced multi-frame a few per frame.
 */
export const MAX_SEQUENCE_ITEMS = 100_000;

const UNDEFINED = 0xffffffff;
const VRS = new Set([
  ...LONG_VRS,
  ...['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM'],
  ...['UI', 'UL', 'US'],
]);

/** Offset of the first data set byte after the meta group (PS3.10 7.1), or undefined when the group is malformed. */
function metaEnd(b: Uint8Array, v: DataView): number | undefined {
  let i = 132;
  while (i + 8 <= b.length && v.getUint16(i, true) === 0x0002) {
    const long = LONG_VRS.has(String.fromCharCode(b[i + 4]!, b[i + 5]!));
    const len = long ? (i + 12 <= b.length ? v.getUint32(i + 8, true) : UNDEFINED) : v.getUint16(i + 6, true);
    if (len === UNDEFINED) return undefined;
    i += (long ? 12 : 8) + len;
  }
  return i <= b.length ? i : undefined;
}

/** An element's VR ('' in implicit VR), value length and header size at `i`, or undefined for an unknown VR or a cut header. */
function elementHeader(b: Uint8Array, v: DataView, i: number, explicit: boolean) {
  if (!explicit) return { vr: '', len: v.getUint32(i + 4, true), size: 8 };
  const vr = String.fromCharCode(b[i + 4]!, b[i + 5]!);
  if (!VRS.has(vr)) return undefined;
  if (!LONG_VRS.has(vr)) return { vr, len: v.getUint16(i + 6, true), size: 8 };
  return i + 12 > b.length ? undefined : { vr, len: v.getUint32(i + 8, true), size: 12 };
}

/**
 * Walks a little-endian data set's elements without reading a value: the
 * nesting of its sequences, and whether every length fits in the file.
 * "malformed": a length past the end (an item's included), a delimiter with
 * nothing open, a sequence or item still open at the end of the file, an
 * unknown VR (dcmjs would guess on and read what is there). In implicit VR
 * a defined-length value that opens with an Item tag is read as a sequence;
 * an explicit VR file's UN of undefined length holds implicit VR items
 * (PS3.5 6.2.2).
 */
export function dataSetShape(b: Uint8Array, explicit: boolean): 'ok' | 'too-deep' | 'too-many-items' | 'malformed' {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const start = isPart10(b) ? metaEnd(b, v) : undefined;
  if (start === undefined) return 'malformed';
  // Open sequences and items (two per nesting level); end is Infinity until a delimiter closes one.
  type Open = { end: number; fragments: boolean; implicit: boolean };
  const open: Open[] = [];
  const push = (o: Open) => open.push(o) > 2 * MAX_SEQUENCE_DEPTH;
  let i = start;
  let items = 0;
  for (;;) {
    while (open.length > 0 && open[open.length - 1]!.end === i) open.pop();
    // The end of the file with a sequence or item still open (an undefined length never delimited) is malformed.
    if (i === b.length) return open.length === 0 ? 'ok' : 'malformed';
    const top = open[open.length - 1];
    const implicit = top ? top.implicit : !explicit;
    if (i + 8 > b.length || (top && top.end < i)) return 'malformed';
    const [group, element, len4] = [v.getUint16(i, true), v.getUint16(i + 2, true), v.getUint32(i + 4, true)];
    if (group === 0xfffe) {
      i += 8;
      if (element === 0xe000 && top?.fragments) {
        // An encapsulated frame's fragment: bytes, not elements.
        if (len4 === UNDEFINED || i + len4 > b.length) return 'malformed';
        i += len4;
      } else if (element === 0xe000 && top) {
        if (len4 !== UNDEFINED && i + len4 > b.length) return 'malformed';
        if (++items > MAX_SEQUENCE_ITEMS) return 'too-many-items';
        if (push({ end: len4 === UNDEFINED ? Infinity : i + len4, fragments: false, implicit })) return 'too-deep';
      } else if ((element === 0xe00d || element === 0xe0dd) && top?.end === Infinity) open.pop();
      else return 'malformed';
      continue;
    }
    const h = elementHeader(b, v, i, !implicit);
    if (!h) return 'malformed';
    i += h.size;
    if (h.len === UNDEFINED) {
      const fragments = group === 0x7fe0 && element === 0x0010;
      if (push({ end: Infinity, fragments, implicit: implicit || h.vr === 'UN' })) return 'too-deep';
      continue;
    }
    if (i + h.len > b.length) return 'malformed';
    const sequence = implicit
      ? h.len >= 8 && v.getUint16(i, true) === 0xfffe && v.getUint16(i + 2, true) === 0xe000
      : h.vr === 'SQ';
    if (sequence && h.len > 0) {
      if (push({ end: i + h.len, fragments: false, implicit })) return 'too-deep';
    } else i += h.len;
  }
}
