/**
 * deidentifyDicom against DICOM PS3.15 Annex E (Basic Application Level
 * Confidentiality Profile, Table E.1-1 and E.1.1), checked on the written
 * bytes rather than on the parsed data set: the identifying text is in the
 * input file and nowhere in the output file. The places tested are the ones a
 * table-driven de-identifier misses most easily: repeating groups other than
 * the first (overlay 60xx, curve 50xx: E.1-1's "60XX"/"50XX" rows), private
 * attributes inside items of sequences (E.1.1: private attributes removed at
 * any depth), identifying attributes two sequences deep under sequences the
 * table does not list (E.1.1: nested attributes are de-identified too), and
 * Other Patient IDs / Request Attributes sequences (removed, X).
 */
import { describe, expect, it } from 'vitest';
import { deidentifyDicom } from '../../../client/intake/dicom.ts';
import type { DicomDataset } from '../../../core/data/dicom-deidentify.ts';
import { imageDataset, writeDicom } from '../../core/data/dicom-fixtures.ts';

const KEY = new Uint8Array(32).fill(7);
const PHI = 'ROE^JANE^MRN4711';
const pn = { vr: 'PN', Value: [{ Alphabetic: PHI }] };
const lo = { vr: 'LO', Value: [PHI] };
const bytesOf = (s: string) => new TextEncoder().encode(s).buffer;

const CASES: Record<string, DicomDataset> = {
  'overlay data in group 6002': { '60023000': { vr: 'OW', Value: [bytesOf(PHI)] } },
  'overlay comments in group 601E': { '601E4000': { vr: 'LT', Value: [PHI] } },
  'curve data in group 5002': { '50020010': { vr: 'LO', Value: [PHI] } },
  'a private attribute inside a sequence item': {
    '00081115': { vr: 'SQ', Value: [{ '00290010': { vr: 'LO', Value: ['ACME'] }, '00291001': lo }] },
  },
  "Patient's Name two sequences deep under unlisted sequences": {
    '00081115': { vr: 'SQ', Value: [{ '0008114A': { vr: 'SQ', Value: [{ '00100010': pn }] } }] },
  },
  'Other Patient IDs Sequence': { '00101002': { vr: 'SQ', Value: [{ '00100020': lo }] } },
  'Request Attributes Sequence': {
    '00400275': { vr: 'SQ', Value: [{ '00401001': { vr: 'SH', Value: ['RQ-4711-X'] } }] },
  },
};

const holds = (b: Uint8Array, s: string) => Buffer.from(b).includes(Buffer.from(s, 'latin1'));

describe('deidentifyDicom leaves no identifying text in the written file', () => {
  it.each(Object.entries(CASES))('%s', (_what, extra) => {
    const text = extra['00400275'] ? 'RQ-4711-X' : PHI;
    const input = writeDicom({ ...imageDataset({ rows: 1, cols: 2, samples: [0, 255] }), ...extra });
    expect(holds(input, text)).toBe(true);
    const out = deidentifyDicom(input, {}, KEY);
    expect(holds(out.bytes, text)).toBe(false);
  });
});
