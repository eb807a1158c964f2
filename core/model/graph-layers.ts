/**
 * The allow-list of a graph model's layers (core/model/graph.ts): each layer
 * class a job may use and, for each, every config key it may carry, in the
 * snake_case form tfjs's `model.toJSON()` and Keras's `to_json()` write. An
 * unknown class or key is refused, so nothing a hospital cannot read travels
 * in a model: no Lambda or custom layers, no regularizers or constraints
 * (they hide computation in training), no masking.
 *
 * Initializers are accepted and ignored: the coordinator draws the weights
 * (core/model/init.ts) and the client builds every layer with zeros.
 */
import { z } from 'zod';

/** Activations tfjs 4.22 implements that a job may name (tfjs-layers keras_format/activation_config). */
export const GRAPH_ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
  'gelu',
] as const;
export type GraphActivation = (typeof GRAPH_ACTIVATIONS)[number];

const dim = z.number().int().min(1).max(100_000);
const small = z.number().int().min(1).max(1024);
/** An int or a list of `n` ints, as Keras writes kernel sizes and strides. */
const tuple = (n: number) => z.union([small, z.array(small).length(n)]);
/** Present only as null: a regularizer or constraint would add computation the hospital cannot see. */
const none = z.null().optional();
/** Any tfjs initializer: ignored (the coordinator draws the weights), so only its size is bounded. */
const initializer = z
  .strictObject({
    class_name: z.string().max(64),
    config: z.record(z.string().max(64), z.union([z.number(), z.string().max(64), z.null()])),
  })
  .nullable()
  .optional();
const activation = z.enum(GRAPH_ACTIVATIONS).default('linear');
const padding = z.enum(['valid', 'same']).default('valid');
/** Only channels_last: shapes, weights and the intake's images are laid out height, width, channels. */
const dataFormat = z.literal('channels_last').optional();
/** Dilation must be 1: the shape inference and FLOPs here count undilated windows. */
const dilation = (n: number) => z.union([z.literal(1), z.array(z.literal(1)).length(n)]).optional();

/** Keys any layer may carry. `trainable: false` would move a layer's weights out of tfjs's trainable order. */
const common = {
  name: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/),
  trainable: z.literal(true).optional(),
  dtype: z.literal('float32').optional(),
  /** The batch dimension (null) then the example's shape; tfjs writes null for a dimension it does not know. */
  batch_input_shape: z.array(dim.nullable()).min(2).max(5).optional(),
};

const bias = { use_bias: z.boolean().default(true), bias_initializer: initializer, bias_regularizer: none };
const withBias = { ...bias, bias_constraint: none, activity_regularizer: none };

const convBase = (n: number) => ({
  kernel_size: tuple(n),
  strides: tuple(n).default(1),
  padding,
  data_format: dataFormat,
  dilation_rate: dilation(n),
  activation,
  ...withBias,
});

const kernel = { kernel_initializer: initializer, kernel_regularizer: none, kernel_constraint: none };
const depthwise = { depthwise_initializer: initializer, depthwise_regularizer: none, depthwise_constraint: none };
const pointwise = { pointwise_initializer: initializer, pointwise_regularizer: none, pointwise_constraint: none };

const pool = (n: number) => ({ pool_size: tuple(n).default(2), strides: tuple(n).nullable().optional(), padding });
const norm = {
  epsilon: z.number().finite().positive().max(1).default(1e-3),
  center: z.boolean().default(true),
  scale: z.boolean().default(true),
  beta_initializer: initializer,
  gamma_initializer: initializer,
  beta_regularizer: none,
  gamma_regularizer: none,
  beta_constraint: none,
  gamma_constraint: none,
};
/** Normalisation over the last axis only (-1, or its index counted with the batch dimension). */
const lastAxis = z.union([z.number().int(), z.array(z.number().int()).length(1)]).default(-1);

export const LAYER_CONFIGS = {
  InputLayer: { sparse: z.literal(false).optional() },
  Dense: { units: z.number().int().min(1).max(65_536), activation, ...kernel, ...withBias },
  Conv1D: { filters: z.number().int().min(1).max(4096), ...convBase(1), ...kernel },
  Conv2D: { filters: z.number().int().min(1).max(4096), ...convBase(2), ...kernel },
  DepthwiseConv2D: { depth_multiplier: small.default(1), ...convBase(2), ...depthwise },
  SeparableConv2D: {
    filters: z.number().int().min(1).max(4096),
    depth_multiplier: small.default(1),
    ...convBase(2),
    ...depthwise,
    ...pointwise,
  },
  MaxPooling1D: pool(1),
  AveragePooling1D: pool(1),
  MaxPooling2D: { ...pool(2), data_format: dataFormat },
  AveragePooling2D: { ...pool(2), data_format: dataFormat },
  GlobalMaxPooling1D: { data_format: dataFormat },
  GlobalAveragePooling1D: { data_format: dataFormat },
  GlobalMaxPooling2D: { data_format: dataFormat },
  GlobalAveragePooling2D: { data_format: dataFormat },
  Flatten: { data_format: dataFormat },
  Reshape: { target_shape: z.array(z.number().int().min(-1).max(100_000)).min(1).max(4) },
  Dropout: {
    rate: z.number().finite().min(0).lt(1),
    noise_shape: none,
    seed: z.number().int().nullable().optional(),
  },
  Activation: { activation },
  Embedding: {
    input_dim: z.number().int().min(1).max(1_000_000),
    output_dim: z.number().int().min(1).max(4096),
    embeddings_initializer: initializer,
    embeddings_regularizer: none,
    embeddings_constraint: none,
    activity_regularizer: none,
    /** Masking would change what pooling averages over: refused. */
    mask_zero: z.literal(false).nullable().optional(),
    input_length: z.number().int().min(1).nullable().optional(),
  },
  LayerNormalization: { axis: lastAxis, ...norm },
  BatchNormalization: {
    axis: lastAxis,
    momentum: z.number().finite().min(0).max(1).default(0.99),
    moving_mean_initializer: initializer,
    moving_variance_initializer: initializer,
    ...norm,
  },
  Add: {},
  Concatenate: { axis: z.number().int().min(-5).max(5).default(-1) },
} as const;

export type LayerClass = keyof typeof LAYER_CONFIGS;
export const LAYER_CLASSES = Object.keys(LAYER_CONFIGS) as LayerClass[];

const configSchemas = Object.fromEntries(
  LAYER_CLASSES.map((c) => [c, z.strictObject({ ...common, ...LAYER_CONFIGS[c] })]),
) as unknown as { [C in LayerClass]: z.ZodType<LayerConfig<C>> };

type Outputs<T> = { [K in keyof T]: T[K] extends z.ZodType ? z.output<T[K]> : never };
type Optionals<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] };
type Required_<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] };
type Config<T> = Required_<Outputs<T>> & Optionals<Outputs<T>>;

/** A validated layer config (defaults applied) of class C. */
export type LayerConfig<C extends LayerClass> = Config<typeof common> & Config<(typeof LAYER_CONFIGS)[C]>;

export function isLayerClass(c: string): c is LayerClass {
  return Object.hasOwn(LAYER_CONFIGS, c);
}

/** The zod schema of class `c`'s config: every key allowed and no other. */
export function layerConfigSchema<C extends LayerClass>(c: C): z.ZodType<LayerConfig<C>> {
  return configSchemas[c];
}

/** A kernel size, stride or pool size as `n` ints. */
export function ints(v: number | readonly number[], n: number): number[] {
  return typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
}
