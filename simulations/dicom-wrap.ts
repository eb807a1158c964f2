/**
 * PneumoniaMNIST as a hospital's PACS would export it: every PNG of an
 * ImageFolder tree (`<split>/<label>/<file>.png`) rewritten as a DICOM Part-10
 * file (explicit VR little endian, CR Image Storage, MONOCHROME2, 8 bits,
 * the PNG's pixels unchanged) whose header carries GENERATED patient, study,
 * institution and device values, the attributes PS3.15 Annex E's basic
 * profile removes or replaces. Every generated value holds its own random
 * 12-hex token (crypto, not the run's seed: no code can predict it), so a leak
 * test can look for each one anywhere it could end up; `DicomWrap.files` hands
 * them back. Every `burnedInEvery`-th file of a split says
 * BurnedInAnnotation YES, which the intake refuses by default.
 *
 * Written with dcmjs, the library the product's DICOM intake reads with.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes, randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CohortError } from '../core/errors.ts';
import { decodeImage } from '../core/data/image-decode.ts';
import { IMAGE_LIMIT_DEFAULTS } from '../core/data/image-schema.ts';

/** The part of dcmjs's data API this writer uses (dcmjs ships no type declarations). */
interface DicomElement {
  vr: string;
  Value: unknown[];
}
interface DcmjsData {
  DicomDict: new (meta: Record<string, DicomElement>) => { dict: Record<string, DicomElement>; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: Record<string, unknown>): Record<string, DicomElement> };
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as { data: DcmjsData };

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';
/** The private block the generated private attribute lives in: (0009,0010) creator, (0009,1001) value. */
export const PRIVATE_CREATOR = 'COHORT SIMULATION';
/** Every this-many-th file of a split (the 50th, 100th, ...) is flagged BurnedInAnnotation YES by default. */
export const BURNED_IN_EVERY = 50;

/**
 * The generated header values of one file, by DICOM keyword; `PrivateValue`
 * is (0009,1001)'s. Every value but PatientSex is unique to its file.
 */
export interface GeneratedHeaders {
  PatientName: string;
  PatientID: string;
  OtherPatientIDs: string;
  IssuerOfPatientID: string;
  PatientBirthDate: string;
  PatientSex: string;
  PatientAddress: string;
  PatientTelephoneNumbers: string;
  AccessionNumber: string;
  InstitutionName: string;
  InstitutionAddress: string;
  InstitutionalDepartmentName: string;
  ReferringPhysicianName: string;
  PerformingPhysicianName: string;
  OperatorsName: string;
  StationName: string;
  DeviceSerialNumber: string;
  StudyDate: string;
  StudyTime: string;
  AcquisitionDateTime: string;
  StudyID: string;
  StudyDescription: string;
  SeriesDescription: string;
  ImageComments: string;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SOPInstanceUID: string;
  FrameOfReferenceUID: string;
  PrivateValue: string;
}

export interface WrappedFile {
  split: string;
  label: string;
  burnedIn: boolean;
  headers: GeneratedHeaders;
}

export interface DicomWrap {
  /** Where the tree was written: `<dir>/<split>/<label>/<name>.dcm`, the PNG's name (same order, same deal). */
  dir: string;
  files: WrappedFile[];
  burnedIn: number;
}

export interface DicomWrapOptions {
  /** The split folders to wrap (the schema's `splits`). */
  splits: readonly string[];
  /** Wrap at most this many images of each split, spread evenly over its label folders (quick tests). */
  maxImagesPerSplit?: number;
  /** Flag every this-many-th file of a split BurnedInAnnotation YES (default BURNED_IN_EVERY). */
  burnedInEvery?: number;
}

const token = () => randomBytes(6).toString('hex');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** A random day in [from, to] (years), as DICOM DA (YYYYMMDD). */
function randomDate(from: number, to: number): string {
  const t0 = Date.UTC(from, 0, 1);
  const d = new Date(t0 + randomInt(0, Math.floor((Date.UTC(to, 11, 31) - t0) / 86_400_000) + 1) * 86_400_000);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}
/** A UID under the 2.25 root (ISO/IEC 9834-8: a random 128-bit UUID as one decimal number). */
const randomUid = () => `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString(10)}`;

/**
 * One file's values. Dates are years before any timestamp a run writes (the
 * coordinator's clock), so a date found in the outputs is the header's, not a log time.
 */
export function generateHeaders(): GeneratedHeaders {
  const study = randomDate(2001, 2019);
  // HHMMSS.FFFFF: an even length, so no padding byte is written after it.
  const time = `${pad(randomInt(7, 20))}${pad(randomInt(0, 60))}${pad(randomInt(0, 60))}.${pad(randomInt(0, 1e5), 5)}`;
  return {
    PatientName: `Simfamily${token()}^Simgiven${token()}`,
    PatientID: `PID-${token()}`,
    OtherPatientIDs: `OPID-${token()}`,
    IssuerOfPatientID: `Issuer ${token()}`,
    PatientBirthDate: randomDate(1930, 1999),
    PatientSex: ['F', 'M'][randomInt(0, 2)]!,
    PatientAddress: `${randomInt(1, 999)} Sim Street ${token()}, Simtown`,
    PatientTelephoneNumbers: `+4420${pad(randomInt(0, 1e8), 8)}`,
    AccessionNumber: `A${token()}`,
    InstitutionName: `Sim General ${token()}`,
    InstitutionAddress: `${token()} Hospital Road, Simtown`,
    InstitutionalDepartmentName: `Radiology ${token()}`,
    ReferringPhysicianName: `Referrer${token()}^Ada`,
    PerformingPhysicianName: `Performer${token()}^Bo`,
    OperatorsName: `Operator${token()}^Cy`,
    StationName: `ST${token()}`,
    DeviceSerialNumber: `SN-${token()}`,
    StudyDate: study,
    StudyTime: time,
    AcquisitionDateTime: `${study}${time}`,
    StudyID: `S${token()}`,
    StudyDescription: `Chest PA ${token()}`,
    SeriesDescription: `Series ${token()}`,
    ImageComments: `Comment ${token()}`,
    StudyInstanceUID: randomUid(),
    SeriesInstanceUID: randomUid(),
    SOPInstanceUID: randomUid(),
    FrameOfReferenceUID: randomUid(),
    PrivateValue: `PRIV-${token()}`,
  };
}

/** A Part-10 file: 8-bit grey pixels (rows × columns, row-major) under the generated header `h`. */
export function dicomFile(pixels: Uint8Array, rows: number, columns: number, h: GeneratedHeaders, burnedIn: boolean) {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: CR_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: h.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: '2.25.84960182347163517463728164927461832049',
    ImplementationVersionName: 'COHORT_SIM_1',
  });
  const { PrivateValue, ...standard } = h;
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset({
    ...standard,
    SOPClassUID: CR_IMAGE_STORAGE,
    Modality: 'CR',
    SeriesDate: h.StudyDate,
    AcquisitionDate: h.StudyDate,
    ContentDate: h.StudyDate,
    SeriesTime: h.StudyTime,
    ContentTime: h.StudyTime,
    BodyPartExamined: 'CHEST',
    BurnedInAnnotation: burnedIn ? 'YES' : 'NO',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
  });
  dict.dict['00090010'] = { vr: 'LO', Value: [PRIVATE_CREATOR] };
  dict.dict['00091001'] = { vr: 'LO', Value: [PrivateValue] };
  dict.dict['7FE00010'] = { vr: 'OB', Value: [pixels.slice().buffer] };
  return new Uint8Array(dict.write());
}

/** The sorted names of the sub-folders (or files matching `re`) of `dir`, hidden ones left out. */
async function entries(dir: string, want: 'dir' | RegExp): Promise<string[]> {
  const all = await readdir(dir, { withFileTypes: true });
  return all
    .filter((e) => !e.name.startsWith('.') && (want === 'dir' ? e.isDirectory() : e.isFile() && want.test(e.name)))
    .map((e) => e.name)
    .sort();
}

/** Wraps the PNG tree at `src` into DICOM files under `out` (which must exist and be empty). */
export async function wrapAsDicom(src: string, out: string, o: DicomWrapOptions): Promise<DicomWrap> {
  const every = o.burnedInEvery ?? BURNED_IN_EVERY;
  for (const [k, v] of [
    ['maxImagesPerSplit', o.maxImagesPerSplit],
    ['burnedInEvery', every],
  ] as const)
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw new CohortError('E_CONFIG_INVALID', `"${k}" expected an integer >= 1, got ${v}`);
  const files: WrappedFile[] = [];
  for (const split of o.splits) {
    const labels = await entries(join(src, split), 'dir');
    const perLabel = o.maxImagesPerSplit === undefined ? Infinity : Math.ceil(o.maxImagesPerSplit / labels.length);
    let k = 0;
    for (const label of labels) {
      await mkdir(join(out, split, label), { recursive: true });
      const names = (await entries(join(src, split, label), /\.png$/i)).slice(0, perLabel);
      for (const name of names) {
        const burnedIn = ++k % every === 0;
        const headers = generateHeaders();
        const bytes = await wrapOne(join(src, split, label, name), headers, burnedIn);
        await writeFile(join(out, split, label, name.replace(/\.png$/i, '.dcm')), bytes);
        files.push({ split, label, burnedIn, headers });
      }
    }
  }
  return { dir: out, files, burnedIn: files.filter((f) => f.burnedIn).length };
}

async function wrapOne(path: string, headers: GeneratedHeaders, burnedIn: boolean): Promise<Uint8Array> {
  const decoded = decodeImage(await readFile(path), IMAGE_LIMIT_DEFAULTS.maxPixels);
  if (!decoded.ok || decoded.image.channels !== 1 || decoded.image.maxValue !== 255)
    throw new CohortError('E_DATA_FILE', 'the DICOM wrap takes 8-bit greyscale PNGs only');
  const { data, height, width } = decoded.image;
  return dicomFile(data as Uint8Array, height, width, headers, burnedIn);
}
