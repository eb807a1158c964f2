/**
 * Graph models built with tfjs itself (Sequential and functional), whose
 * `toJSON(null, false)` topology core must read: the weights' shapes and
 * order, the parameter count and the output shape are tfjs's own, so the
 * tests compare core's inference against them.
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import type { Tf } from '../../../client/trainer/index.ts';

type Apply = (x: SymbolicTensor | SymbolicTensor[]) => SymbolicTensor;
const ap = (layer: { apply: (...args: never[]) => unknown }): Apply => layer.apply.bind(layer) as Apply;

/** conv, pool, conv (same, stride 2), average pool, flatten, dense, dropout, dense: the fed-pneumonia shape of CNN. */
export function cnn(tf: Tf): LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: [3, 5], strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}

/**
 * A residual block (Add), LayerNormalization, SeparableConv2D (depth
 * multiplier 1: tfjs 4.22's toJSON leaves a SeparableConv2D's
 * depth_multiplier out, so tfjs itself would rebuild a larger one as 1),
 * DepthwiseConv2D and a Concatenate of two pooled branches. The shallow
 * branch is created first, so tfjs's layer order (by depth) differs from
 * the order the layers were created in.
 */
export function residual(tf: Tf): LayersModel {
  const input = tf.input({ shape: [9, 9, 3] });
  const side = ap(tf.layers.globalMaxPooling2d({}))(ap(tf.layers.conv2d({ filters: 5, kernelSize: 1 }))(input));
  const c1 = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }))(input);
  const c2 = ap(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }))(c1);
  const sum = ap(tf.layers.add({}))([c1, c2]);
  const norm = ap(tf.layers.layerNormalization({}))(sum);
  const sep = ap(tf.layers.separableConv2d({ filters: 6, kernelSize: 3 }))(norm);
  const dw = ap(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, useBias: false }))(sep);
  const pooled = ap(tf.layers.globalAveragePooling2d({}))(dw);
  const cat = ap(tf.layers.concatenate({}))([pooled, side]);
  const out = ap(tf.layers.dense({ units: 3 }))(cat);
  return tf.model({ inputs: input, outputs: out });
}

/** Token indices through an Embedding, then GlobalAveragePooling1D beside Conv1D + GlobalMaxPooling1D, concatenated. */
export function embedding(tf: Tf): LayersModel {
  const input = tf.input({ shape: [10] });
  const e = ap(tf.layers.embedding({ inputDim: 50, outputDim: 8 }))(input);
  const avg = ap(tf.layers.globalAveragePooling1d({}))(e);
  const conv = ap(tf.layers.conv1d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }))(e);
  const max = ap(tf.layers.globalMaxPooling1d({}))(conv);
  const cat = ap(tf.layers.concatenate({}))([avg, max]);
  const d1 = ap(tf.layers.dense({ units: 11, activation: 'gelu' as 'relu' }))(cat);
  const d2 = ap(tf.layers.dense({ units: 11 }))(d1);
  const res = ap(tf.layers.add({}))([d1, d2]);
  return tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 1 }))(res) });
}

/** Conv1D and 1-D pooling on a reshaped row, then BatchNormalization (its moving statistics go last in tfjs's order). */
export function sequence(tf: Tf): LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [24] }));
  m.add(tf.layers.reshape({ targetShape: [12, 2] }));
  m.add(tf.layers.conv1d({ filters: 4, kernelSize: 3, activation: 'elu' }));
  m.add(tf.layers.batchNormalization({}));
  m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
  m.add(tf.layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.activation({ activation: 'selu' }));
  m.add(tf.layers.dense({ units: 4 }));
  return m;
}

export const TOPOLOGIES = { cnn, residual, embedding, sequence } as const;

/** What `model.toJSON(null, false)` writes, as a plain object. */
export function topology(model: LayersModel): Record<string, unknown> {
  return JSON.parse(JSON.stringify(model.toJSON(null, false))) as Record<string, unknown>;
}
