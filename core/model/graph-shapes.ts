/**
 * Per-layer shape inference for a graph model: each allowed layer's output
 * shape, its parameter tensors in tfjs's order within the layer, and its
 * FLOPs for one example. Shapes are per example (no batch dimension).
 *
 * FLOPs convention: 2 × the multiply-adds of Dense, Conv1D/2D,
 * DepthwiseConv2D and SeparableConv2D in the forward pass (the usual
 * "FLOPs = 2 × MACs"); biases, activations, pooling, normalisation, Add and
 * Concatenate are elementwise, linear in the activations' size and not
 * counted, nor are embedding look-ups.
 */
import { CohortError } from '../errors.ts';
import { ints, layerConfigSchema, type LayerClass, type LayerConfig } from './graph-layers.ts';
import { param, type ParamShape } from './params.ts';

/**
 * Most values one layer may output for one example (2^25 ≈ 33.5 million,
 * 128 MiB of float32): bounds the memory a model can make a hospital
 * allocate per example, whatever its parameter count (an unpadded 4096² RGB
 * image is 50 million values; the fed-pneumonia CNN's largest is 10,816).
 */
export const MAX_LAYER_VALUES = 2 ** 25;

export interface LayerShapes {
  out: number[];
  params: ParamShape[];
  flops: number;
}

function fail(message: string): never {
  throw new CohortError('E_JOB_SPEC', message);
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Output length of a window of size k at stride s (tfjs conv_utils.convOutputLength, dilation 1). */
function outLength(name: string, len: number, k: number, s: number, padding: 'valid' | 'same'): number {
  const n = padding === 'same' ? Math.ceil(len / s) : Math.floor((len - k) / s) + 1;
  if (n < 1) fail(`layer "${name}": window ${k} does not fit input length ${len} with padding "${padding}"`);
  return n;
}

function rankIs(name: string, input: number[], rank: number, what: string): void {
  if (input.length !== rank) fail(`layer "${name}" needs ${what} input (rank ${rank}), got shape [${input}]`);
}

/** Conv1D/Conv2D/DepthwiseConv2D/SeparableConv2D and pooling: the spatial output dims. */
function windowed(
  name: string,
  input: number[],
  n: number,
  c: { kernel: number | number[]; strides?: number | number[] | null; padding: 'valid' | 'same' },
): number[] {
  rankIs(name, input, n + 1, n === 1 ? 'a [steps, channels]' : 'a [height, width, channels]');
  const k = ints(c.kernel, n);
  const s = c.strides == null ? k : ints(c.strides, n);
  return k.map((kk, i) => outLength(name, input[i]!, kk, s[i]!, c.padding));
}

type Shaper<C extends LayerClass> = (name: string, c: LayerConfig<C>, inputs: number[][]) => LayerShapes;

const one = (name: string, inputs: number[][]): number[] => {
  if (inputs.length !== 1) fail(`layer "${name}" takes one input, got ${inputs.length}`);
  return inputs[0]!;
};

const withBias = (name: string, use: boolean, units: number): ParamShape[] =>
  use ? [param(name, 'bias', [units])] : [];

function conv(n: 1 | 2): Shaper<'Conv1D' | 'Conv2D'> {
  return (name, c, inputs) => {
    const input = one(name, inputs);
    const spatial = windowed(name, input, n, { kernel: c.kernel_size, strides: c.strides, padding: c.padding });
    const k = ints(c.kernel_size, n);
    const cin = input[n]!;
    const out = [...spatial, c.filters];
    return {
      out,
      params: [param(name, 'kernel', [...k, cin, c.filters]), ...withBias(name, c.use_bias, c.filters)],
      flops: 2 * prod(spatial) * prod(k) * cin * c.filters,
    };
  };
}

/** The depthwise stage DepthwiseConv2D and SeparableConv2D share: each input channel convolved with `depth_multiplier` k×k kernels. */
function depthwise(name: string, c: LayerConfig<'DepthwiseConv2D' | 'SeparableConv2D'>, inputs: number[][]) {
  const input = one(name, inputs);
  const spatial = windowed(name, input, 2, { kernel: c.kernel_size, strides: c.strides, padding: c.padding });
  const k = ints(c.kernel_size, 2);
  const channels = input[2]! * c.depth_multiplier;
  return {
    spatial,
    channels,
    kernel: param(name, 'depthwise_kernel', [...k, input[2]!, c.depth_multiplier]),
    flops: 2 * prod(spatial) * prod(k) * channels,
  };
}

function pooling(n: 1 | 2): Shaper<'MaxPooling1D' | 'MaxPooling2D' | 'AveragePooling1D' | 'AveragePooling2D'> {
  return (name, c, inputs) => {
    const input = one(name, inputs);
    const spatial = windowed(name, input, n, { kernel: c.pool_size, strides: c.strides, padding: c.padding });
    return { out: [...spatial, input[n]!], params: [], flops: 0 };
  };
}

function global(n: 1 | 2): Shaper<LayerClass> {
  return (name, _c, inputs) => {
    const input = one(name, inputs);
    rankIs(name, input, n + 1, n === 1 ? 'a [steps, channels]' : 'a [height, width, channels]');
    return { out: [input[n]!], params: [], flops: 0 };
  };
}

const identity: Shaper<LayerClass> = (name, _c, inputs) => ({ out: one(name, inputs), params: [], flops: 0 });

/** The axis a normalisation's config names must be the last: per-channel, as the trainer and DP code assume. */
function lastAxisOnly(name: string, axis: number | number[], input: number[]): void {
  const a = typeof axis === 'number' ? axis : axis[0]!;
  if (a !== -1 && a !== input.length) fail(`layer "${name}" must normalise the last axis (-1), got axis ${a}`);
}

const SHAPERS: { [C in LayerClass]: Shaper<C> } = {
  InputLayer: () => fail('an InputLayer takes no input'),
  Dense: (name, c, inputs) => {
    const input = one(name, inputs);
    const d = input[input.length - 1]!;
    return {
      out: [...input.slice(0, -1), c.units],
      params: [param(name, 'kernel', [d, c.units]), ...withBias(name, c.use_bias, c.units)],
      flops: 2 * prod(input) * c.units,
    };
  },
  Conv1D: conv(1),
  Conv2D: conv(2),
  DepthwiseConv2D: (name, c, inputs) => {
    const d = depthwise(name, c, inputs);
    return {
      out: [...d.spatial, d.channels],
      params: [d.kernel, ...withBias(name, c.use_bias, d.channels)],
      flops: d.flops,
    };
  },
  // A depthwise convolution, then a 1×1 convolution of its channels to `filters`.
  SeparableConv2D: (name, c, inputs) => {
    const d = depthwise(name, c, inputs);
    return {
      out: [...d.spatial, c.filters],
      params: [
        d.kernel,
        param(name, 'pointwise_kernel', [1, 1, d.channels, c.filters]),
        ...withBias(name, c.use_bias, c.filters),
      ],
      flops: d.flops + 2 * prod(d.spatial) * d.channels * c.filters,
    };
  },
  MaxPooling1D: pooling(1),
  AveragePooling1D: pooling(1),
  MaxPooling2D: pooling(2),
  AveragePooling2D: pooling(2),
  GlobalMaxPooling1D: global(1),
  GlobalAveragePooling1D: global(1),
  GlobalMaxPooling2D: global(2),
  GlobalAveragePooling2D: global(2),
  Flatten: (name, _c, inputs) => ({ out: [prod(one(name, inputs))], params: [], flops: 0 }),
  Reshape: (name, c, inputs) => ({ out: reshape(name, one(name, inputs), c.target_shape), params: [], flops: 0 }),
  Dropout: identity,
  Activation: identity,
  Embedding: (name, c, inputs) => {
    const input = one(name, inputs);
    rankIs(name, input, 1, 'a [steps] (token index)');
    if (c.input_length != null && c.input_length !== input[0])
      fail(`layer "${name}": input_length ${c.input_length} but its input has ${input[0]} steps`);
    return {
      out: [input[0]!, c.output_dim],
      params: [param(name, 'embeddings', [c.input_dim, c.output_dim])],
      flops: 0,
    };
  },
  LayerNormalization: (name, c, inputs) => {
    const input = one(name, inputs);
    lastAxisOnly(name, c.axis, input);
    const ch = [input[input.length - 1]!];
    const params = [...(c.scale ? [param(name, 'gamma', ch)] : []), ...(c.center ? [param(name, 'beta', ch)] : [])];
    return { out: input, params, flops: 0 };
  },
  BatchNormalization: (name, c, inputs) => {
    const input = one(name, inputs);
    lastAxisOnly(name, c.axis, input);
    const ch = [input[input.length - 1]!];
    const params = [
      ...(c.scale ? [param(name, 'gamma', ch)] : []),
      ...(c.center ? [param(name, 'beta', ch)] : []),
      param(name, 'moving_mean', ch, false),
      param(name, 'moving_variance', ch, false),
    ];
    return { out: input, params, flops: 0 };
  },
  Add: (name, _c, inputs) => {
    if (inputs.length < 2) fail(`layer "${name}" (Add) needs at least two inputs`);
    const first = inputs[0]!;
    if (inputs.some((s) => s.length !== first.length || s.some((d, i) => d !== first[i])))
      fail(`layer "${name}" (Add) needs inputs of one shape, got ${inputs.map((s) => `[${s}]`).join(', ')}`);
    return { out: first, params: [], flops: 0 };
  },
  Concatenate: (name, c, inputs) => ({ out: concatenate(name, inputs, c.axis), params: [], flops: 0 }),
};

function reshape(name: string, input: number[], target: number[]): number[] {
  const free = target.filter((d) => d === -1).length;
  if (free > 1 || target.some((d) => d === 0)) fail(`layer "${name}": target_shape [${target}] is not a shape`);
  const known = prod(target.filter((d) => d !== -1));
  const size = prod(input);
  const out = target.map((d) => (d === -1 ? size / known : d));
  if (prod(out) !== size || !out.every(Number.isInteger))
    fail(`layer "${name}": cannot reshape [${input}] (${size} values) to [${target}]`);
  return out;
}

function concatenate(name: string, inputs: number[][], axis: number): number[] {
  if (inputs.length < 2) fail(`layer "${name}" (Concatenate) needs at least two inputs`);
  const rank = inputs[0]!.length;
  // Keras counts the axis with the batch dimension: -1 is the last, 1 the first of an example.
  const a = axis < 0 ? rank + axis : axis - 1;
  if (a < 0 || a >= rank) fail(`layer "${name}": axis ${axis} is not an axis of its rank-${rank} inputs`);
  for (const s of inputs)
    if (s.length !== rank || s.some((d, i) => i !== a && d !== inputs[0]![i]))
      fail(`layer "${name}" (Concatenate) inputs differ off axis ${axis}: ${inputs.map((x) => `[${x}]`).join(', ')}`);
  const out = [...inputs[0]!];
  out[a] = inputs.reduce((n, s) => n + s[a]!, 0);
  return out;
}

/** Parses `config` against class `cls`'s allow-list: E_JOB_SPEC naming the layer and the offending keys. */
export function parseLayerConfig<C extends LayerClass>(cls: C, name: string, config: unknown): LayerConfig<C> {
  const r = layerConfigSchema(cls).safeParse(config);
  if (!r.success) {
    const why = r.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `key(s) not allowed: ${i.keys.join(', ')}` : `${i.path.join('.')}: ${i.message}`,
    );
    fail(`layer "${name}" (${cls}): ${why.join('; ')}`);
  }
  return r.data;
}

/** The shapes of layer `name` of class `cls` on inputs of shapes `inputs`. */
export function layerShapes<C extends LayerClass>(
  cls: C,
  name: string,
  config: LayerConfig<C>,
  inputs: number[][],
): LayerShapes {
  const r = (SHAPERS[cls] as Shaper<C>)(name, config, inputs);
  if (r.out.some((d) => !Number.isInteger(d) || d < 1)) fail(`layer "${name}" has an empty output [${r.out}]`);
  checkValues(name, r.out);
  return r;
}

/** Refuses an output of more than MAX_LAYER_VALUES values an example. */
export function checkValues(name: string, shape: readonly number[]): void {
  const n = prod(shape);
  if (n > MAX_LAYER_VALUES) fail(`layer "${name}" outputs ${n} values an example, more than ${MAX_LAYER_VALUES}`);
}
