/** DICOM Part 10 files written at test time with dcmjs, the library the intake reads them with. */
import { createRequire } from 'node:module';
import type { Dcmjs } from '../../../client/intake/dicom.ts';
import type { DicomDataset } from '../../../core/data/dicom-deidentify.ts';
import { EXPLICIT_VR_LE } from '../../../core/data/dicom-pixels.ts';

export const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;
dcmjs.log.setLevel('silent');

export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/** A Part 10 file: meta group (with `transferSyntax`) and data set `ds` as given. */
export function writeDicom(ds: DicomDataset, transferSyntax = EXPLICIT_VR_LE, meta: DicomDataset = {}): Uint8Array {
  const d = new dcmjs.data.DicomDict({
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': { vr: 'UI', Value: [SECONDARY_CAPTURE] },
    '00020003': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1125.99.1'] },
    '00020010': { vr: 'UI', Value: [transferSyntax] },
    ...meta,
  });
  d.dict = ds;
  return new Uint8Array(d.write());
}

/** The data set and meta group of Part 10 bytes, as dcmjs reads them. */
export function readDicom(bytes: Uint8Array): { meta: DicomDataset; dict: DicomDataset } {
  const r = dcmjs.data.DicomMessage.readFile(new Uint8Array(bytes).buffer);
  return { meta: r.meta, dict: r.dict };
}

export interface ImageSpec {
  rows: number;
  cols: number;
  /** Stored values, interleaved for RGB (or planar when `planar`), in frame order. */
  samples: ArrayLike<number>;
  spp?: 1 | 3;
  photometric?: string;
  bitsAllocated?: 8 | 16 | 32;
  bitsStored?: number;
  signed?: boolean;
  planar?: boolean;
  frames?: number;
  extra?: DicomDataset;
}

/** An image data set with native (uncompressed) little-endian pixel data. */
export function imageDataset(s: ImageSpec): DicomDataset {
  const ba = s.bitsAllocated ?? 8;
  const n = s.samples.length;
  const buf = new ArrayBuffer(n * (ba / 8) + ((n * (ba / 8)) % 2));
  const v = new DataView(buf);
  for (let i = 0; i < n; i++) {
    const x = s.samples[i]!;
    if (ba === 8) v.setUint8(i, x & 0xff);
    else if (ba === 16) v.setUint16(2 * i, x & 0xffff, true);
    else v.setUint32(4 * i, x >>> 0, true);
  }
  const spp = s.spp ?? 1;
  return {
    '00080016': { vr: 'UI', Value: [SECONDARY_CAPTURE] },
    '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1125.99.1'] },
    '00280002': { vr: 'US', Value: [spp] },
    '00280004': { vr: 'CS', Value: [s.photometric ?? (spp === 1 ? 'MONOCHROME2' : 'RGB')] },
    ...(spp === 3 ? { '00280006': { vr: 'US', Value: [s.planar ? 1 : 0] } } : {}),
    ...(s.frames ? { '00280008': { vr: 'IS', Value: [s.frames] } } : {}),
    '00280010': { vr: 'US', Value: [s.rows] },
    '00280011': { vr: 'US', Value: [s.cols] },
    '00280100': { vr: 'US', Value: [ba] },
    '00280101': { vr: 'US', Value: [s.bitsStored ?? ba] },
    '00280102': { vr: 'US', Value: [(s.bitsStored ?? ba) - 1] },
    '00280103': { vr: 'US', Value: [s.signed ? 1 : 0] },
    '00280301': { vr: 'CS', Value: ['NO'] },
    '7FE00010': { vr: ba === 8 ? 'OB' : 'OW', Value: [buf] },
    ...s.extra,
  };
}

/** An encapsulated image data set (one fragment a frame) for a compressed transfer syntax. */
export function encapsulatedDataset(rows: number, cols: number, spp: 1 | 3, frame: Uint8Array, photometric: string) {
  const ds = imageDataset({ rows, cols, spp, samples: [], photometric });
  ds['7FE00010'] = { vr: 'OB', Value: [new Uint8Array(frame).buffer] };
  return ds;
}
