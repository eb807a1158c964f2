import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { initialWeights, kerasFans } from '../../../core/model/init.ts';
import {
  flopsPerExample,
  inputSize,
  layerClasses,
  modelOutputUnits,
  modelSpecSchema,
  paramShapes,
  type ModelSpec,
} from '../../../core/model/spec.ts';
import { sequential } from './graph-json.ts';

const sha = (w: Float32Array) => createHash('sha256').update(new Uint8Array(w.buffer)).digest('hex');

describe('the dense form', () => {
  it('draws bit-identical initial weights to the dense-only init (digests taken before graph models existed)', () => {
    const lr: ModelSpec = { inputDim: 13, layers: [{ units: 1, activation: 'sigmoid' }] };
    const mlp: ModelSpec = {
      inputDim: 7,
      layers: [
        { units: 5, activation: 'relu' },
        { units: 3, activation: 'tanh' },
        { units: 1, activation: 'sigmoid' },
      ],
    };
    expect(sha(initialWeights(lr, 0))).toBe('046d1a12490462c52e353c1f4207611a5d8716fefcebde5a9da529a12fddef58');
    expect(sha(initialWeights(mlp, 0))).toBe('c43df0555d08886d8223d7be9a00f8ee5959f01b2629f00d058c8bdab5f0009e');
  });

  it('shapes, sizes and FLOPs', () => {
    const mlp: ModelSpec = {
      inputDim: 4,
      layers: [
        { units: 3, activation: 'relu' },
        { units: 2, activation: 'linear' },
      ],
    };
    expect(paramShapes(mlp).map((p) => [p.name, p.shape])).toEqual([
      ['dense_0/kernel', [4, 3]],
      ['dense_0/bias', [3]],
      ['dense_1/kernel', [3, 2]],
      ['dense_1/bias', [2]],
    ]);
    expect([inputSize(mlp), modelOutputUnits(mlp), flopsPerExample(mlp)]).toEqual([4, 2, 2 * (12 + 6)]);
    expect(layerClasses(mlp)).toEqual(['Dense']);
  });
});

describe('modelSpecSchema', () => {
  it('reads either form by whether it names a class_name', () => {
    const dense = modelSpecSchema.parse({ inputDim: 2, layers: [{ units: 1, activation: 'sigmoid' }] });
    expect(inputSize(dense)).toBe(2);
    const graph = modelSpecSchema.parse(sequential([6], [['Dense', { units: 2 }]]));
    expect([inputSize(graph), modelOutputUnits(graph), layerClasses(graph)]).toEqual([6, 2, ['Dense']]);
  });

  it('names the bad field of either form', () => {
    const dense = modelSpecSchema.safeParse({ inputDim: 0, layers: [] });
    expect(dense.success).toBe(false);
    expect(dense.error!.issues.map((i) => i.path.join('.'))).toContain('inputDim');
    const graph = modelSpecSchema.safeParse(sequential([6], [['Lambda', { function: 'x' }]]));
    expect(graph.error!.issues[0]!.message).toMatch(/class Lambda is not allowed/);
  });
});

describe('Keras fans', () => {
  it('a matrix: in and out; a convolution kernel: receptive field × channels', () => {
    expect(kerasFans([5, 7])).toEqual([5, 7]);
    expect(kerasFans([3, 3, 2, 8])).toEqual([18, 72]);
    expect(kerasFans([3, 4, 6])).toEqual([12, 18]);
  });
});
