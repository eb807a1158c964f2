/**
 * Model specification shared by the coordinator (shapes, initial weights) and
 * the client trainer (tfjs model), in one of two forms:
 * - dense: `{inputDim, layers: [{units, activation}]}`, a stack of dense
 *   layers, the form every job had before graph models (issue 18);
 * - graph: the tfjs-layers / Keras JSON topology (core/model/graph.ts).
 * Either way the parameters travel as one flat float32 vector in tfjs's
 * `model.getWeights()` order (for the dense form: per layer, kernel
 * [in, units] row-major then bias). docs/models.md describes both.
 */
import { z } from 'zod';
import { analyseGraph, graphModelSchema, type GraphModelSpec } from './graph.ts';
import { MAX_PARAMS, param, type ParamShape } from './params.ts';

export { MAX_PARAMS, type ParamShape } from './params.ts';
export type { GraphModelSpec } from './graph.ts';

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

export const denseLayerSchema = z.strictObject({
  units: z.number().int().min(1).max(4096),
  activation: z.enum(ACTIVATIONS),
});

/**
 * The dense form: a stack of dense layers on `inputDim` features. Its last
 * layer is checked against the job's task by the job spec (core/job/spec.ts):
 * one sigmoid unit for binary, linear with outputUnits(task) units otherwise.
 */
export const denseModelSchema = z
  .strictObject({
    inputDim: z.number().int().min(1).max(100_000),
    layers: z.array(denseLayerSchema).min(1).max(16),
  })
  .refine((m) => paramCount(m) <= MAX_PARAMS, { message: `model has more than ${1e7} parameters`, path: ['layers'] });

export type DenseModelSpec = z.infer<typeof denseModelSchema>;
export type ModelSpec = DenseModelSpec | GraphModelSpec;

/** A model in either form: a graph if it names a `class_name` (Keras JSON), the dense form otherwise. */
export const modelSpecSchema = z.unknown().transform((v, ctx): ModelSpec => {
  const schema = isObject(v) && 'class_name' in v ? graphModelSchema : denseModelSchema;
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
  return z.NEVER;
});

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isGraphModel(spec: ModelSpec): spec is GraphModelSpec {
  return 'class_name' in spec;
}

/** Shape-only view of a dense model, so shapes can be computed while validating. */
export interface ModelShape {
  inputDim: number;
  layers: readonly { units: number }[];
}

/** The parameter tensors in the flat vector's (tfjs `model.getWeights()`) order. */
export function paramShapes(spec: ModelShape | GraphModelSpec): ParamShape[] {
  if ('class_name' in spec) return analyseGraph(spec).params;
  const out: ParamShape[] = [];
  let fanIn = spec.inputDim;
  spec.layers.forEach((layer, i) => {
    out.push(param(`dense_${i}`, 'kernel', [fanIn, layer.units]));
    out.push(param(`dense_${i}`, 'bias', [layer.units]));
    fanIn = layer.units;
  });
  return out;
}

export function paramCount(spec: ModelShape | GraphModelSpec): number {
  return paramShapes(spec).reduce((n, p) => n + p.size, 0);
}

/** Values one example feeds the model: inputDim, or the product of the graph's input shape. */
export function inputSize(spec: ModelSpec): number {
  if (isGraphModel(spec)) return analyseGraph(spec).inputShape.reduce((a, b) => a * b, 1);
  return spec.inputDim;
}

/** Units of the model's output (of one example). */
export function modelOutputUnits(spec: ModelSpec): number {
  if (isGraphModel(spec)) return analyseGraph(spec).outputShape.reduce((a, b) => a * b, 1);
  return spec.layers[spec.layers.length - 1]!.units;
}

/** 2 × multiply-adds of one example's forward pass (core/model/graph-shapes.ts's convention). */
export function flopsPerExample(spec: ModelSpec): number {
  if (isGraphModel(spec)) return analyseGraph(spec).flopsPerExample;
  return paramShapes(spec)
    .filter((p) => p.role === 'kernel')
    .reduce((n, p) => n + 2 * p.size, 0);
}

/** Values one example's forward pass outputs, summed over layers, the input's included (core/model/graph.ts). */
export function activationValuesPerExample(spec: ModelSpec): number {
  if (isGraphModel(spec)) return analyseGraph(spec).activationValuesPerExample;
  return spec.layers.reduce((n, l) => n + l.units, spec.inputDim);
}

/** The layer classes the model uses, as Keras names them (the dense form's layers are Dense). */
export function layerClasses(spec: ModelSpec): string[] {
  return isGraphModel(spec) ? analyseGraph(spec).classes : ['Dense'];
}

/**
 * Layers whose output for one example depends on the other examples of its
 * batch (BatchNormalization's batch statistics). Per-example clipping cannot
 * bound one record's influence through them, so record-level DP refuses a
 * model that has any (core/job/spec.ts).
 */
export function examplesMixingLayers(spec: ModelSpec): string[] {
  if (!isGraphModel(spec)) return [];
  return analyseGraph(spec)
    .layers.filter((l) => l.className === 'BatchNormalization')
    .map((l) => l.name);
}

/** The activation the model's output passes through last: the dense form's last layer's, or the graph's. */
export function outputActivation(spec: ModelSpec): string {
  if (isGraphModel(spec)) return analyseGraph(spec).outputActivation;
  return spec.layers[spec.layers.length - 1]!.activation;
}

/** Logistic regression: one sigmoid unit on `inputDim` features. */
export function logisticRegression(inputDim: number): DenseModelSpec {
  return { inputDim, layers: [{ units: 1, activation: 'sigmoid' }] };
}
