/**
 * DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile,
 * applied to a parsed data set (the tag-keyed form dcmjs reads and writes:
 * `{ "00100010": { vr: "PN", Value: [...] } }`). Pure: parsing and writing
 * Part 10 bytes is client/intake/dicom.ts's job.
 *
 * The actions come from Table E.1-1 (dicom-annex-e.ts, generated from a
 * machine-readable copy of the standard). A compound action (X/Z, X/D, Z/D,
 * X/Z/D, X/Z/U*) lets the de-identifier pick by the attribute's Type in the
 * IOD (E.3.1); without the IOD tables here, each is resolved to the action
 * that keeps any IOD conformant whatever the attribute's Type: X/Z → Z,
 * X/D, Z/D, X/Z/D → D, X/Z/U* → U (the sequence kept, its UIDs replaced). No
 * compound choice keeps a value. Attributes not in the table are kept (K),
 * and every kept sequence is de-identified item by item, as E.1.1 requires
 * for nested attributes. Private attributes (odd groups) are removed.
 *
 * U: a UID becomes "2.25." + the decimal of the first 128 bits of
 * HMAC-SHA256(site key, UID) (PS3.5 B.2's UUID-derived form, at most 44
 * characters): the same UID maps to the same replacement in every file under
 * one key, so study/series/instance relations survive, and without the key
 * the original cannot be recovered or guessed and checked.
 *
 * Option "Retain Longitudinal Temporal Information with Modified Dates"
 * (`retainModifiedDates`): the dates the option marks C are shifted by a
 * whole number of days keyed by the site secret and the patient's original
 * Patient ID (core/data/pseudonym.ts), the same for all of one patient's
 * files; times of day are kept (a whole-day shift leaves them true); a date
 * that cannot be parsed is emptied.
 */
import { hmacSha256, pseudonymizer } from './pseudonym.ts';
import { ANNEX_E } from './dicom-annex-e.ts';
import type { AnnexERow, BasicAction } from './dicom-annex-e-row.ts';

/** One element as dcmjs holds it: `Value` is an array (of items, for a sequence); `_rawValue` is dcmjs's round-trip copy. */
export interface DicomElement {
  vr: string;
  Value?: unknown[];
  [k: string]: unknown;
}
export type DicomDataset = Record<string, DicomElement>;

/** An action the de-identifier took (K: a kept sequence whose items were processed; C: a date shifted). */
export type DeidAction = 'X' | 'Z' | 'D' | 'U' | 'C' | 'K';

/** What was done to which attribute: a tag path ("00081140[0].00081155"), never a value. */
export interface DeidRecord {
  readonly tag: string;
  readonly action: DeidAction;
  readonly private?: true;
}

export interface DicomDeidOptions {
  /** PS3.15 Retain Longitudinal Temporal Information with Modified Dates Option (code 113107). */
  readonly retainModifiedDates: boolean;
  /** Largest date shift, in days either way, under that option. */
  readonly maxShiftDays: number;
}

export const DEFAULT_MAX_SHIFT_DAYS = 365;

/** The DICOM codes PS3.15 E.1.1 asks a de-identifier to record in Deidentification Method Code Sequence (CID 7050). */
export const DEID_CODES = {
  basic: { code: '113100', meaning: 'Basic Application Confidentiality Profile' },
  modifiedDates: { code: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' },
} as const;

const DUMMY_TEXT = 'ANONYMIZED';
const DUMMY: Record<string, unknown> = {
  DA: '19000101',
  TM: '000000',
  DT: '19000101000000',
  AS: '000Y',
  PN: { Alphabetic: 'ANONYMIZED' },
  DS: 0,
  IS: 0,
  ...Object.fromEntries(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV'].map((v) => [v, 0])),
  ...Object.fromEntries(['AE', 'CS', 'LO', 'SH', 'ST', 'LT', 'UT', 'UC', 'UR'].map((v) => [v, DUMMY_TEXT])),
};

const exact = new Map<string, AnnexERow>();
const wildcard: { re: RegExp; row: AnnexERow }[] = [];
for (const row of ANNEX_E) {
  if (row[0].includes('X')) wildcard.push({ re: new RegExp(`^${row[0].replace(/X/g, '[0-9A-F]')}$`), row });
  else exact.set(row[0], row);
}

/** The table's row for a tag (8 upper-case hex digits), if any. */
export function annexERow(tag: string): AnnexERow | undefined {
  return exact.get(tag) ?? wildcard.find((w) => w.re.test(tag))?.row;
}

/** A compound Basic Profile action resolved as the header comment says. */
export function resolveBasic(a: BasicAction): 'X' | 'Z' | 'D' | 'U' {
  switch (a) {
    case 'X/Z':
      return 'Z';
    case 'X/D':
    case 'Z/D':
    case 'X/Z/D':
      return 'D';
    case 'X/Z/U*':
      return 'U';
    default:
      return a;
  }
}

const isPrivate = (tag: string) => (parseInt(tag.slice(0, 4), 16) & 1) === 1;

/** A keyed, valid replacement UID (PS3.5 9.1 syntax, B.2 "2.25." form). */
export function keyedUid(uidKey: Uint8Array, uid: string): string {
  const h = hmacSha256(uidKey, uid).subarray(0, 16);
  return `2.25.${BigInt('0x' + h.toString('hex')).toString(10)}`;
}

const UID_LABEL = 'cohort/dicom-uid/v1';
const PATIENT_ID = '00100020';

interface Ctx {
  readonly opts: DicomDeidOptions;
  readonly uidKey: Uint8Array;
  readonly shiftDays: number;
  readonly records: DeidRecord[];
}

/**
 * De-identifies `ds` (and `meta`, the Part 10 file meta group, whose Media
 * Storage SOP Instance UID gets the same replacement as SOP Instance UID) in
 * place under the Basic Profile, then records the method (PS3.15 E.1.1:
 * Patient Identity Removed YES, De-identification Method and its Code
 * Sequence; Longitudinal Temporal Information Modified). `key` is the site
 * secret (32 bytes or more).
 */
export function deidentifyDataset(
  ds: DicomDataset,
  meta: DicomDataset | undefined,
  key: Uint8Array,
  opts: DicomDeidOptions,
): DeidRecord[] {
  const p = pseudonymizer(key);
  const pid = ds[PATIENT_ID]?.Value?.[0];
  const ctx: Ctx = {
    opts,
    uidKey: hmacSha256(key, UID_LABEL),
    shiftDays: opts.retainModifiedDates
      ? p.shiftDays(p.pseudonym(typeof pid === 'string' ? pid : ''), opts.maxShiftDays)
      : 0,
    records: [],
  };
  processDataset(ds, '', ctx);
  if (meta) {
    processDataset(meta, '', ctx);
    // Source/sending/receiving AE titles and private information can name the hospital's systems.
    for (const t of ['00020016', '00020017', '00020018', '00020100', '00020102']) delete meta[t];
  }
  recordMethod(ds, opts);
  return ctx.records;
}

function processDataset(ds: DicomDataset, prefix: string, ctx: Ctx): void {
  for (const tag of Object.keys(ds)) {
    const path = prefix + tag;
    const T = tag.toUpperCase();
    if (isPrivate(T)) {
      delete ds[tag];
      ctx.records.push({ tag: path, action: 'X', private: true });
      continue;
    }
    const row = annexERow(T);
    const el = ds[tag]!;
    if (!row) {
      if (el.vr === 'SQ') processItems(el, path, ctx, false);
      continue;
    }
    const action = ctx.opts.retainModifiedDates && row[3] === 1 && isDateVr(el.vr) ? 'C' : resolveBasic(row[2]);
    applyAction(ds, tag, path, action, ctx);
  }
}

const isDateVr = (vr: string) => vr === 'DA' || vr === 'DT' || vr === 'TM';

function processItems(el: DicomElement, path: string, ctx: Ctx, record: boolean): void {
  (el.Value ?? []).forEach((item, i) => {
    if (item && typeof item === 'object') processDataset(item as DicomDataset, `${path}[${i}].`, ctx);
  });
  if (record) ctx.records.push({ tag: path, action: 'K' });
}

function applyAction(ds: DicomDataset, tag: string, path: string, action: DeidAction, ctx: Ctx): void {
  const el = ds[tag]!;
  if (action === 'X') {
    delete ds[tag];
  } else if (el.vr === 'SQ') {
    if (action === 'Z') ds[tag] = { vr: 'SQ', Value: [] };
    // D or U on a sequence: the sequence stays, and the table applies to every item (dummy or replaced UIDs inside).
    else return processItems(el, path, ctx, true);
  } else if (action === 'Z') {
    ds[tag] = { vr: el.vr, Value: [] };
  } else if (action === 'U' || (action === 'D' && el.vr === 'UI')) {
    ds[tag] = { vr: el.vr, Value: (el.Value ?? []).map((u) => keyedUid(ctx.uidKey, String(u))) };
  } else if (action === 'D') {
    // D is a non-empty value (PS3.15 E.1.1); binary VRs get two zero bytes (values have even length).
    ds[tag] = { vr: el.vr, Value: [DUMMY[el.vr] ?? new ArrayBuffer(2)] };
  } else if (action === 'C') {
    const shifted = shiftValues(el, ctx.shiftDays);
    ds[tag] = shifted ? { vr: el.vr, Value: shifted } : { vr: el.vr, Value: [] };
    if (!shifted) action = 'Z';
  }
  ctx.records.push({ tag: path, action });
}

/** DA and DT values moved by `days`; TM kept; undefined when any value is not a full date. */
function shiftValues(el: DicomElement, days: number): string[] | undefined {
  const out: string[] = [];
  for (const v of el.Value ?? []) {
    if (typeof v !== 'string') return undefined;
    if (el.vr === 'TM') {
      out.push(v);
      continue;
    }
    const d = shiftDate(v.slice(0, 8), days);
    if (!d) return undefined;
    out.push(d + v.slice(8));
  }
  return out;
}

/** YYYYMMDD plus `days`, in the proleptic Gregorian calendar; undefined for anything else. */
export function shiftDate(ymd: string, days: number): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(ymd);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
  const d = new Date(t);
  if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return undefined;
  const s = new Date(t + days * 86_400_000);
  const y = s.getUTCFullYear();
  if (y < 1 || y > 9999) return undefined;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return pad(y, 4) + pad(s.getUTCMonth() + 1, 2) + pad(s.getUTCDate(), 2);
}

function codeItem(c: { code: string; meaning: string }): DicomDataset {
  return {
    '00080100': { vr: 'SH', Value: [c.code] },
    '00080102': { vr: 'SH', Value: ['DCM'] },
    '00080104': { vr: 'LO', Value: [c.meaning] },
  };
}

function recordMethod(ds: DicomDataset, opts: DicomDeidOptions): void {
  const codes = opts.retainModifiedDates ? [DEID_CODES.basic, DEID_CODES.modifiedDates] : [DEID_CODES.basic];
  ds['00120062'] = { vr: 'CS', Value: ['YES'] };
  ds['00120063'] = { vr: 'LO', Value: codes.map((c) => c.meaning) };
  ds['00120064'] = { vr: 'SQ', Value: codes.map(codeItem) };
  ds['00280303'] = { vr: 'CS', Value: [opts.retainModifiedDates ? 'MODIFIED' : 'REMOVED'] };
}
