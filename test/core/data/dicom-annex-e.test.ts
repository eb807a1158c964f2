/**
 * THE table test: a DICOM file carrying every PS3.15 Table E.1-1 attribute
 * dcmjs can write, each with a recognisable value, de-identified; then, for
 * every row of the table, the attribute is checked against its Basic Profile
 * action (compound actions as dicom-deidentify.ts resolves them).
 */
import { describe, expect, it } from 'vitest';
import { deidentifyDicom } from '../../../client/intake/dicom.ts';
import { ANNEX_E, ANNEX_E_SOURCE } from '../../../core/data/dicom-annex-e.ts';
import type { AnnexERow } from '../../../core/data/dicom-annex-e-row.ts';
import { shiftDate, type DicomDataset, type DicomElement } from '../../../core/data/dicom-deidentify.ts';
import { readDicom, writeDicom } from './dicom-fixtures.ts';

const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(8);
const UID_PREFIX = '1.2.826.0.1.3680043.2.1125.77.';

/** Rows no Part 10 file can carry, with why; the test fails if this list and the table disagree. */
const NOT_IN_A_FILE: Record<string, string> = {
  '00001000': 'Affected SOP Instance UID: command group 0000, a DIMSE message field, never in a stored data set',
  '00001001': 'Requested SOP Instance UID: command group 0000, as above',
};

/** The documented resolution of each Basic Profile action (dicom-deidentify.ts header). */
const RESOLVED: Record<string, 'X' | 'Z' | 'D' | 'U'> = {
  X: 'X',
  Z: 'Z',
  D: 'D',
  U: 'U',
  'X/Z': 'Z',
  'X/D': 'D',
  'Z/D': 'D',
  'X/Z/D': 'D',
  'X/Z/U*': 'U',
};

/** A concrete tag for a row (a repeating-group wildcard becomes its first group). */
const concrete = (tag: string) => tag.replace(/X/g, '0');

function original(row: AnnexERow, i: number): DicomElement {
  const [, vr] = row;
  const text = `LEAK${i}`;
  switch (vr) {
    case 'UI':
      return { vr, Value: [UID_PREFIX + i] };
    case 'DA':
      return { vr, Value: ['20200115'] };
    case 'TM':
      return { vr, Value: ['101500'] };
    case 'DT':
      return { vr, Value: ['20200115101500'] };
    case 'PN':
      return { vr, Value: [{ Alphabetic: `LEAK^N${i}` }] };
    case 'AS':
      return { vr, Value: ['042Y'] };
    case 'CS':
      return { vr, Value: [`LEAK${i}`] };
    case 'DS':
    case 'IS':
    case 'US':
      return { vr, Value: [4242] };
    case 'SQ':
      return {
        vr,
        Value: [
          {
            '00100010': { vr: 'PN', Value: [{ Alphabetic: `LEAK^NESTED${i}` }] },
            '00081155': { vr: 'UI', Value: [`${UID_PREFIX}${i}.1`] },
            '00080100': { vr: 'SH', Value: ['KEPT'] },
          },
        ],
      };
    case 'OB':
    case 'UN':
      return { vr, Value: [new TextEncoder().encode(`LEAK${i}`.padEnd(8, '_')).buffer] };
    default:
      return { vr, Value: [text] };
  }
}

function fixture(): { bytes: Uint8Array; rows: [AnnexERow, string, DicomElement][] } {
  const ds: DicomDataset = {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.7'] },
    // Private: a creator and its element; both must go.
    '00090010': { vr: 'LO', Value: ['LEAKCREATOR'] },
    '00091001': { vr: 'LO', Value: ['LEAKPRIVATE'] },
  };
  const meta: DicomDataset = {};
  const rows: [AnnexERow, string, DicomElement][] = [];
  ANNEX_E.forEach((row, i) => {
    if (NOT_IN_A_FILE[row[0]]) return;
    const tag = concrete(row[0]);
    const el = original(row, i);
    (tag.startsWith('0002') ? meta : ds)[tag] = el;
    rows.push([row, tag, el]);
  });
  return { bytes: writeDicom(ds, undefined, meta), rows };
}

const isEmpty = (el: DicomElement | undefined) =>
  el !== undefined && (el.Value ?? []).every((v) => v === '' || v === null || (v as ArrayBuffer).byteLength === 0);
/** Values comparable as text, binary ones as hex. */
const show = (vs: unknown[] | undefined) =>
  JSON.stringify((vs ?? []).map((v) => (v instanceof ArrayBuffer ? Buffer.from(v).toString('hex') : v)));
const VALID_UID = /^2\.25\.(0|[1-9]\d{0,38})$/;

function checkSequence(out: DicomElement, i: number): void {
  const item = out.Value?.[0] as DicomDataset;
  // Patient Name is Z in the table: emptied inside a kept sequence as at the top level.
  expect(isEmpty(item['00100010']), `nested PatientName in row ${i}`).toBe(true);
  expect(item['00081155']!.Value![0]).toMatch(VALID_UID);
  expect(item['00080100']!.Value![0]).toBe('KEPT');
}

describe('PS3.15 Table E.1-1, Basic Profile, every attribute', () => {
  const { bytes, rows } = fixture();
  const written = readDicom(bytes);

  it('the fixture carries every row of the table but the listed exceptions, each readable back', () => {
    expect(ANNEX_E.length).toBeGreaterThan(600);
    expect(ANNEX_E_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    const missing = ANNEX_E.filter((r) => !rows.some(([row]) => row === r)).map((r) => r[0]);
    expect(missing.sort()).toEqual(Object.keys(NOT_IN_A_FILE).sort());
    for (const [row, tag] of rows) {
      const at = tag.startsWith('0002') ? written.meta : written.dict;
      expect(at[tag], `fixture lost ${row[0]} ${row[4]}`).toBeDefined();
    }
  });

  it('each attribute is removed, emptied, dummied or UID-replaced per its action; private tags are gone', () => {
    const { bytes: outBytes, actions } = deidentifyDicom(bytes, {}, KEY);
    const out = readDicom(outBytes);
    let checked = 0;
    rows.forEach(([row, tag, el], i) => {
      const got = (tag.startsWith('0002') ? out.meta : out.dict)[tag];
      const what = `${row[0]} ${row[4]} (${row[2]})`;
      const action = RESOLVED[row[2]];
      expect(action, what).toBeDefined();
      if (action === 'X') expect(got, what).toBeUndefined();
      else if (action === 'Z') expect(isEmpty(got), what).toBe(true);
      else if (row[1] === 'SQ') checkSequence(got!, i);
      else if (action === 'U' || row[1] === 'UI') {
        expect(got!.Value![0], what).toMatch(VALID_UID);
        expect(String(got!.Value![0]).length).toBeLessThanOrEqual(64);
      } else {
        expect(got, what).toBeDefined();
        expect(got!.Value!.length, what).toBeGreaterThan(0);
        expect(show(got!.Value), what).not.toEqual(show(el.Value));
        if (row[1] === 'DA') expect(got!.Value).toEqual(['19000101']);
      }
      checked++;
    });
    expect(checked).toBe(ANNEX_E.length - Object.keys(NOT_IN_A_FILE).length);
    expect(out.dict['00090010']).toBeUndefined();
    expect(out.dict['00091001']).toBeUndefined();
    expect(actions.filter((a) => a.private).map((a) => a.tag)).toEqual(['00090010', '00091001']);
    // No recognisable value and no original UID anywhere in the output bytes.
    const text = Buffer.from(outBytes).toString('latin1');
    expect(text).not.toContain('LEAK');
    expect(text).not.toContain(UID_PREFIX);
    // PS3.15 E.1.1: the method is recorded.
    expect(out.dict['00120062']!.Value).toEqual(['YES']);
    const codes = (out.dict['00120064']!.Value as DicomDataset[]).map((c) => c['00080100']!.Value![0]);
    expect(codes).toEqual(['113100']);
    expect(out.dict['00280303']!.Value).toEqual(['REMOVED']);
  });

  it('UIDs are keyed: the same secret gives the same UIDs, another secret others; a UID maps the same everywhere', () => {
    const a = readDicom(deidentifyDicom(bytes, {}, KEY).bytes);
    const b = readDicom(deidentifyDicom(bytes, {}, KEY).bytes);
    const c = readDicom(deidentifyDicom(bytes, {}, OTHER_KEY).bytes);
    const sop = '00080018';
    expect(a.dict[sop]!.Value).toEqual(b.dict[sop]!.Value);
    expect(a.dict[sop]!.Value).not.toEqual(c.dict[sop]!.Value);
    expect(a.dict['0020000D']!.Value).not.toEqual(a.dict[sop]!.Value);
    // Media Storage SOP Instance UID (meta) keeps naming the instance: the same input maps to the same output.
    const same = readDicom(
      deidentifyDicom(
        writeDicom({ [sop]: { vr: 'UI', Value: ['1.2.3.4.5'] } }, undefined, {
          '00020003': { vr: 'UI', Value: ['1.2.3.4.5'] },
        }),
        {},
        KEY,
      ).bytes,
    );
    expect(same.meta['00020003']!.Value).toEqual(same.dict[sop]!.Value);
  });

  it('under the modified-dates option, every date the option cleans moves by one keyed per-patient offset', () => {
    const opts = { retainLongitudinalTemporalModifiedDates: true, maxDateShiftDays: 100 };
    const out = readDicom(deidentifyDicom(bytes, opts, KEY).bytes);
    const shifts = new Set<number>();
    let dates = 0;
    for (const [row, tag] of rows) {
      if (row[3] !== 1 || !['DA', 'DT', 'TM'].includes(row[1])) continue;
      const v = String(out.dict[tag]!.Value![0]);
      if (row[1] === 'TM') {
        expect(v, row[4]).toBe('101500');
        continue;
      }
      dates++;
      const days = Math.round(
        (Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8)) - Date.UTC(2020, 0, 15)) / 864e5,
      );
      expect(shiftDate('20200115', days)).toBe(v.slice(0, 8));
      if (row[1] === 'DT') expect(v.slice(8)).toBe('101500');
      shifts.add(days);
    }
    expect(dates).toBeGreaterThan(100);
    expect(shifts.size).toBe(1);
    const [s] = [...shifts];
    expect(s).not.toBe(0);
    expect(Math.abs(s!)).toBeLessThanOrEqual(100);
    expect(out.dict['00280303']!.Value).toEqual(['MODIFIED']);
    const codes = (out.dict['00120064']!.Value as DicomDataset[]).map((c) => c['00080100']!.Value![0]);
    expect(codes).toEqual(['113100', '113107']);
    // Another patient (another Patient ID), another offset; the same patient, the same one.
    const shiftOf = (pid: string) => {
      const f = writeDicom({ '00100020': { vr: 'LO', Value: [pid] }, '00080020': { vr: 'DA', Value: ['20200115'] } });
      return readDicom(deidentifyDicom(f, opts, KEY).bytes).dict['00080020']!.Value![0];
    };
    expect(shiftOf('P1')).toBe(shiftOf('P1'));
    expect(new Set(['P1', 'P2', 'P3', 'P4', 'P5'].map(shiftOf)).size).toBeGreaterThan(1);
  });
});
