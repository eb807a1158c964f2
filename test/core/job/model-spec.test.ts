import { describe, expect, it } from 'vitest';
import { CohortError } from '../../../core/errors.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { syntheticJob } from '../../../simulations/synthetic.ts';
import { sequential } from '../model/graph-json.ts';

const recordDp = { unit: 'record', epsilon: 2, delta: 1e-6, clip: 1, samplingRate: 0.1, noiseMultiplier: 2 } as const;
const hospitalDp = { unit: 'hospital', epsilon: 2, delta: 1e-6, clip: 1, noiseMultiplier: 2 } as const;
const message = (spec: unknown) => {
  try {
    parseJobSpec(spec);
  } catch (e) {
    expect(e instanceof CohortError && e.code).toBe('E_JOB_SPEC');
    return (e as Error).message;
  }
  throw new Error('expected E_JOB_SPEC');
};
const linear = (units: number) => ({ inputDim: 3, layers: [{ units, activation: 'linear' }] });
const graph = (layers: [string, Record<string, unknown>][], shape = [3]) => sequential(shape, layers);

describe('the job spec: task and model head', () => {
  it('a spec without a task is binary, and keeps its one-sigmoid-unit rule', () => {
    expect(parseJobSpec(syntheticJob()).task).toEqual({ kind: 'binary' });
    expect(message(syntheticJob({ model: linear(1) }))).toMatch(
      /"model.layers": the last layer must be \{"units": 1, "activation": "sigmoid"\}/,
    );
  });

  it('other tasks: a dense model ends in a linear layer of outputUnits(task) units', () => {
    const multiclass = { kind: 'multiclass', classes: ['a', 'b', 'c'] };
    expect(parseJobSpec(syntheticJob({ task: multiclass, model: linear(3) })).task).toEqual(multiclass);
    expect(message(syntheticJob({ task: multiclass, model: linear(2) }))).toMatch(/"units": 3, "activation": "linear"/);
    expect(
      message(
        syntheticJob({
          task: { kind: 'regression' },
          model: { inputDim: 3, layers: [{ units: 1, activation: 'sigmoid' }] },
        }),
      ),
    ).toMatch(/regression task applies its own activation/);
    expect(parseJobSpec(syntheticJob({ task: { kind: 'regression' }, model: linear(1) })).task).toEqual({
      kind: 'regression',
      loss: 'mse',
    });
  });

  it('a graph model outputs outputUnits(task) logits, for binary too', () => {
    expect(
      parseJobSpec(
        syntheticJob({
          model: graph([
            ['Dense', { units: 4, activation: 'relu' }],
            ['Dense', { units: 1 }],
          ]),
        }),
      ).model,
    ).toHaveProperty('class_name');
    expect(message(syntheticJob({ model: graph([['Dense', { units: 1, activation: 'sigmoid' }]]) }))).toMatch(
      /passes through sigmoid; it must be linear/,
    );
    expect(
      message(
        syntheticJob({
          model: graph([
            ['Dense', { units: 4 }],
            ['Activation', { activation: 'softmax' }],
            ['Dropout', { rate: 0.1 }],
          ]),
          task: { kind: 'multiclass', classes: ['a', 'b', 'c', 'd'] },
        }),
      ),
    ).toMatch(/passes through softmax/);
    expect(message(syntheticJob({ model: graph([['Dense', { units: 2 }]]) }))).toMatch(
      /output has shape \[2\]; a binary task needs \[1\]/,
    );
  });

  it("the model's input holds one value per feature", () => {
    expect(message(syntheticJob({ model: graph([['Dense', { units: 1 }]], [4]) }))).toMatch(
      /"features": 3 features but the model's input holds 4 values/,
    );
  });

  it('survival is refused under record-level DP, allowed under hospital-level DP', () => {
    const survival = { task: { kind: 'survival' }, model: linear(1) };
    expect(message(syntheticJob({ ...survival, privacy: recordDp }))).toMatch(
      /"task": survival \(Cox partial likelihood\) cannot run under record-level DP/,
    );
    expect(parseJobSpec(syntheticJob({ ...survival, privacy: hospitalDp })).task.kind).toBe('survival');
  });

  it('BatchNormalization is refused under record-level DP only', () => {
    const bn = graph([
      ['Dense', { units: 4 }],
      ['BatchNormalization', {}],
      ['Dense', { units: 1 }],
    ]);
    expect(message(syntheticJob({ model: bn, privacy: recordDp }))).toMatch(
      /BatchNormalization \(layer_1\) normalises each example by its batch/,
    );
    expect(parseJobSpec(syntheticJob({ model: bn, privacy: hospitalDp })).model).toHaveProperty('class_name');
    expect(parseJobSpec(syntheticJob({ model: bn })).model).toHaveProperty('class_name');
  });
});

describe('the job spec: image input', () => {
  const cnn = graph(
    [
      ['Conv2D', { filters: 2, kernel_size: 3 }],
      ['GlobalAveragePooling2D', {}],
      ['Dense', { units: 1 }],
    ],
    [8, 6, 1],
  );

  it('an image job names one feature; the model takes height × width × channels values', () => {
    const spec = parseJobSpec(
      syntheticJob({ model: cnn, features: ['pixels'], image: { height: 8, width: 6, channels: 1 } }),
    );
    expect(spec.image).toEqual({ height: 8, width: 6, channels: 1 });
    expect(
      message(syntheticJob({ model: cnn, features: ['pixels'], image: { height: 8, width: 8, channels: 1 } })),
    ).toMatch(/"image": an image of 8×8×1 values but the model's input holds 48 values/);
    expect(
      message(syntheticJob({ model: cnn, features: ['a', 'b'], image: { height: 8, width: 6, channels: 1 } })),
    ).toMatch(/an image job names one feature/);
  });

  it('a resolved graph spec re-parses to itself (the offer carries it as JSON)', () => {
    const spec = parseJobSpec(
      syntheticJob({ model: cnn, features: ['pixels'], image: { height: 8, width: 6, channels: 1 } }),
    );
    expect(parseJobSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });
});
