/**
 * A LayersModel's graph run layer by layer, so that DP-SGD's clipping
 * (ghost-clip.ts) sees what tfjs's own execution hides: each trainable
 * layer's input a_l, and G_l = ∂(Σ_i ℓ_i)/∂z_l, the gradient at the layer's
 * output z_l. G_l comes from zero "probe" tensors added to every z_l: one
 * tf.grads over the probes gives them all, and row i of G_l is example i's
 * own output gradient (no allowed layer mixes examples; BatchNormalization,
 * which does, is refused).
 *
 * Dense, Conv1D and Conv2D are applied here as their linear part then their
 * activation, with the probe between, so that G_l is the gradient of the
 * pre-activation, the one their ghost norms need; every other trainable layer
 * (Embedding, LayerNormalization, DepthwiseConv2D, SeparableConv2D) is probed
 * at its output, and its per-example gradients are taken through the layer
 * itself (ghost-clip-layers.ts). Dropout runs as at inference (training:
 * false): see ghost-clip.ts.
 */
import type { LayersModel, Tensor, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import type { Tf } from './backend.ts';

type Layer = LayersModel['layers'][number];

/** How a trainable layer's per-example gradient norms are taken. */
export type TrainableKind = 'dense' | 'conv1d' | 'conv2d' | 'generic';

/** One application of a layer, in topological order: where its inputs come from and where its outputs go. */
interface Step {
  layer: Layer;
  inputs: number[];
  outputs: number[];
  /** Index into the plan's trainable list, or −1. */
  trainable: number;
}

export interface Trainable {
  layer: Layer;
  kind: TrainableKind;
}

export interface GraphPlan {
  steps: Step[];
  trainable: Trainable[];
  input: number;
  output: number;
}

const PASSIVE = new Set([
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'Dropout',
  'Activation',
  'Add',
  'Concatenate',
]);
const TRAINABLE: Record<string, TrainableKind> = {
  Dense: 'dense',
  Conv1D: 'conv1d',
  Conv2D: 'conv2d',
  Embedding: 'generic',
  LayerNormalization: 'generic',
  DepthwiseConv2D: 'generic',
  SeparableConv2D: 'generic',
};

const plans = new WeakMap<LayersModel, GraphPlan>();

function refuse(message: string): never {
  throw new CohortError('E_JOB_SPEC', message);
}

/**
 * The model's execution plan, checked against DP-SGD's allow-list; cached per
 * model. Throws E_JOB_SPEC for a layer kind outside it (BatchNormalization
 * above all), a layer applied more than once (its per-example gradient would
 * be a sum over the applications, which the ghost norms do not take), more
 * than one input or output, channels-first or dilated convolutions (tfjs
 * has no gradient for the latter), or a non-trainable weight.
 */
export function graphPlan(model: LayersModel): GraphPlan {
  const cached = plans.get(model);
  if (cached) return cached;
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    refuse(`DP-SGD takes a model with one input and one output`);
  if (model.weights.length !== model.trainableWeights.length)
    refuse('DP-SGD takes a model whose every weight is trainable');
  const known = new Set([model.inputs[0]!.id]);
  const steps: Step[] = [];
  const trainable: Trainable[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'InputLayer') continue;
    if (kind === 'BatchNormalization')
      refuse('BatchNormalization mixes the examples of a batch, so per-example clipping cannot bound one record');
    if (!PASSIVE.has(kind) && !(kind in TRAINABLE)) refuse(`layer kind ${kind} is not allowed under DP-SGD`);
    // A model built for one job: each layer has the one node of its one application.
    const nodes = layer.inboundNodes;
    if (nodes.length !== 1) refuse(`layer ${layer.name} is applied ${nodes.length} times; DP-SGD takes one`);
    if (!nodes[0]!.inputTensors.every((t) => known.has(t.id))) refuse(`layer ${layer.name} is not in graph order`);
    const config = layer.getConfig();
    if (config.dataFormat === 'channelsFirst') refuse(`layer ${layer.name}: DP-SGD takes channels-last layers only`);
    // tfjs has no gradient for a dilated convolution (its conv2d gradient asserts dilation 1).
    if (Array.isArray(config.dilationRate) && config.dilationRate.some((r) => r !== 1))
      refuse(`layer ${layer.name}: tfjs cannot train a dilated convolution`);
    if (kind.startsWith('Conv') && config.padding !== 'same' && config.padding !== 'valid')
      refuse(`layer ${layer.name}: padding ${String(config.padding)} is not allowed under DP-SGD`);
    const node = nodes[0]!;
    node.outputTensors.forEach((t) => known.add(t.id));
    const isTrainable = kind in TRAINABLE && layer.trainableWeights.length > 0;
    if (isTrainable) trainable.push({ layer, kind: TRAINABLE[kind]! });
    steps.push({
      layer,
      inputs: node.inputTensors.map((t) => t.id),
      outputs: node.outputTensors.map((t) => t.id),
      trainable: isTrainable ? trainable.length - 1 : -1,
    });
  }
  if (!known.has(model.outputs[0]!.id)) refuse('the model output is not reached from its input');
  const plan = { steps, trainable, input: model.inputs[0]!.id, output: model.outputs[0]!.id };
  plans.set(model, plan);
  return plan;
}

/** What one probed pass returns: per trainable layer (plan order), its input a_l and its output gradient G_l. */
export interface Probed {
  inputs: Tensor[];
  grads: Tensor[];
}

/**
 * Runs the model on x, adds Σ_i loss_i, and returns every trainable layer's
 * input and output gradient. The caller owns the result, except that an
 * input that is x itself is x.
 */
export function probedGradients(tf: Tf, plan: GraphPlan, x: Tensor, lossOf: (out: Tensor) => Tensor): Probed {
  const shapes = probeShapes(tf, plan, x);
  const inputs: Tensor[] = [];
  const probes = shapes.map((s) => tf.zeros(s));
  try {
    const grads = tf.grads((...p: Tensor[]) => {
      inputs.length = 0;
      const out = walk(
        tf,
        plan,
        x,
        (k, a) => inputs.push(a === x ? a : tf.keep(a)),
        (k, z) => tf.add(z, p[k]!),
      );
      return tf.sum(lossOf(out));
    })(probes);
    return { inputs, grads };
  } catch (err) {
    tf.dispose(inputs.filter((a) => a !== x));
    throw err;
  } finally {
    tf.dispose(probes);
  }
}

/** The shapes of the probes: the symbolic output shapes, or one forward pass when one has an unknown dimension past the batch. */
function probeShapes(tf: Tf, plan: GraphPlan, x: Tensor): number[][] {
  const batch = x.shape[0]!;
  const symbolic = plan.trainable.map((t) => t.layer.outputShape as (number | null)[]);
  if (symbolic.every((s) => Array.isArray(s) && s.slice(1).every((d) => d !== null)))
    return symbolic.map((s) => [batch, ...(s.slice(1) as number[])]);
  const shapes: number[][] = [];
  tf.tidy(() => {
    walk(
      tf,
      plan,
      x,
      () => undefined,
      (k, z) => {
        shapes[k] = z.shape;
        return z;
      },
    );
  });
  return shapes;
}

/** The forward pass: `onInput` sees each trainable layer's input, `probe` its (pre-activation) output. */
function walk(
  tf: Tf,
  plan: GraphPlan,
  x: Tensor,
  onInput: (k: number, a: Tensor) => void,
  probe: (k: number, z: Tensor) => Tensor,
): Tensor {
  const values = new Map<number, Tensor>([[plan.input, x]]);
  for (const step of plan.steps) {
    const ins = step.inputs.map((id) => values.get(id)!);
    let outs: Tensor[];
    if (step.trainable < 0) {
      outs = asList(step.layer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as Tensor | Tensor[]);
    } else {
      const k = step.trainable;
      const kind = plan.trainable[k]!.kind;
      onInput(k, ins[0]!);
      if (kind === 'generic') {
        outs = [probe(k, step.layer.apply(ins[0]!, { training: false }) as Tensor)];
      } else {
        const z = probe(k, linearPart(tf, step.layer, kind, ins[0]!));
        outs = [activationOf(step.layer).apply(z)];
      }
    }
    step.outputs.forEach((id, i) => values.set(id, outs[i]!));
  }
  return values.get(plan.output)!;
}

function asList(t: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(t) ? t : [t];
}

interface ActivationFn {
  apply(x: Tensor): Tensor;
}

/** The layer's own activation object (tfjs keeps it on the layer): the same function model.fit applies. */
function activationOf(layer: Layer): ActivationFn {
  return (layer as unknown as { activation: ActivationFn }).activation;
}

/** A Dense, Conv1D or Conv2D layer without its activation. */
function linearPart(tf: Tf, layer: Layer, kind: TrainableKind, a: Tensor): Tensor {
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
  // Not tfjs's fused ops: their gradient computes the weights' gradients too, which the probes do not need.
  let z: Tensor;
  if (kind === 'dense') {
    const a2 = (a.rank === 2 ? a : tf.reshape(a, [-1, a.shape[a.rank - 1]!])) as Tensor2D;
    const product = tf.matMul(a2, kernel as Tensor2D);
    z = a.rank === 2 ? product : tf.reshape(product, [...a.shape.slice(0, -1), kernel!.shape[1]!]);
  } else {
    const c = layer.getConfig();
    const strides = c.strides as number[];
    const pad = c.padding as 'same' | 'valid';
    z =
      kind === 'conv2d'
        ? tf.conv2d(a as Tensor4D, kernel as Tensor4D, strides as [number, number], pad)
        : tf.conv1d(a as Tensor3D, kernel as Tensor3D, strides[0]!, pad);
  }
  return bias ? tf.add(z, bias) : z;
}
