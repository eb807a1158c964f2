/**
 * fed-pneumonia with `--format dicom`: the wrap writes real Part-10 files
 * (read back here with dcmjs), and a whole simulated job on PneumoniaMNIST
 * wrapped in DICOM with generated patient headers leaves none of those
 * header values anywhere outside the intake: not in a frame either side
 * sends, a log line (trace level), a console write, the coordinator's
 * database files (raw bytes) or the scenario's report (result JSON and the
 * printed tables). The burned-in files are refused and counted by reason.
 */
import { describe, it, expect, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { captureOutbound, lineSink } from '../helpers/capture-outbound.ts';
import { createLogger } from '../../edge/log.ts';
import { decodeImage } from '../../core/data/image-decode.ts';
import {
  CR_IMAGE_STORAGE,
  EXPLICIT_VR_LITTLE_ENDIAN,
  PRIVATE_CREATOR,
  wrapAsDicom,
  type DicomWrap,
  type GeneratedHeaders,
} from '../../simulations/dicom-wrap.ts';
import { PNEUMONIA_DIR } from '../../simulations/fed-pneumonia-data.ts';
import { runFedPneumonia } from '../../simulations/fed-pneumonia.ts';
import { renderPneumonia, renderPneumoniaSummary, summarisePneumonia } from '../../cli/simulate-pneumonia.ts';

interface Element {
  vr: string;
  Value?: unknown[];
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: {
    DicomMessage: { readFile(b: ArrayBuffer): { meta: Record<string, Element>; dict: Record<string, Element> } };
    DicomMetaDictionary: { naturalizeDataset(d: Record<string, Element>): Record<string, unknown> };
  };
};

const { frames, consoleText } = captureOutbound();
// vitest routes console.* around process.stdout in a worker: record them too (a library's warnings go there).
for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  const orig = console[m].bind(console);
  vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
    consoleText.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    orig(...args);
  });
}

const tokenFields = (h: GeneratedHeaders) =>
  Object.entries(h).flatMap(([k, v]) => [...v.matchAll(/[0-9a-f]{12}/g)].map((m) => [k, m[0]] as const));

/**
 * What to look for, per field: the value as written and the forms a leak
 * could take after parsing: each 12-hex token alone (a name reordered or
 * re-cased), a date in the usual written forms and as epoch milliseconds, a
 * time with colons, a UID's number without its root. PatientSex (one letter)
 * cannot be looked for.
 */
function needles(h: GeneratedHeaders): [field: string, needle: string][] {
  const out: [string, string][] = tokenFields(h).map(([k, t]) => [k, t]);
  for (const [k, v] of Object.entries(h)) if (k !== 'PatientSex') out.push([k, v]);
  for (const k of ['PatientBirthDate', 'StudyDate'] as const) {
    const [y, m, d] = [h[k].slice(0, 4), h[k].slice(4, 6), h[k].slice(6, 8)];
    for (const f of [`${y}-${m}-${d}`, `${y}/${m}/${d}`, `${y}.${m}.${d}`, `${d}/${m}/${y}`, `${m}/${d}/${y}`])
      out.push([k, f]);
    out.push([k, `${d}.${m}.${y}`], [k, `${d}-${m}-${y}`]);
    // Epoch milliseconds, for dates far enough from 1970 that the number is not also a plausible duration.
    const ms = Date.UTC(+y, +m - 1, +d);
    if (Math.abs(ms) >= 1e11) out.push([k, String(ms)]);
  }
  const t = h.StudyTime;
  out.push(['StudyTime', `${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}`]);
  for (const k of ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID'] as const)
    out.push([k, h[k].replace(/^2\.25\./, '')]);
  out.push(['PatientTelephoneNumbers', h.PatientTelephoneNumbers.slice(1)]);
  return out.map(([k, n]) => [k, n.toLowerCase()]);
}

const PREFIX = 8;
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/**
 * The fields whose needles occur in `haystack` (lower-cased), in one pass:
 * needles are indexed by their first 8 characters. A needle of digits only
 * (a date, a UID's number, epoch milliseconds) counts only as a whole number, not inside a longer one.
 */
function findIn(haystack: string, index: Map<string, [string, string][]>): Set<string> {
  const hits = new Set<string>();
  const h = haystack.toLowerCase();
  for (let i = 0; i + PREFIX <= h.length; i++) {
    const cands = index.get(h.slice(i, i + PREFIX));
    if (!cands) continue;
    for (const [field, n] of cands) {
      if (!h.startsWith(n, i)) continue;
      if (/^-?\d+$/.test(n) && (isDigit(h.charCodeAt(i - 1)) || isDigit(h.charCodeAt(i + n.length)))) continue;
      hits.add(field);
    }
  }
  return hits;
}

function indexNeedles(all: [string, string][]): Map<string, [string, string][]> {
  const index = new Map<string, [string, string][]>();
  for (const [field, n] of all) {
    expect(n.length).toBeGreaterThanOrEqual(PREFIX);
    const key = n.slice(0, PREFIX);
    index.set(key, [...(index.get(key) ?? []), [field, n]]);
  }
  return index;
}

describe('the DICOM wrap', () => {
  it('writes Part-10 files, explicit VR little endian, 8-bit MONOCHROME2, with the PNG pixels and every generated header', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cohort-wrap-test-'));
    try {
      const w = await wrapAsDicom(PNEUMONIA_DIR, out, { splits: ['val'], maxImagesPerSplit: 6, burnedInEvery: 4 });
      expect(w.files.map((f) => f.label)).toEqual([
        'normal',
        'normal',
        'normal',
        'pneumonia',
        'pneumonia',
        'pneumonia',
      ]);
      expect(w.files.map((f) => f.burnedIn)).toEqual([false, false, false, true, false, false]);
      for (const f of w.files) {
        const names = readdirSync(join(out, 'val', f.label)).sort();
        const i = w.files.filter((g) => g.label === f.label).indexOf(f);
        const bytes = readFileSync(join(out, 'val', f.label, names[i]!));
        expect(bytes.subarray(128, 132).toString('latin1')).toBe('DICM');
        const msg = dcmjs.data.DicomMessage.readFile(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
        );
        expect(msg.meta['00020010']!.Value).toEqual([EXPLICIT_VR_LITTLE_ENDIAN]);
        const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(msg.dict);
        expect(ds).toMatchObject({ SOPClassUID: CR_IMAGE_STORAGE, PhotometricInterpretation: 'MONOCHROME2' });
        expect(ds).toMatchObject({ Rows: 28, Columns: 28, BitsAllocated: 8, BitsStored: 8, SamplesPerPixel: 1 });
        expect(ds.BurnedInAnnotation).toBe(f.burnedIn ? 'YES' : 'NO');
        const { PrivateValue, ...standard } = f.headers;
        // dcmjs gives a person name (PN) as [{ Alphabetic }].
        const asWritten = (v: unknown) => (Array.isArray(v) ? (v[0] as { Alphabetic: string }).Alphabetic : v);
        expect(Object.fromEntries(Object.keys(standard).map((k) => [k, asWritten(ds[k])]))).toEqual(standard);
        expect(msg.dict['00090010']!.Value).toEqual([PRIVATE_CREATOR]);
        expect(msg.dict['00091001']!.Value).toEqual([PrivateValue]);
        const png = decodeImage(
          readFileSync(join(PNEUMONIA_DIR, 'val', f.label, names[i]!.replace('.dcm', '.png'))),
          1e6,
        );
        expect(png.ok && new Uint8Array((ds.PixelData as ArrayBuffer[])[0]!)).toEqual(png.ok && png.image.data);
      }
      // Unique values: no two files share a token.
      const tokens = w.files.flatMap((f) => tokenFields(f.headers).map(([, t]) => t));
      expect(new Set(tokens).size).toBe(tokens.length);
      for (const bad of [{ maxImagesPerSplit: 0 }, { burnedInEvery: 1.5 }])
        await expect(wrapAsDicom(PNEUMONIA_DIR, out, { splits: ['val'], ...bad })).rejects.toMatchObject({
          code: 'E_CONFIG_INVALID',
        });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('fed-pneumonia --format dicom', () => {
  it('no generated header value is in any frame, log line, console write, coordinator database file or the report', async () => {
    const { lines: logLines, sink } = lineSink();
    let wrap: DicomWrap | undefined;
    const r = await runFedPneumonia({
      format: 'dicom',
      dicom: { maxImagesPerSplit: 100, onWrapped: (w) => (wrap = w) },
      rounds: 2,
      seed: 1,
      log: createLogger({ level: 'trace', destination: sink }),
    });
    const w = wrap!;
    const report = [
      JSON.stringify(r),
      renderPneumonia(r),
      JSON.stringify(summarisePneumonia([r])),
      renderPneumoniaSummary(summarisePneumonia([r])),
    ].join('\n');
    const dbDir = dirname(r.dbPath);
    const dbFiles = readdirSync(dbDir).map((f) => readFileSync(join(dbDir, f)).toString('latin1'));
    const places: Record<string, string> = {
      frames: Buffer.concat(frames).toString('latin1'),
      logs: logLines.join(''),
      console: consoleText.join('\n'),
      database: dbFiles.join('\n'),
      report,
    };
    const all = w.files.flatMap((f) => needles(f.headers));
    const index = indexNeedles(all);
    const found = Object.entries(places).flatMap(([where, text]) =>
      [...findIn(text, index)].map((f) => `${f} in ${where}`),
    );
    // First, and field names only: the test's own output must not print a header value either.
    expect(found).toEqual([]);
    // Every file's values were looked for, in everything the run left.
    expect(all.length).toBeGreaterThan(300 * 40);
    expect(frames.length).toBeGreaterThan(50);
    expect(logLines.length).toBeGreaterThan(20);
    expect(dbFiles.join('').length).toBeGreaterThan(100_000);

    // 100 a split, every 50th flagged: two per split refused, counted by reason, and reported.
    expect(w.files.length).toBe(300);
    expect(w.burnedIn).toBe(6);
    expect(r.intake).toEqual({
      format: 'dicom',
      files: 300,
      burnedIn: 6,
      read: 300,
      used: 294,
      rejected: { 'dicom:burned-in-annotation': 6 },
    });
    expect(r.test.n + r.val.n).toBe(196);
    expect(report).toContain('read as DICOM');
    expect(report).toContain('dicom:burned-in-annotation 6');
    // The wrapped files are gone once read.
    expect(existsSync(w.dir)).toBe(false);
    expect(r.ledger.ok).toBe(true);
  }, 120_000);

  it('the search finds a value that is there, in each form it looks for', () => {
    const h = wrapHeadersForSelfCheck();
    const index = indexNeedles(needles(h));
    const y = h.PatientBirthDate;
    const birth = `${y.slice(6, 8)}/${y.slice(4, 6)}/${y.slice(0, 4)}`;
    expect(findIn(`{"msg":"patient born ${birth}"}`, index)).toEqual(new Set(['PatientBirthDate']));
    expect(findIn(`x${h.PatientName.split('^').reverse().join(' ').toUpperCase()}x`, index)).toEqual(
      new Set(['PatientName']),
    );
    expect(findIn(`uid=${h.StudyInstanceUID.slice(5)};`, index)).toEqual(new Set(['StudyInstanceUID']));
    expect(findIn(`{"born":${Date.UTC(1961, 2, 14)}}`, index)).toEqual(new Set(['PatientBirthDate']));
    expect(findIn('at 14:22:33.12345', index)).toEqual(new Set(['StudyTime']));
    expect(findIn('Station st666666666666', index)).toEqual(new Set(['StationName']));
    // A date's digits inside a longer number are not that date.
    expect(findIn(`1${h.StudyDate}7`, index)).toEqual(new Set());
  });
});

/** One file's generated headers, as the wrap writes them, for the search's own check. */
function wrapHeadersForSelfCheck(): GeneratedHeaders {
  return {
    PatientName: 'Simfamily0123456789ab^Simgivenba9876543210',
    PatientID: 'PID-aaaaaaaaaaaa',
    OtherPatientIDs: 'OPID-bbbbbbbbbbbb',
    IssuerOfPatientID: 'Issuer cccccccccccc',
    PatientBirthDate: '19610314',
    PatientSex: 'F',
    PatientAddress: '12 Sim Street dddddddddddd, Simtown',
    PatientTelephoneNumbers: '+442012345678',
    AccessionNumber: 'Aeeeeeeeeeeee',
    InstitutionName: 'Sim General ffffffffffff',
    InstitutionAddress: '111111111111 Hospital Road, Simtown',
    InstitutionalDepartmentName: 'Radiology 222222222222',
    ReferringPhysicianName: 'Referrer333333333333^Ada',
    PerformingPhysicianName: 'Performer444444444444^Bo',
    OperatorsName: 'Operator555555555555^Cy',
    StationName: 'ST666666666666',
    DeviceSerialNumber: 'SN-777777777777',
    StudyDate: '20110921',
    StudyTime: '142233.12345',
    AcquisitionDateTime: '20110921142233.12345',
    StudyID: 'S888888888888',
    StudyDescription: 'Chest PA 999999999999',
    SeriesDescription: 'Series abababababab',
    ImageComments: 'Comment cdcdcdcdcdcd',
    StudyInstanceUID: '2.25.123456789012345678901234567890123456',
    SeriesInstanceUID: '2.25.223456789012345678901234567890123456',
    SOPInstanceUID: '2.25.323456789012345678901234567890123456',
    FrameOfReferenceUID: '2.25.423456789012345678901234567890123456',
    PrivateValue: 'PRIV-efefefefefef',
  };
}
