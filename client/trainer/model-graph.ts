/**
 * A graph model (core/model/graph.ts) as a tfjs LayersModel, built layer by
 * layer with tfjs's own layer constructors from the topology core has
 * validated and ordered: no JSON is handed to tfjs's deserialiser, so only
 * allow-listed classes and keys can reach it. Every initialiser is zeros (the
 * weights come from the coordinator), and the model's weights come out in
 * core's paramShapes order, which model.ts checks.
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { CohortError } from '../../core/errors.ts';
import { analyseGraph, type GraphLayer, type GraphModelSpec } from '../../core/model/graph.ts';
import type { LayerClass } from '../../core/model/graph-layers.ts';
import type { Task } from '../../core/model/task.ts';
import type { Tf } from './backend.ts';
import type { ModelHead } from './model.ts';

/** The tfjs-layers factory of each allowed class. */
const FACTORIES: { [C in Exclude<LayerClass, 'InputLayer'>]: keyof Tf['layers'] } = {
  Dense: 'dense',
  Conv1D: 'conv1d',
  Conv2D: 'conv2d',
  DepthwiseConv2D: 'depthwiseConv2d',
  SeparableConv2D: 'separableConv2d',
  MaxPooling1D: 'maxPooling1d',
  AveragePooling1D: 'averagePooling1d',
  MaxPooling2D: 'maxPooling2d',
  AveragePooling2D: 'averagePooling2d',
  GlobalMaxPooling1D: 'globalMaxPooling1d',
  GlobalAveragePooling1D: 'globalAveragePooling1d',
  GlobalMaxPooling2D: 'globalMaxPooling2d',
  GlobalAveragePooling2D: 'globalAveragePooling2d',
  Flatten: 'flatten',
  Reshape: 'reshape',
  Dropout: 'dropout',
  Activation: 'activation',
  Embedding: 'embedding',
  LayerNormalization: 'layerNormalization',
  BatchNormalization: 'batchNormalization',
  Add: 'add',
  Concatenate: 'concatenate',
};

/**
 * Config keys not passed on: the name (set apart), what core validated to a
 * single allowed value (data format, dilation, dtype, trainable, masking,
 * sparse), the input shape (the model's input is built here) and the
 * regularizers and constraints (null by the allow-list). Initialisers are
 * replaced by zeros.
 */
const DROPPED = new Set([
  'name',
  'trainable',
  'dtype',
  'batch_input_shape',
  'data_format',
  'dilation_rate',
  'noise_shape',
  'mask_zero',
  'input_length',
  'sparse',
]);

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** tfjs constructor arguments of a validated layer. */
function layerArgs(layer: GraphLayer): Record<string, unknown> {
  const args: Record<string, unknown> = { name: layer.name };
  for (const [key, value] of Object.entries(layer.config)) {
    if (DROPPED.has(key) || key.endsWith('_regularizer') || key.endsWith('_constraint')) continue;
    if (key.endsWith('_initializer')) args[camel(key)] = 'zeros';
    else if (value !== undefined && value !== null) args[camel(key)] = value;
  }
  return args;
}

/** The activation a task's probability head applies to the logits. */
export function taskActivation(task: Task): 'sigmoid' | 'softmax' | 'linear' {
  if (task.kind === 'binary' || task.kind === 'multilabel') return 'sigmoid';
  return task.kind === 'multiclass' ? 'softmax' : 'linear';
}

/** Name of the reshape from flat rows to the declared input shape: not a name a Keras layer gets. */
const INPUT_RESHAPE = 'cohort/input_reshape';

export function buildGraphModel(tf: Tf, spec: GraphModelSpec, head: ModelHead, task: Task): LayersModel {
  const info = analyseGraph(spec);
  const size = info.inputShape.reduce((a, b) => a * b, 1);
  const input = tf.input({ shape: [size] });
  const outputs = new Map<string, SymbolicTensor>();
  const [first, ...rest] = info.layers;
  let start: SymbolicTensor = input;
  if (info.inputShape.length > 1)
    start = tf.layers.reshape({ targetShape: info.inputShape, name: INPUT_RESHAPE }).apply(input) as SymbolicTensor;
  if (first!.className === 'InputLayer') outputs.set(first!.name, start);
  else outputs.set(first!.name, apply(tf, first!, [start]));
  for (const layer of rest)
    outputs.set(
      layer.name,
      apply(
        tf,
        layer,
        layer.inbound.map((n) => outputs.get(n)!),
      ),
    );
  let out = outputs.get(info.layers[info.layers.length - 1]!.name)!;
  const act = taskActivation(task);
  if (head === 'probability' && act !== 'linear')
    out = tf.layers.activation({ activation: act, name: 'cohort/task_head' }).apply(out) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function apply(tf: Tf, layer: GraphLayer, inputs: SymbolicTensor[]): SymbolicTensor {
  if (layer.className === 'InputLayer') throw new CohortError('E_INTERNAL', 'an InputLayer inside the graph');
  const factory = tf.layers[FACTORIES[layer.className]] as (args: Record<string, unknown>) => {
    apply(x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor | SymbolicTensor[];
  };
  const l = factory(layerArgs(layer));
  return l.apply(inputs.length === 1 ? inputs[0]! : inputs) as SymbolicTensor;
}
