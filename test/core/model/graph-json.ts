import { modelSpecSchema, type ModelSpec } from '../../../core/model/spec.ts';

type Layer = [cls: string, config: Record<string, unknown>];

/** Hand-written Sequential topologies in the form `model.toJSON(null, false)` writes, for tests that need no tfjs. */
export function sequential(inputShape: number[], layers: Layer[]) {
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential_1',
      layers: layers.map(([cls, config], i) => ({
        class_name: cls,
        config: { name: `layer_${i}`, ...(i === 0 ? { batch_input_shape: [null, ...inputShape] } : {}), ...config },
      })),
    },
  };
}

/** The ModelSpec the schema reads from such a topology. */
export function sequentialSpec(inputShape: number[], layers: Layer[]): ModelSpec {
  return modelSpecSchema.parse(sequential(inputShape, layers));
}

/** A Conv2D layer of `filters` k×k kernels with 'same' padding. */
export function conv2d(filters: number, k: number): Layer {
  return ['Conv2D', { filters, kernel_size: [k, k], padding: 'same' }];
}

/** Ids in [0, vocab) embedded in `dim` dimensions, flattened, then a Dense layer of `units`. */
export function embeddingBlock(vocab: number, dim: number, units: number): Layer[] {
  return [
    ['Embedding', { input_dim: vocab, output_dim: dim }],
    ['Flatten', {}],
    ['Dense', { units }],
  ];
}
