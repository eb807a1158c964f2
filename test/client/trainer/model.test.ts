import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramCount, paramShapes } from '../../../core/model/spec.ts';
import type { Tf } from '../../../client/trainer/index.ts';
import { buildModel, getFlatWeights, setFlatWeights } from '../../../client/trainer/model.ts';
import { loadTestTf, thrownCode } from './fixtures.ts';
import { binaryClassifier } from '../../helpers/models.ts';

const MLP = binaryClassifier(3, [[4, 'relu']]);

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

/** 0.01, 0.02, …: every parameter distinct and exactly representable round trip through float32. */
function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i + 1) / 100);
}

describe('flat weights', () => {
  it('round-trip exactly', () => {
    const model = buildModel(tf, MLP);
    const flat = ramp(paramCount(MLP));
    setFlatWeights(tf, model, flat);
    expect(Array.from(getFlatWeights(model))).toEqual(Array.from(flat));
    model.dispose();
  });

  it('follow paramShapes order: per layer, kernel [in, units] row-major then bias', () => {
    const model = buildModel(tf, MLP);
    const flat = ramp(paramCount(MLP));
    setFlatWeights(tf, model, flat);
    const shapes = paramShapes(MLP);
    expect(shapes.map((s) => s.shape)).toEqual([[3, 4], [4], [4, 1], [1]]);
    const tensors = [...model.layers[0]!.getWeights(), ...model.layers[1]!.getWeights()];
    let offset = 0;
    tensors.forEach((t, i) => {
      expect(t.shape).toEqual(shapes[i]!.shape);
      expect(Array.from(t.dataSync())).toEqual(Array.from(flat.subarray(offset, offset + shapes[i]!.size)));
      offset += shapes[i]!.size;
    });
    // Row-major kernel: element [r, c] of layer 0's kernel is flat[r * 4 + c].
    const k0 = model.layers[0]!.getWeights()[0]!.arraySync() as number[][];
    expect(k0[2]![1]).toBe(flat[2 * 4 + 1]);
    model.dispose();
  });

  it('do not alias or mutate the caller vector', () => {
    const model = buildModel(tf, MLP);
    const flat = ramp(paramCount(MLP));
    setFlatWeights(tf, model, flat);
    flat[0] = 99;
    expect(getFlatWeights(model)[0]).toBe(Math.fround(0.01));
    const out = getFlatWeights(model);
    out[1] = 99;
    expect(getFlatWeights(model)[1]).toBe(Math.fround(0.02));
    model.dispose();
  });

  it('reject a vector of the wrong length with E_UPDATE_LENGTH', () => {
    const model = buildModel(tf, MLP);
    let code: string | undefined;
    try {
      setFlatWeights(tf, model, new Float32Array(paramCount(MLP) + 1));
    } catch (err) {
      code = thrownCode(err);
    }
    expect(code).toBe('E_UPDATE_LENGTH');
    model.dispose();
  });

  it('leak no tensors across calls', () => {
    const flat = ramp(paramCount(MLP));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const model = buildModel(tf, MLP);
      setFlatWeights(tf, model, flat);
      getFlatWeights(model);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('buildModel', () => {
  it('the logit head is the probability head without its final sigmoid', () => {
    const prob = buildModel(tf, MLP, 'probability');
    const logit = buildModel(tf, MLP, 'logit');
    const flat = ramp(paramCount(MLP)).map((v, i) => (i % 3 === 0 ? -v : v));
    setFlatWeights(tf, prob, flat);
    setFlatWeights(tf, logit, flat);
    const [p, z] = tf.tidy(() => {
      const x = tf.tensor2d([
        [1, -2, 0.5],
        [0.3, 0.1, -4],
      ]);
      return [(prob.apply(x) as Tensor).dataSync(), (logit.apply(x) as Tensor).dataSync()];
    });
    for (let i = 0; i < 2; i++) expect(p![i]).toBeCloseTo(1 / (1 + Math.exp(-z![i]!)), 6);
    prob.dispose();
    logit.dispose();
  });
});
