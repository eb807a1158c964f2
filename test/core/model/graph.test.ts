import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyseGraph,
  graphModelSchema,
  MAX_MODEL_JSON_CHARS,
  type GraphModelSpec,
} from '../../../core/model/graph.ts';
import { initialWeights } from '../../../core/model/init.ts';
import type { Task } from '../../../core/model/task.ts';
import { flopsPerExample, paramCount, paramShapes, type ModelSpec } from '../../../core/model/spec.ts';
import type { Tf } from '../../../client/trainer/index.ts';
import { buildModel, getFlatWeights, setFlatWeights } from '../../../client/trainer/model.ts';
import { trainLocal } from '../../../client/trainer/train.ts';
import { numericSplit } from '../../../core/data/index.ts';
import { loadTestTf, localTraining } from '../../client/trainer/fixtures.ts';
import { TOPOLOGIES, topology } from './graph-fixtures.ts';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

const parse = (json: unknown): GraphModelSpec => graphModelSchema.parse(json);

describe('graph models built with tfjs', () => {
  for (const [name, make] of Object.entries(TOPOLOGIES)) {
    it(`${name}: core infers tfjs's weight shapes in model.weights order, the parameter count and the output shape`, () => {
      const model = make(tf);
      const info = analyseGraph(parse(topology(model)));
      expect(info.params.map((p) => p.shape)).toEqual(model.weights.map((w) => w.shape));
      expect(info.params.map((p) => p.name)).toEqual(model.weights.map((w) => w.originalName));
      expect(info.params.map((p) => p.trainable)).toEqual(model.weights.map((w) => w.trainable));
      expect(info.paramCount).toBe(model.countParams());
      expect(info.outputShape).toEqual(model.outputs[0]!.shape.slice(1));
      expect(info.inputShape).toEqual(model.inputs[0]!.shape.slice(1));
      model.dispose();
    });
  }

  it("order follows tfjs's depth order, not the order config.layers lists them in", () => {
    const model = TOPOLOGIES.residual(tf);
    const json = topology(model) as { config: { layers: unknown[] } };
    json.config.layers.reverse();
    expect(analyseGraph(parse(json)).params.map((p) => p.name)).toEqual(model.weights.map((w) => w.originalName));
    model.dispose();
  });

  it('the spec survives a JSON round trip unchanged (the offer re-parses the resolved spec)', () => {
    const model = TOPOLOGIES.cnn(tf);
    const spec = parse(topology(model));
    expect(parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    model.dispose();
  });

  it('FLOPs per example: 2 × multiply-adds of the dense and convolution layers', () => {
    const model = TOPOLOGIES.cnn(tf);
    const spec = parse(topology(model));
    // conv 3×3×1→8 on 26×26; conv 3×5×8→16 at stride 2 on 13×13 (same) → 7×7; pool 2 stride 1 → 6×6;
    // dense 576→32; dense 32→2.
    const macs = 26 * 26 * 9 * 8 + 7 * 7 * 15 * 8 * 16 + 6 * 6 * 16 * 32 + 32 * 2;
    expect(flopsPerExample(spec)).toBe(2 * macs);
    expect(paramCount(spec)).toBe(model.countParams());
    model.dispose();
  });
});

describe("the client's model of a graph spec", () => {
  /** Inputs every topology accepts: token indices for the embedding model, values in [0, 1) otherwise. */
  function rows(n: number, d: number): Float32Array {
    return Float32Array.from({ length: n * d }, (_, i) => (i * 7919) % 50);
  }

  function outputs(model: LayersModel, x: Tensor): number[] {
    return Array.from((model.predict(x) as Tensor).dataSync());
  }

  for (const [name, make] of Object.entries(TOPOLOGIES)) {
    it(`${name}: built from core's topology, it computes what tfjs's own model computes with the coordinator's initial weights`, () => {
      const original = make(tf);
      const spec = parse(topology(original));
      const w0 = initialWeights(spec, 7);
      expect(w0.length).toBe(paramCount(spec));
      const model = buildModel(tf, spec, 'logit');
      setFlatWeights(tf, model, w0);
      expect(Array.from(getFlatWeights(model))).toEqual(Array.from(w0));
      // The same flat vector set into tfjs's own model, tensor by tensor in model.weights order.
      let offset = 0;
      original.setWeights(paramShapes(spec).map((p) => tf.tensor(w0.slice(offset, (offset += p.size)), p.shape)));
      const size = paramShapes(spec).length > 0 ? analyseGraph(spec).inputShape.reduce((a, b) => a * b, 1) : 0;
      const flat = tf.tensor2d(rows(5, size), [5, size]);
      const shaped = tf.reshape(flat, [5, ...analyseGraph(spec).inputShape]);
      const ours = outputs(model, flat);
      expect(ours.every(Number.isFinite)).toBe(true);
      const theirs = outputs(original, shaped);
      ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i]!, 4));
      tf.dispose([flat, shaped]);
      model.dispose();
      original.dispose();
    });
  }

  it("the probability head applies the task's activation to the logits", () => {
    const spec = parse(topology(TOPOLOGIES.cnn(tf)));
    const w0 = initialWeights(spec, 1);
    const logit = buildModel(tf, spec, 'logit', { kind: 'multiclass', classes: ['a', 'b'] });
    const prob = buildModel(tf, spec, 'probability', { kind: 'multiclass', classes: ['a', 'b'] });
    setFlatWeights(tf, logit, w0);
    setFlatWeights(tf, prob, w0);
    const x = tf.tensor2d(
      rows(3, 784).map((v) => v / 50),
      [3, 784],
    );
    const z = tf.tensor2d(outputs(logit, x), [3, 2]);
    expect(outputs(prob, x).map((v) => Math.fround(v))).toEqual(
      Array.from(tf.softmax(z).dataSync()).map((v) => Math.fround(v)),
    );
    tf.dispose([x, z]);
    logit.dispose();
    prob.dispose();
  });

  it('a dense model of another task gets the same head; a binary one keeps its own sigmoid', () => {
    const task: Task = { kind: 'multilabel', labels: ['a', 'b'] };
    const spec: ModelSpec = { inputDim: 2, layers: [{ units: 2, activation: 'linear' }] };
    const logit = buildModel(tf, spec, 'logit', task);
    const prob = buildModel(tf, spec, 'probability', task);
    const w = Float32Array.from([1, -2, 3, 0.5, 0.1, -0.1]);
    setFlatWeights(tf, logit, w);
    setFlatWeights(tf, prob, w);
    const x = tf.tensor2d([0.3, -0.7, 1, 2], [2, 2]);
    const z = outputs(logit, x);
    outputs(prob, x).forEach((p, i) => expect(p).toBeCloseTo(1 / (1 + Math.exp(-z[i]!)), 6));
    expect(buildModel(tf, { inputDim: 2, layers: [{ units: 1, activation: 'sigmoid' }] }).layers).toHaveLength(1);
    tf.dispose(x);
    logit.dispose();
    prob.dispose();
  });
});

describe('training a graph model', () => {
  it('trainLocal runs on flat rows of a residual CNN and moves every trainable tensor', async () => {
    const original = TOPOLOGIES.residual(tf);
    const json = topology(original) as { config: { layers: { class_name: string; config: { units?: number } }[] } };
    original.dispose();
    json.config.layers.find((l) => l.class_name === 'Dense')!.config.units = 1; // a binary head
    const spec = parse(json);
    const d = 9 * 9 * 3;
    const x = Float32Array.from({ length: 16 * d }, (_, i) => ((i * 37) % 101) / 101 - 0.5);
    const y = Float32Array.from({ length: 16 }, (_, i) => i % 2);
    const r = await trainLocal(tf, {
      spec,
      local: localTraining({ epochs: 2, batchSize: 8, learningRate: 0.1 }),
      weights: initialWeights(spec, 2),
      data: numericSplit(x, y, d),
      seed: 1,
    });
    expect(r.delta.length).toBe(paramCount(spec));
    expect(r.delta.every(Number.isFinite)).toBe(true);
    let offset = 0;
    for (const p of paramShapes(spec)) {
      const moved = r.delta.subarray(offset, (offset += p.size)).some((v) => v !== 0);
      expect([p.name, moved]).toEqual([p.name, true]);
    }
  });
});

describe('initial weights of a graph model', () => {
  it('Glorot-uniform kernels with Keras fans, uniform ±0.05 embeddings, ones for gamma and moving variance, zeros elsewhere', () => {
    const spec = parse(topology(TOPOLOGIES.sequence(tf)));
    const w = initialWeights(spec, 3);
    let offset = 0;
    for (const p of paramShapes(spec)) {
      const t = Array.from(w.subarray(offset, (offset += p.size)));
      if (p.role === 'kernel') {
        // Conv1D [3, 2, 4]: fan_in 3·2, fan_out 3·4; dense [24, 4].
        const [fi, fo] = p.shape.length === 3 ? [6, 12] : [p.shape[0]!, p.shape[1]!];
        const limit = Math.sqrt(6 / (fi + fo));
        expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(limit);
        expect(Math.max(...t.map(Math.abs))).toBeGreaterThan(limit / 2);
      } else if (p.role === 'gamma' || p.role === 'moving_variance') expect(t.every((v) => v === 1)).toBe(true);
      else expect(t.every((v) => v === 0)).toBe(true);
    }
    const emb = parse(topology(TOPOLOGIES.embedding(tf)));
    const e = initialWeights(emb, 3).subarray(0, 50 * 8);
    expect(paramShapes(emb)[0]!.role).toBe('embeddings');
    expect(Math.max(...Array.from(e).map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...Array.from(e).map(Math.abs))).toBeGreaterThan(0.04);
  });
});

describe('refusals', () => {
  const base = () => topology(TOPOLOGIES.embedding(tf)) as { config: { layers: Record<string, unknown>[] } };
  const layer = (j: ReturnType<typeof base>, cls: string) => j.config.layers.find((l) => l['class_name'] === cls)!;
  const message = (json: unknown) => {
    const r = graphModelSchema.safeParse(json);
    expect(r.success).toBe(false);
    return r.error!.issues.map((i) => i.message).join('; ');
  };

  it('a class not on the allow-list (Lambda)', () => {
    const j = base();
    layer(j, 'Add')['class_name'] = 'Lambda';
    expect(message(j)).toMatch(/class Lambda is not allowed/);
  });

  it('an unknown config key, a regularizer, masking', () => {
    let j = base();
    (layer(j, 'Dense')['config'] as Record<string, unknown>)['function'] = 'return x';
    expect(message(j)).toMatch(/key\(s\) not allowed: function/);
    j = base();
    (layer(j, 'Dense')['config'] as Record<string, unknown>)['kernel_regularizer'] = { class_name: 'L2', config: {} };
    expect(message(j)).toMatch(/kernel_regularizer/);
    j = base();
    (layer(j, 'Embedding')['config'] as Record<string, unknown>)['mask_zero'] = true;
    expect(message(j)).toMatch(/mask_zero/);
  });

  it('a cycle, a dangling inbound reference, a layer off the path to the output', () => {
    let j = base();
    // The embedding takes its input from the last dense layer: a cycle.
    const last = j.config.layers[j.config.layers.length - 1]!['name'] as string;
    layer(j, 'Embedding')['inbound_nodes'] = [[[last, 0, 0, {}]]];
    expect(message(j)).toMatch(/cycle/);
    j = base();
    layer(j, 'Add')['inbound_nodes'] = [[['nowhere', 0, 0, {}]]];
    expect(message(j)).toMatch(/unknown layer "nowhere"/);
    j = base();
    const extra = structuredClone(layer(j, 'Add'));
    extra['name'] = 'unused_add';
    (extra['config'] as Record<string, unknown>)['name'] = 'unused_add';
    j.config.layers.push(extra);
    expect(message(j)).toMatch(/not on a path to the output: unused_add/);
  });

  it('more than MAX_PARAMS parameters', () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4000], units: 3000 }));
    expect(message(topology(m))).toMatch(/12003000 parameters, more than 10000000/);
    m.dispose();
  });

  it('a layer output of more than MAX_LAYER_VALUES values an example', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [2048, 2048, 1], filters: 16, kernelSize: 1 }));
    expect(message(topology(m))).toMatch(/outputs 67108864 values an example, more than 33554432/);
    m.dispose();
  });

  it('oversized JSON', () => {
    const j = base();
    const config = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    (layer(j, 'Dense')['config'] as Record<string, unknown>)['kernel_initializer'] = { class_name: 'Zeros', config };
    expect(JSON.stringify(j).length).toBeGreaterThan(MAX_MODEL_JSON_CHARS);
    expect(message(j)).toMatch(/over 1048576 characters/);
  });

  it('shapes that do not fit: a kernel larger than its input, an Add of two shapes', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3 }));
    m.add(tf.layers.conv2d({ filters: 2, kernelSize: 3 }));
    const j = topology(m) as { config: { layers: { config: Record<string, unknown> }[] } };
    j.config.layers[1]!.config['kernel_size'] = [5, 5];
    expect(message(j)).toMatch(/window 5 does not fit input length 2/);
    m.dispose();
    const e = base();
    const d2 = (layer(e, 'Add')['inbound_nodes'] as [string][][])[0]![1]![0];
    layer(e, 'Add')['inbound_nodes'] = [
      [
        [layer(e, 'Embedding')['name'], 0, 0, {}],
        [d2, 0, 0, {}],
      ],
    ];
    expect(message(e)).toMatch(/Add\) needs inputs of one shape/);
  });
});
