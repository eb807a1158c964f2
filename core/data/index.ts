/** The data intake's public surface: declared schemas in, prepared tables out. */
export type { DatasetSplit, IntakeReport, LabelLayout, PreparedDataset } from './types.ts';
export {
  parseDatasetSchema,
  encodedFeatureNames,
  labelColumnOf,
  type DatasetSchema,
  type DatasetSchemaInput,
  type ColumnSpec,
} from './schema.ts';
export { prepareDataset, type PrepareOptions } from './prepare.ts';
export type { DropReason } from './encode.ts';
export { numericSplit, concatSplits } from './split-tensors.ts';
export { imageSplit, type ImageShape } from './image-split.ts';
export {
  parseImageSchema,
  classIndexOf,
  imageLimits,
  type ImageSchema,
  type ImageSchemaInput,
  type ImageNormalisation,
} from './image-schema.ts';
export { dirichletSplit, sampleDirichlet, sampleGamma } from './dirichlet-split.ts';
export type { ColumnReport, KAnonymity } from './types.ts';
