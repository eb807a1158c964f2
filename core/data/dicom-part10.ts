/**
 * The first bytes of a DICOM Part 10 file (PS3.10 7.1): a 128-byte preamble,
 * "DICM", then the File Meta Information group (0002), always explicit VR
 * little endian. Read here, before any parser runs, so the transfer syntax is
 * known first: a deflated data set (1.2.840.10008.1.2.1.99) would be inflated
 * by the parser without an output bound, so it is refused unparsed.
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
