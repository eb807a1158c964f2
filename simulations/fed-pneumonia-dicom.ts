/**
 * fed-pneumonia's DICOM path (`--format dicom`): PneumoniaMNIST wrapped in
 * DICOM files with generated patient headers (dicom-wrap.ts) in a temporary
 * folder, read back through the product's image intake, which reads them as
 * DICOM and de-identifies them (client/intake/, docs/images.md), and the
 * folder removed. The hospitals then get what the intake returned: pixels
 * and counts by reason, never a header value.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImageSchemaFile } from '../client/intake/index.ts';
import { wrapAsDicom, type DicomWrap, type DicomWrapOptions } from './dicom-wrap.ts';
import { loadPneumonia, PNEUMONIA_DIR, type PneumoniaData } from './fed-pneumonia-data.ts';

export interface PneumoniaDicomOptions extends Omit<DicomWrapOptions, 'splits'> {
  /**
   * Called with the wrap (the folder, every file's generated header values)
   * once it is written and before it is read: for the no-leak test, which
   * looks for those values in everything the run leaves behind.
   */
  onWrapped?: (w: DicomWrap) => void;
}

/** PneumoniaMNIST through the DICOM intake: wrapped in a temporary folder, read, the folder removed. */
export async function loadPneumoniaDicom(o: PneumoniaDicomOptions = {}, src = PNEUMONIA_DIR): Promise<PneumoniaData> {
  const schema = await loadImageSchemaFile(join(src, 'schema.json'));
  const dir = await mkdtemp(join(tmpdir(), 'cohort-dicom-'));
  try {
    const { onWrapped, ...wrapOptions } = o;
    const wrap = await wrapAsDicom(src, dir, { ...wrapOptions, splits: schema.splits ?? [] });
    // The same schema: the intake tells DICOM files from PNGs by their content.
    await copyFile(join(src, 'schema.json'), join(dir, 'schema.json'));
    onWrapped?.(wrap);
    const data = await loadPneumonia(dir);
    return { ...data, source: { format: 'dicom', files: wrap.files.length, burnedIn: wrap.burnedIn } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
