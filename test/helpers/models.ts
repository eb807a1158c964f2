import type { ACTIVATIONS, ModelSpec } from '../../core/model/spec.ts';

/** A binary classifier on `inputDim` features: the hidden dense layers given (units, activation), then one sigmoid unit. */
export function binaryClassifier(
  inputDim: number,
  hidden: readonly [units: number, activation: (typeof ACTIVATIONS)[number]][],
): ModelSpec {
  return {
    inputDim,
    layers: [...hidden.map(([units, activation]) => ({ units, activation })), { units: 1, activation: 'sigmoid' }],
  };
}
