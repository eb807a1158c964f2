/** The hospital's data intake: any supported export format in, a de-identified PreparedDataset out. */
import type { DatasetSchema } from '../../core/data/schema.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { readCsvDataset, type ReadCsvOptions } from './csv.ts';
import { readFhirBundle, readFhirNdjson } from './fhir.ts';
import { describeFolder, isDirectory, listFhirFolder } from './fhir-folder.ts';
import { MAX_SCHEMA_FILE_SIZE } from './csv.ts';
import { readJsonFile } from './json-file.ts';
import { loadDatasetSchema } from '../../core/data/fhir-schema.ts';
import { isImageSchemaDocument, parseImageSchema, type ImageSchema } from '../../core/data/image-schema.ts';
import { CohortError } from '../../core/errors.ts';
import { readImagePreparedDataset } from './image-dataset.ts';

export { loadSchemaFile, readCsvDataset } from './csv.ts';
export { readFhirBundle, readFhirNdjson } from './fhir.ts';
export { loadOrCreateSiteSecret } from './secret.ts';
export { loadImageSchemaFile, readImageDataset, type ImageDataset, type ReadImageOptions } from './images.ts';
export { deidentifyDicom, isDicomFile, DICOM_DEFAULTS, type DeidentifiedDicom } from './dicom.ts';
export { ANNEX_E, ANNEX_E_SOURCE } from '../../core/data/dicom-annex-e.ts';
export { keyedUid, type DeidRecord } from '../../core/data/dicom-deidentify.ts';
export { classCounts, formatImageInspect } from './images-inspect.ts';
export { readImagePreparedDataset, IMAGE_FEATURE } from './image-dataset.ts';

/**
 * A schema file of either kind: an image schema (`"kind": "images"`,
 * core/data/image-schema.ts) or a tabular dataset schema (core/data/schema.ts).
 */
export async function loadAnySchemaFile(
  path: string,
): Promise<{ kind: 'images'; schema: ImageSchema } | { kind: 'table'; schema: DatasetSchema }> {
  const doc = await readJsonFile(path, { maxBytes: MAX_SCHEMA_FILE_SIZE, what: 'schema', code: 'E_SCHEMA_INVALID' });
  return isImageSchemaDocument(doc)
    ? { kind: 'images', schema: parseImageSchema(doc) }
    : { kind: 'table', schema: await loadDatasetSchema(doc) };
}

export const DATA_FORMATS = ['csv', 'fhir-bundle', 'fhir-ndjson'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

/**
 * The format of `path`: a folder of .json files is a folder of Bundles (as
 * Synthea writes them), a folder of .ndjson files an NDJSON bulk export; a
 * folder with both or neither is refused, saying what it holds. A file:
 * *.ndjson is NDJSON, *.json a Bundle, anything else CSV.
 */
export async function guessFormat(path: string): Promise<DataFormat> {
  if (await isDirectory(path)) {
    const folder = await listFhirFolder(path);
    if (folder.json.length > 0 && folder.ndjson.length === 0) return 'fhir-bundle';
    if (folder.ndjson.length > 0 && folder.json.length === 0) return 'fhir-ndjson';
    throw new CohortError(
      'E_DATA_FILE',
      `${path}: a folder must hold FHIR Bundles (.json) or an NDJSON export (.ndjson); it holds ${describeFolder(folder)}${folder.json.length > 0 ? ': name the one to read with --format fhir-bundle or fhir-ndjson' : ''}`,
    );
  }
  if (path.endsWith('.ndjson')) return 'fhir-ndjson';
  return path.endsWith('.json') ? 'fhir-bundle' : 'csv';
}

export async function readDataset(
  path: string,
  schema: DatasetSchema,
  opts: ReadCsvOptions & { format?: DataFormat } = {},
): Promise<PreparedDataset> {
  const { format, ...rest } = opts;
  switch (format ?? (await guessFormat(path))) {
    case 'csv':
      if (await isDirectory(path))
        throw new CohortError('E_DATA_FILE', `${path}: a folder, and a CSV export is one file (folders hold FHIR)`);
      return readCsvDataset(path, schema, rest);
    case 'fhir-bundle':
      return readFhirBundle(path, schema, rest);
    case 'fhir-ndjson':
      return readFhirNdjson(path, schema, rest);
  }
}

/**
 * The dataset `cohort client start` serves: the schema file says which intake
 * reads `path`, the image intake (image-dataset.ts) or the tabular one.
 */
export async function readHospitalDataset(
  schemaPath: string,
  path: string,
  opts: { format?: DataFormat; secret?: Uint8Array } = {},
): Promise<PreparedDataset> {
  const loaded = await loadAnySchemaFile(schemaPath);
  if (loaded.kind === 'table') return readDataset(path, loaded.schema, opts);
  if (opts.format)
    throw new CohortError('E_CONFIG_INVALID', '--format is for tabular data; an image schema declares its own layout');
  return readImagePreparedDataset(path, loaded.schema, opts.secret ? { secret: opts.secret } : {});
}
