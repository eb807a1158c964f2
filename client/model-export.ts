/**
 * A job's global model as a TensorFlow.js LayersModel: the model.json
 * (`format: 'layers-model'`, the topology tfjs-layers writes, one weights
 * manifest entry) and one binary weights file, the two files
 * `tf.loadLayersModel` reads. The model.json's `userDefinedMetadata.cohort`
 * carries the preprocessing contract (core/model/export-contract.ts).
 *
 * In memory only: the CLI writes the files (cli/model-download.ts).
 */
import type { io } from '@tensorflow/tfjs';
import { CohortError } from '../core/errors.ts';
import type { JobSpec } from '../core/job/spec.ts';
import type { PreprocessingContract } from '../core/model/export-contract.ts';
import type { Tf } from './trainer/backend.ts';
import { assertWeights, buildModel, setFlatWeights } from './trainer/model.ts';

/** The weights file's name, as the model.json's manifest refers to it. */
export const WEIGHTS_FILE = 'weights.bin';
export const MODEL_FILE = 'model.json';

/** The model.json tfjs's `tf.io.http`/`browserFiles` loaders read (tfjs-core io/types.ts ModelJSON). */
export interface LayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
  userDefinedMetadata: { cohort: PreprocessingContract };
}

export interface ExportedModel {
  modelJson: LayersModelJson;
  weights: Uint8Array;
}

/**
 * The model as the job declared it with its task's activation applied
 * (buildModel's 'probability' head: sigmoid for binary and multilabel, softmax
 * for multiclass, nothing for regression and survival), with
 * `weights` (flat, paramShapes order). Throws E_UPDATE_LENGTH or
 * E_UPDATE_RANGE for weights that do not fit the model (assertWeights).
 */
export async function exportLayersModel(
  tf: Tf,
  spec: JobSpec,
  weights: Float32Array,
  contract: PreprocessingContract,
): Promise<ExportedModel> {
  assertWeights(spec.model, weights);
  const model = buildModel(tf, spec.model, 'probability', spec.task);
  try {
    setFlatWeights(tf, model, weights);
    let saved: io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData)
      throw new CohortError('E_INTERNAL', 'tfjs saved no topology or weights');
    return {
      modelJson: {
        format: 'layers-model',
        generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version['tfjs-layers']}`,
        convertedBy: 'cohort job download',
        modelTopology: saved.modelTopology as object,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs }],
        userDefinedMetadata: { cohort: contract },
      },
      weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData)),
    };
  } finally {
    model.dispose();
  }
}

/**
 * An IOHandler for `tf.loadLayersModel` over the two exported files' contents
 * (tfjs has no file:// loader in plain Node): the manifest must name one
 * weights file, whose bytes are `weights`.
 */
export function layersModelHandler(modelJson: LayersModelJson, weights: Uint8Array): io.IOHandler {
  return {
    load: async () => {
      const manifest = modelJson.weightsManifest;
      if (manifest.length !== 1 || manifest[0]!.paths.length !== 1)
        throw new CohortError('E_CONFIG_INVALID', 'model.json: expected one weights file in weightsManifest');
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        weightSpecs: manifest[0]!.weights,
        // A copy: the Uint8Array may be a view into a larger (Node Buffer) pool.
        weightData: weights.slice().buffer,
        userDefinedMetadata: modelJson.userDefinedMetadata as unknown as io.ModelArtifacts['userDefinedMetadata'],
      };
    },
  };
}
