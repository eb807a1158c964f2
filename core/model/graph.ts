/**
 * A job's model as a declarative layer graph: the tfjs-layers / Keras JSON
 * topology (`model.toJSON(null, false)`), validated against an allow-list of
 * layer classes and config keys (core/model/graph-layers.ts), with every
 * layer's output shape, the parameter tensors in `model.weights` order, the
 * parameter count and the FLOPs per example inferred here, without tfjs, so
 * the coordinator draws initial weights and a hospital caps a job from the
 * spec alone. docs/models.md describes the format.
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';
import { isLayerClass, type GraphActivation, type LayerClass, type LayerConfig } from './graph-layers.ts';
import { checkValues, layerShapes, parseLayerConfig } from './graph-shapes.ts';
import {
  graphEnvelopeSchema,
  MAX_MODEL_JSON_CHARS,
  orderedLayers,
  type GraphModelSpec,
  type TopoLayer,
} from './graph-topology.ts';
import { MAX_PARAMS, type ParamShape } from './params.ts';
import { embeddingIdMax } from './embedding-ids.ts';
import { normaliseKerasJson } from './keras-json.ts';

export { MAX_GRAPH_LAYERS, MAX_MODEL_JSON_CHARS, type GraphModelSpec } from './graph-topology.ts';

/** One layer of an analysed graph, in tfjs's `model.layers` order. */
export interface GraphLayer {
  name: string;
  className: LayerClass;
  /** The config as validated, defaults applied. */
  config: LayerConfig<LayerClass>;
  /** Names of the layers feeding this one, in order (none for the InputLayer). */
  inbound: string[];
  /** Output shape of one example. */
  out: number[];
}

export interface GraphInfo {
  layers: GraphLayer[];
  inputShape: number[];
  outputShape: number[];
  /** In `model.weights` order: every trainable tensor layer by layer, then the non-trainable ones. */
  params: ParamShape[];
  paramCount: number;
  /** 2 × multiply-adds of one example's forward pass (core/model/graph-shapes.ts). */
  flopsPerExample: number;
  /**
   * Values one example's forward pass outputs, summed over every layer (the
   * input's included): what training keeps for the backward pass and an
   * evaluation chunk holds, per example (core/job/policy.ts's activation cap).
   */
  activationValuesPerExample: number;
  /** The activation the output passes through last (linear if none). */
  outputActivation: GraphActivation;
  classes: LayerClass[];
  /** The largest id the model's Embeddings accept, to which a hospital clamps its inputs (embedding-ids.ts); undefined without one. */
  embeddingIdMax: number | undefined;
}

function fail(message: string): never {
  throw new CohortError('E_JOB_SPEC', message);
}

const analysed = new WeakMap<GraphModelSpec, GraphInfo>();

/** The analysis of a graph model (cached per spec object); E_JOB_SPEC naming what is wrong. */
export function analyseGraph(g: GraphModelSpec): GraphInfo {
  const cached = analysed.get(g);
  if (cached) return cached;
  const info = analyse(g);
  analysed.set(g, info);
  return info;
}

function analyse(g: GraphModelSpec): GraphInfo {
  const order = orderedLayers(g);
  const shapes = new Map<string, number[]>();
  const layers: GraphLayer[] = [];
  let inputShape: number[] = [];
  const trainable: ParamShape[] = [];
  const frozen: ParamShape[] = [];
  let flops = 0;
  for (const t of order) {
    const cls = t.entry.class_name;
    if (!isLayerClass(cls)) fail(`layer "${t.name}": class ${cls} is not allowed (docs/models.md lists the layers)`);
    const config = parseLayerConfig(cls, t.name, t.entry.config);
    if (layers.length === 0) inputShape = declaredInput(t.name, config.batch_input_shape);
    const out = outputShape(t, cls, config, shapes, layers.length === 0 ? inputShape : undefined, trainable, frozen);
    flops += out.flops;
    shapes.set(t.name, out.out);
    layers.push({ name: t.name, className: cls, config, inbound: t.inbound, out: out.out });
  }
  const params = [...trainable, ...frozen];
  const paramCount = params.reduce((n, p) => n + p.size, 0);
  if (paramCount > MAX_PARAMS) fail(`model has ${paramCount} parameters, more than ${MAX_PARAMS}`);
  const last = layers[layers.length - 1]!;
  return {
    layers,
    inputShape,
    outputShape: last.out,
    params,
    paramCount,
    flopsPerExample: flops,
    activationValuesPerExample: activationValues(inputShape, layers),
    outputActivation: finalActivation(layers),
    classes: [...new Set(layers.map((l) => l.className))],
    embeddingIdMax: embeddingIdMax(layers),
  };
}

/** The input's values and every layer's outputs, of one example (an InputLayer's output is the input: counted once). */
function activationValues(inputShape: number[], layers: GraphLayer[]): number {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return layers.reduce((n, l) => n + (l.className === 'InputLayer' ? 0 : size(l.out)), size(inputShape));
}

/** One layer's shapes; `input` is the model's input shape when `t` is the first layer (it or the InputLayer declares it). */
function outputShape(
  t: TopoLayer,
  cls: LayerClass,
  config: LayerConfig<LayerClass>,
  shapes: Map<string, number[]>,
  input: number[] | undefined,
  trainable: ParamShape[],
  frozen: ParamShape[],
): { out: number[]; flops: number } {
  let inputs = t.inbound.map((n) => shapes.get(n)!);
  if (input) {
    if (cls === 'InputLayer') return { out: input, flops: 0 };
    inputs = [input];
  } else if (cls === 'InputLayer') fail(`layer "${t.name}": only the first layer may be an InputLayer`);
  const r = layerShapes(cls, t.name, config, inputs);
  for (const p of r.params) (p.trainable ? trainable : frozen).push(p);
  return { out: r.out, flops: r.flops };
}

/** The example's shape the first layer (or the InputLayer) declares: batch_input_shape [null, ...dims], every dim known. */
function declaredInput(name: string, b: (number | null)[] | undefined): number[] {
  if (!b || b[0] !== null || b.slice(1).some((d) => d === null))
    fail(`layer "${name}" must declare batch_input_shape [null, ...dims] with every dim known`);
  const dims = b.slice(1) as number[];
  checkValues(name, dims);
  return dims;
}

/** Layers that pass values through unchanged or only move them. */
const PASS_THROUGH = new Set<LayerClass>(['Dropout', 'Flatten', 'Reshape']);

function finalActivation(layers: GraphLayer[]): GraphActivation {
  const byName = new Map(layers.map((l) => [l.name, l]));
  let l = layers[layers.length - 1]!;
  while (PASS_THROUGH.has(l.className)) l = byName.get(l.inbound[0]!)!;
  const a = (l.config as { activation?: GraphActivation }).activation;
  return a ?? 'linear';
}

/**
 * The zod schema of a graph model: the envelope, at most
 * MAX_MODEL_JSON_CHARS of JSON, whose analysis succeeds. Keras (Python)
 * `to_json()` output is first rewritten to the tfjs form
 * (core/model/keras-json.ts); a spec already in that form is its own output
 * (defaults are applied in the analysis), so a spec that went through it
 * re-parses to the same value on the hospital's side.
 */
export const graphModelSchema = z
  .unknown()
  .refine((v) => jsonChars(v) <= MAX_MODEL_JSON_CHARS, {
    message: `the model is over ${MAX_MODEL_JSON_CHARS} characters of JSON`,
    abort: true,
  })
  .transform((v, ctx) => {
    try {
      return normaliseKerasJson(v);
    } catch (e) {
      if (!(e instanceof CohortError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
      return z.NEVER;
    }
  })
  .pipe(graphEnvelopeSchema)
  .superRefine((g, ctx) => {
    try {
      analyseGraph(g);
    } catch (e) {
      if (!(e instanceof CohortError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
    }
  });

function jsonChars(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return Infinity;
  }
}
