/**
 * A model's parameter tensors as the flat weight vector lists them
 * (tfjs `model.getWeights()` order), shared by the dense and graph forms.
 */

/** Largest model a job may declare; bounds every tensor on the wire. */
export const MAX_PARAMS = 10_000_000;

/** What a tensor is, which decides its initial values (core/model/init.ts). */
export type ParamRole =
  | 'kernel'
  | 'depthwise_kernel'
  | 'pointwise_kernel'
  | 'bias'
  | 'embeddings'
  | 'gamma'
  | 'beta'
  | 'moving_mean'
  | 'moving_variance';

export interface ParamShape {
  /** `<layer>/<role>`, as tfjs names the weight. */
  name: string;
  shape: number[];
  size: number;
  role: ParamRole;
  /** False for BatchNormalization's moving statistics: tfjs lists them after every trainable weight. */
  trainable: boolean;
}

export function param(layer: string, role: ParamRole, shape: number[], trainable = true): ParamShape {
  return { name: `${layer}/${role}`, shape, size: shape.reduce((a, b) => a * b, 1), role, trainable };
}
