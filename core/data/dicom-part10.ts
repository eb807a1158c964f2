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

/**
 * Offset of the first data set byte after the meta group (PS3.10 7.1), or
 * undefined when the group is malformed, or when dcmjs would read another
 * group than this walk: dcmjs ends the group where File Meta Information
 * Group Length (0002,0000), its first element, says and keeps the last of a
 * repeated element, so the group must open with that length, end where it
 * says, and list its elements once each, in ascending order (PS3.5 7.1),
 * each of a known VR and none a sequence. A
 * second Transfer Syntax UID, or a length ending the group early or late,
 * would hand dcmjs a data set (a deflated one, inflated without bound) other
 * than the one checked here.
 */
function metaEnd(b: Uint8Array, v: DataView): number | undefined {
  const GROUP_LENGTH_AT = 132 + 8;
  if (b.length < GROUP_LENGTH_AT + 4 || v.getUint32(132, true) !== 0x00000002) return undefined;
  if (String.fromCharCode(b[136]!, b[137]!) !== 'UL' || v.getUint16(138, true) !== 4) return undefined;
  let i = 132;
  let last = -1;
  while (i + 8 <= b.length && v.getUint16(i, true) === 0x0002) {
    const element = v.getUint16(i + 2, true);
    if (element <= last) return undefined;
    last = element;
    // dcmjs reads an unknown VR as UN (a 4-byte length) and parses a sequence: either would be another group.
    const vr = String.fromCharCode(b[i + 4]!, b[i + 5]!);
    if (!VRS.has(vr) || vr === 'SQ') return undefined;
    const long = LONG_VRS.has(vr);
    const len = long ? (i + 12 <= b.length ? v.getUint32(i + 8, true) : UNDEFINED) : v.getUint16(i + 6, true);
    if (len === UNDEFINED) return undefined;
    i += (long ? 12 : 8) + len;
  }
  return i <= b.length && i === GROUP_LENGTH_AT + 4 + v.getUint32(GROUP_LENGTH_AT, true) ? i : undefined;
}

/** An element's VR ('' in implicit VR), value length and header size at `i`, or undefined for an unknown VR or a cut header. */
function elementHeader(b: Uint8Array, v: DataView, i: number, explicit: boolean) {
  if (!explicit) return { vr: '', len: v.getUint32(i + 4, true), size: 8 };
  const vr = String.fromCharCode(b[i + 4]!, b[i + 5]!);
  if (!VRS.has(vr)) return undefined;
  if (!LONG_VRS.has(vr)) return { vr, len: v.getUint16(i + 6, true), size: 8 };
  return i + 12 > b.length ? undefined : { vr, len: v.getUint32(i + 8, true), size: 12 };
}

/** Whether dcmjs reads the element (group, element) as a sequence by its data dictionary (an implicit VR or UN value). */
export type SequenceTag = (group: number, element: number) => boolean;

export type DataSetShape = 'ok' | 'too-deep' | 'too-many-items' | 'malformed';

/** An open sequence, item or encapsulated pixel data; end is Infinity until a delimiter closes it. */
type Open = { end: number; kind: 'seq' | 'item' | 'fragments'; implicit: boolean };

interface Walk {
  readonly b: Uint8Array;
  readonly v: DataView;
  readonly open: Open[];
  readonly isSequenceTag: SequenceTag;
  i: number;
  items: number;
}

/**
 * Whether b[from, to) holds an Item (FFFE,E000) or Item Delimitation
 * (FFFE,E00D) tag at any offset. dcmjs finds the end of an undefined-length
 * item by scanning its bytes for these tags, values included, so one inside
 * a value would end the item where this walk does not.
 */
function hasItemTag(b: Uint8Array, from: number, to: number): boolean {
  for (let k = b.indexOf(0xfe, from); k !== -1 && k + 3 < to; k = b.indexOf(0xfe, k + 1)) {
    if (b[k + 1] === 0xff && b[k + 3] === 0xe0 && (b[k + 2] === 0x00 || b[k + 2] === 0x0d)) return true;
  }
  return false;
}

const inUndefinedItem = (open: readonly Open[]) => open.some((o) => o.kind === 'item' && o.end === Infinity);

function push(w: Walk, o: Open): DataSetShape | undefined {
  return w.open.push(o) > 2 * MAX_SEQUENCE_DEPTH ? 'too-deep' : undefined;
}

/**
 * An item, a fragment or a delimiter at w.i. Only a sequence holds items, only
 * encapsulated pixel data fragments; Item Delimitation closes an
 * undefined-length item, Sequence Delimitation an undefined-length sequence.
 */
function structural(w: Walk, top: Open | undefined, element: number, len4: number): DataSetShape | undefined {
  const { b, open } = w;
  w.i += 8;
  if (element === 0xe000 && top?.kind === 'fragments') {
    // An encapsulated frame's fragment: bytes, not elements.
    if (len4 === UNDEFINED || w.i + len4 > b.length) return 'malformed';
    if (inUndefinedItem(open) && hasItemTag(b, w.i, w.i + len4)) return 'malformed';
    w.i += len4;
  } else if (element === 0xe000 && top?.kind === 'seq') {
    if (len4 !== UNDEFINED && w.i + len4 > b.length) return 'malformed';
    if (++w.items > MAX_SEQUENCE_ITEMS) return 'too-many-items';
    return push(w, { end: len4 === UNDEFINED ? Infinity : w.i + len4, kind: 'item', implicit: top.implicit });
  } else if (element === 0xe00d && len4 === 0 && top?.kind === 'item' && top.end === Infinity) open.pop();
  else if (element === 0xe0dd && top && top.kind !== 'item' && top.end === Infinity) open.pop();
  else return 'malformed';
  return undefined;
}

/** A data element at w.i: its value skipped, or opened as a sequence when dcmjs reads it as one. */
function dataElement(w: Walk, group: number, element: number, implicit: boolean): DataSetShape | undefined {
  const { b, v } = w;
  const at = w.i;
  const h = elementHeader(b, v, at, !implicit);
  if (!h) return 'malformed';
  w.i += h.size;
  const checkBytes = inUndefinedItem(w.open);
  if (h.len === UNDEFINED) {
    if (checkBytes && hasItemTag(b, at, w.i)) return 'malformed';
    const kind = group === 0x7fe0 && element === 0x0010 ? 'fragments' : 'seq';
    return push(w, { end: Infinity, kind, implicit: implicit || h.vr === 'UN' });
  }
  if (w.i + h.len > b.length) return 'malformed';
  const opensItem = h.len >= 8 && v.getUint16(w.i, true) === 0xfffe && v.getUint16(w.i + 2, true) === 0xe000;
  // dcmjs reads an implicit VR or UN value by its dictionary; an implicit one opening with an Item is walked too.
  const byDictionary = (implicit || h.vr === 'UN') && w.isSequenceTag(group, element);
  const sequence = h.vr === 'SQ' || byDictionary || (implicit && opensItem);
  if (checkBytes && hasItemTag(b, at, sequence ? w.i : w.i + h.len)) return 'malformed';
  if (sequence && h.len > 0) return push(w, { end: w.i + h.len, kind: 'seq', implicit });
  w.i += h.len;
  return undefined;
}

/**
 * Walks a little-endian data set's elements without reading a value: the
 * nesting of its sequences, and whether every length fits in the file, as
 * dcmjs will read them. "malformed": a length past the end (an item's
 * included), a delimiter with nothing open, a sequence or item still open at
 * the end of the file, an unknown VR (dcmjs would guess on and read what is
 * there), anything but items in a sequence (dcmjs skips it four bytes at a
 * time, looking for an Item tag inside what this walk skipped), an Item or
 * Item Delimitation tag inside an undefined-length item's values (dcmjs ends
 * such an item at the first it finds). A defined-length value is a sequence
 * when its VR is SQ or, in implicit VR or as UN, `isSequenceTag` says
 * dcmjs's dictionary makes it one (dcmjs then reads it in the file's
 * syntax), or, in implicit VR, when it opens with an Item tag; an explicit
 * VR file's UN of undefined length holds implicit VR items (PS3.5 6.2.2).
 */
export function dataSetShape(b: Uint8Array, explicit: boolean, isSequenceTag: SequenceTag = () => false): DataSetShape {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const start = isPart10(b) ? metaEnd(b, v) : undefined;
  if (start === undefined) return 'malformed';
  const w: Walk = { b, v, open: [], isSequenceTag, i: start, items: 0 };
  const { open } = w;
  for (;;) {
    while (open.length > 0 && open[open.length - 1]!.end === w.i) open.pop();
    // The end of the file with a sequence or item still open (an undefined length never delimited) is malformed.
    if (w.i === b.length) return open.length === 0 ? 'ok' : 'malformed';
    const top = open[open.length - 1];
    if (w.i + 8 > b.length || (top && top.end < w.i)) return 'malformed';
    const [group, element, len4] = [v.getUint16(w.i, true), v.getUint16(w.i + 2, true), v.getUint32(w.i + 4, true)];
    const r =
      group === 0xfffe
        ? structural(w, top, element, len4)
        : top && top.kind !== 'item'
          ? 'malformed'
          : dataElement(w, group, element, top ? top.implicit : !explicit);
    if (r) return r;
  }
}
