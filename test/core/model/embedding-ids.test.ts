import { describe, expect, it } from 'vitest';
import { graphModelSchema } from '../../../core/model/graph.ts';
import { analyseGraph } from '../../../core/model/graph.ts';
import { embeddingBlock, sequential } from './graph-json.ts';

/** A functional topology: input → named layers, each [class, config, inbound names]. */
function functional(inputShape: number[], layers: [string, string, Record<string, unknown>, string[]][]) {
  const out = layers[layers.length - 1]![1];
  return {
    class_name: 'Model',
    config: {
      name: 'model_1',
      layers: [
        {
          class_name: 'InputLayer',
          name: 'in',
          config: { name: 'in', batch_input_shape: [null, ...inputShape] },
          inbound_nodes: [],
        },
        ...layers.map(([cls, name, config, inbound]) => ({
          class_name: cls,
          name,
          config: { name, ...config },
          inbound_nodes: [inbound.map((n) => [n, 0, 0, {}])],
        })),
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [[out, 0, 0]],
    },
  };
}

describe('Embedding ids (core/model/embedding-ids.ts)', () => {
  it('gives the largest id every Embedding on the input accepts', () => {
    const g = graphModelSchema.parse(
      functional(
        [6],
        [
          ['Embedding', 'e1', { input_dim: 9, output_dim: 2 }, ['in']],
          ['Embedding', 'e2', { input_dim: 5, output_dim: 2 }, ['in']],
          ['Add', 'sum', {}, ['e1', 'e2']],
          ['GlobalAveragePooling1D', 'pool', {}, ['sum']],
          ['Dense', 'out', { units: 1 }, ['pool']],
        ],
      ),
    );
    expect(analyseGraph(g as never).embeddingIdMax).toBe(4);
    const plain = graphModelSchema.parse(sequential([4], [['Dense', { units: 1 }]]));
    expect(analyseGraph(plain as never).embeddingIdMax).toBeUndefined();
  });

  it('refuses an Embedding fed computed values: weights the coordinator chose could make a record throw', () => {
    // The second block's Embedding reads the first block's Dense outputs.
    const r = graphModelSchema.safeParse(sequential([4], [...embeddingBlock(5, 2, 4), ...embeddingBlock(5, 2, 1)]));
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("an Embedding must read the model's input");
  });

  it('refuses a model whose input also feeds another layer, which clamping the ids would change', () => {
    const r = graphModelSchema.safeParse(
      functional(
        [6],
        [
          ['Embedding', 'e', { input_dim: 9, output_dim: 2 }, ['in']],
          ['Flatten', 'flat', {}, ['e']],
          ['Dense', 'side', { units: 3 }, ['in']],
          ['Concatenate', 'cat', {}, ['flat', 'side']],
          ['Dense', 'out', { units: 1 }, ['cat']],
        ],
      ),
    );
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('feeds its input (ids) only to Embedding layers');
  });
});
