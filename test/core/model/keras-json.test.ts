/**
 * Keras (Python) `to_json()` output accepted by normalising it to the tfjs
 * form (core/model/keras-json.ts). Python with Keras is not installed on
 * this machine, so the fixtures (test/core/model/fixtures/) are:
 *
 * - keras2-sequential-mlp.json: genuine tf.keras 2.11.0 `model.to_json()`,
 *   github.com/Khushi9354/Diabetic-detection-using-Neural-Network, model.json
 *   at a1935f57b3197c35097f12d0fafed70c4fcb1886 (Pima diabetes MLP 8→12→8→1).
 * - keras3-sequential-mlp.json: genuine Keras 3 `model.to_json()` of the same
 *   architecture, pasted in github.com/ashu011-code/diabetes-detection,
 *   README.md ("then next json file").
 * - keras3-sequential-cnn.json: genuine Keras 3 `to_json()` of a 224×224×3
 *   CNN with BatchNormalization, embedded as a fallback `model_json` string
 *   in a Streamlit app ("DRChecker") that the code-search index returned
 *   without its repository's name (index file id 24142550709).
 * - keras3-functional-residual.json and keras2-functional-cnn1d.json:
 *   hand-written in the formats Keras 3 (keras/src/models/functional.py
 *   get_config, serialization_lib: `__keras_tensor__` args, single
 *   input_layers triple, DTypePolicy, initializer objects) and tf.keras
 *   2.11 (class_name Functional, `[[[name, 0, 0, {}]]]`) write.
 *
 * Each is checked against tfjs itself: tfjs's own deserialiser
 * (`tf.models.modelFromJSON`) reads the normalised spec, and its weights
 * must be core's parameter list, name for name and shape for shape; the
 * client's model (buildModel) must have the same shapes.
 */
import { readFileSync } from 'node:fs';
import type { LayersModel } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CohortError } from '../../../core/errors.ts';
import { analyseGraph, graphModelSchema, type GraphModelSpec } from '../../../core/model/graph.ts';
import { graphEnvelopeSchema } from '../../../core/model/graph-topology.ts';
import { normaliseKerasJson } from '../../../core/model/keras-json.ts';
import { modelSpecSchema } from '../../../core/model/spec.ts';
import type { Tf } from '../../../client/trainer/index.ts';
import { buildModel } from '../../../client/trainer/model.ts';
import { loadTestTf } from '../../client/trainer/fixtures.ts';
import { TOPOLOGIES, topology } from './graph-fixtures.ts';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;
const parse = (json: unknown): GraphModelSpec => graphModelSchema.parse(json);

/** name → [paramCount, trainable weight shapes in model.weights order (then the non-trainable ones)]. */
const EXPECTED: Record<string, { count: number; shapes: number[][]; input: number[] }> = {
  'keras2-sequential-mlp': { count: 221, input: [8], shapes: [[8, 12], [12], [12, 8], [8], [8, 1], [1]] },
  'keras3-sequential-mlp': { count: 221, input: [8], shapes: [[8, 12], [12], [12, 8], [8], [8, 1], [1]] },
  'keras3-sequential-cnn': {
    count: 649_938,
    input: [224, 224, 3],
    // conv 3×3×3→8, BN 8, conv 3×3×8→16, BN 16, conv 4×4×16→32, BN 32, dense 20000→32, dense 32→2; then moving stats.
    shapes: [
      [3, 3, 3, 8],
      [8],
      [8],
      [8],
      [3, 3, 8, 16],
      [16],
      [16],
      [16],
      [4, 4, 16, 32],
      [32],
      [32],
      [32],
      [20000, 32],
      [32],
      [32, 2],
      [2],
      [8],
      [8],
      [16],
      [16],
      [32],
      [32],
    ],
  },
  'keras3-functional-residual': {
    count: 811,
    input: [28, 28, 1],
    shapes: [[3, 3, 1, 8], [8], [3, 3, 8, 8], [8], [3, 3, 8, 1], [8], [8], [8], [16, 3], [3]],
  },
  'keras2-functional-cnn1d': { count: 252, input: [16, 3], shapes: [[3, 3, 4], [4], [32, 6], [6], [6, 2], [2]] },
};

describe('Keras to_json fixtures', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: validates with the expected parameter count and weight shapes`, () => {
      const spec = parse(fixture(name));
      const info = analyseGraph(spec);
      expect(info.paramCount).toBe(want.count);
      expect(info.params.map((p) => p.shape)).toEqual(want.shapes);
      expect(info.inputShape).toEqual(want.input);
    });

    it(`${name}: tfjs's own deserialiser reads the normalised spec with core's weights, and the client's model matches`, async () => {
      const spec = parse(fixture(name));
      const info = analyseGraph(spec);
      const own: LayersModel = await tf.models.modelFromJSON({ modelTopology: structuredClone(spec) as never });
      expect(info.params.map((p) => p.name)).toEqual(own.weights.map((w) => w.originalName));
      expect(info.params.map((p) => p.shape)).toEqual(own.weights.map((w) => w.shape));
      expect(info.params.map((p) => p.trainable)).toEqual(own.weights.map((w) => w.trainable));
      expect(info.paramCount).toBe(own.countParams());
      own.dispose();
      const built = buildModel(tf, spec, 'logit');
      expect(built.weights.map((w) => w.shape)).toEqual(want.shapes);
      built.dispose();
    });
  }

  it('normalises to the tfjs form: no Keras-only keys left, Functional read as Model', () => {
    const spec = parse(fixture('keras3-functional-residual')) as unknown as Json;
    expect(spec['class_name']).toBe('Model');
    expect(Object.keys(spec).sort()).toEqual(['class_name', 'config']);
    const text = JSON.stringify(spec);
    for (const key of ['module', 'registered_name', 'build_config', 'batch_shape', '__keras_tensor__', 'DTypePolicy'])
      expect(text).not.toContain(`"${key}"`);
    expect(spec['config']['input_layers']).toEqual([['image', 0, 0]]);
    const add = spec['config']['layers'].find((l: Json) => l['name'] === 'add');
    expect(add['inbound_nodes']).toEqual([
      [
        ['conv_a', 0, 0, {}],
        ['conv_b', 0, 0, {}],
      ],
    ]);
  });

  it('is idempotent: a normalised spec, and any tfjs toJSON topology, come back as the same object', () => {
    const spec = parse(fixture('keras3-sequential-cnn'));
    expect(normaliseKerasJson(spec)).toBe(spec);
    expect(parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    for (const make of Object.values(TOPOLOGIES)) {
      const model = make(tf);
      const json = topology(model);
      expect(normaliseKerasJson(json)).toBe(json);
      model.dispose();
    }
  });

  it('goes through the job spec model schema (modelSpecSchema) as a graph model', () => {
    const r = modelSpecSchema.safeParse(fixture('keras2-sequential-mlp'));
    expect(r.success).toBe(true);
  });

  it('a Sequential declaring its input only by build_input_shape gets it on its first layer', () => {
    const json = fixture('keras3-sequential-mlp');
    json['config']['layers'].shift();
    expect(analyseGraph(parse(json)).inputShape).toEqual([8]);
  });
});

/** The CohortError the whole path (normalise, envelope, allow-list) throws for `json`. */
function refusal(json: unknown): CohortError {
  expect(graphModelSchema.safeParse(json).success).toBe(false);
  try {
    analyseGraph(graphEnvelopeSchema.parse(normaliseKerasJson(json)));
  } catch (e) {
    expect(e).toBeInstanceOf(CohortError);
    expect((e as CohortError).code).toBe('E_JOB_SPEC');
    return e as CohortError;
  }
  throw new Error('accepted');
}

const residual = () => fixture('keras3-functional-residual');
const layerOf = (json: Json, name: string): Json => json['config']['layers'].find((l: Json) => l['name'] === name);

describe('Keras constructs refused', () => {
  it('a Lambda layer (code in the model)', () => {
    const json = residual();
    Object.assign(layerOf(json, 'conv_b'), {
      class_name: 'Lambda',
      config: {
        name: 'conv_b',
        function: { class_name: '__lambda__', config: { code: '4wEAAAAA', defaults: null, closure: null } },
      },
    });
    expect(refusal(json).message).toMatch(/class Lambda is not allowed/);
  });

  it('a custom layer (module outside keras, registered_name set)', () => {
    const json = residual();
    Object.assign(layerOf(json, 'conv_b'), { module: 'my_package.layers', registered_name: 'Custom>MyConv' });
    expect(refusal(json).message).toMatch(/not Keras: custom objects are refused/);
    const only = residual();
    layerOf(only, 'conv_b')['registered_name'] = 'Custom>Conv2D';
    expect(refusal(only).message).toMatch(/custom object "Custom>Conv2D"/);
  });

  it('a custom initializer', () => {
    const json = residual();
    layerOf(json, 'logits')['config']['kernel_initializer'] = {
      module: 'my_package',
      class_name: 'MyInit',
      config: {},
      registered_name: 'Custom>MyInit',
    };
    expect(refusal(json).message).toMatch(/kernel_initializer comes from module "my_package"/);
  });

  it('regularizers and constraints', () => {
    const reg = residual();
    layerOf(reg, 'logits')['config']['kernel_regularizer'] = {
      module: 'keras.regularizers',
      class_name: 'L2',
      config: { l2: 0.01 },
      registered_name: null,
    };
    expect(refusal(reg).message).toMatch(/kernel_regularizer is set; regularizers and constraints are refused/);
    const con = residual();
    layerOf(con, 'conv_a')['config']['kernel_constraint'] = {
      module: 'keras.constraints',
      class_name: 'MaxNorm',
      config: { max_value: 2, axis: 0 },
      registered_name: null,
    };
    expect(refusal(con).message).toMatch(/kernel_constraint is set/);
  });

  it('dtype policies other than float32 (mixed precision, float64)', () => {
    const mixed = residual();
    layerOf(mixed, 'conv_a')['config']['dtype'] = {
      module: 'keras',
      class_name: 'DTypePolicy',
      config: { name: 'mixed_float16' },
      registered_name: null,
    };
    expect(refusal(mixed).message).toMatch(/dtype "mixed_float16" is refused/);
    const k2 = fixture('keras2-functional-cnn1d');
    layerOf(k2, 'dense')['config']['dtype'] = 'float64';
    expect(refusal(k2).message).toMatch(/dtype "float64" is refused/);
  });

  it('channels_first', () => {
    const json = residual();
    layerOf(json, 'pool')['config']['data_format'] = 'channels_first';
    expect(refusal(json).message).toMatch(/layer "pool" \(MaxPooling2D\): data_format/);
  });

  it('masking: an Embedding with mask_zero, and a Masking layer', () => {
    const embedding = {
      module: 'keras.layers',
      class_name: 'Embedding',
      config: { name: 'embedding', trainable: true, dtype: 'float32', input_dim: 50, output_dim: 4, mask_zero: true },
      registered_name: null,
    };
    const seq = (middle: Json) => ({
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        trainable: true,
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { batch_shape: [null, 10], dtype: 'float32', sparse: false, name: 'input_layer' },
            registered_name: null,
          },
          middle,
          {
            module: 'keras.layers',
            class_name: 'GlobalAveragePooling1D',
            config: { name: 'gap', data_format: 'channels_last', keepdims: false },
            registered_name: null,
          },
        ],
      },
    });
    expect(refusal(seq(embedding)).message).toMatch(/mask_zero/);
    const ok = structuredClone(embedding);
    ok.config.mask_zero = false;
    expect(graphModelSchema.safeParse(seq(ok)).success).toBe(true);
    const masking = {
      module: 'keras.layers',
      class_name: 'Masking',
      config: { name: 'masking', mask_value: 0 },
      registered_name: null,
    };
    expect(refusal(seq(masking)).message).toMatch(/class Masking is not allowed/);
  });

  it('a nested model used as a layer', () => {
    const json = fixture('keras2-functional-cnn1d');
    layerOf(json, 'dense')['class_name'] = 'Functional';
    expect(refusal(json).message).toMatch(/class Functional is not allowed/);
  });

  it('a Keras 3 model with two inputs', () => {
    const json = residual();
    const second = structuredClone(layerOf(json, 'image'));
    second['name'] = second['config']['name'] = 'mask';
    json['config']['layers'].splice(1, 0, second);
    json['config']['input_layers'] = [
      ['image', 0, 0],
      ['mask', 0, 0],
    ];
    expect(refusal(json).message).toMatch(/the model has 2 inputs \(image, mask\)/);
  });

  it('a Keras 3 shared layer (called twice, or its second call read)', () => {
    const json = residual();
    const conv = layerOf(json, 'conv_b');
    conv['inbound_nodes'].push(structuredClone(conv['inbound_nodes'][0]));
    expect(refusal(json).message).toMatch(/layer "conv_b" is called 2 times \(a shared layer\)/);
    const second = residual();
    layerOf(second, 'pool')['inbound_nodes'][0]['args'][0]['config']['keras_history'] = ['add', 1, 0];
    expect(refusal(second).message).toMatch(/layer "pool" takes call 1 of layer "add"/);
  });

  it('a call with keyword arguments or a non-tensor argument', () => {
    const kw = residual();
    layerOf(kw, 'dropout')['inbound_nodes'][0]['kwargs'] = { training: false };
    expect(refusal(kw).message).toMatch(/called with keyword arguments \(training\)/);
    const arg = residual();
    layerOf(arg, 'dropout')['inbound_nodes'][0]['args'].push(0.5);
    expect(refusal(arg).message).toMatch(/not a tensor of the model/);
  });

  it('a frozen model or layer', () => {
    const model = residual();
    model['config']['trainable'] = false;
    expect(refusal(model).message).toMatch(/not trainable/);
    const layer = residual();
    layerOf(layer, 'conv_a')['config']['trainable'] = false;
    expect(refusal(layer).message).toMatch(/layer "conv_a" \(Conv2D\): trainable/);
  });

  it('a no-op key at another value stays and is refused (groups 2)', () => {
    const json = residual();
    layerOf(json, 'conv_b')['config']['groups'] = 2;
    expect(refusal(json).message).toMatch(/key\(s\) not allowed: groups/);
  });
});
