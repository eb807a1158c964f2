/**
 * Parsing a dataset schema document when its FHIR sources may use FHIRPath:
 * the engine is loaded first if (and only if) a column asks for it, so that
 * parseDatasetSchema can compile every expression and refuse a bad one.
 */
import { loadFhirPathFor } from './fhir-path.ts';
import { parseDatasetSchema, type DatasetSchema } from './schema.ts';

export async function loadDatasetSchema(doc: unknown): Promise<DatasetSchema> {
  await loadFhirPathFor(doc);
  return parseDatasetSchema(doc);
}
