/**
 * Model specification shared by the coordinator (shapes, initial weights) and
 * the client trainer (tfjs model). A model is a stack of dense layers; its
 * parameters travel as one flat float32 vector in layer order, kernel
 * ([in, units], row-major) then bias ([units]) — the order tfjs's
 * `model.getWeights()` uses.
 */
import { z } from 'zod';

export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

export const denseLayerSchema = z.strictObject({
  units: z.number().int().min(1).max(4096),
  activation: z.enum(ACTIVATIONS),
});

export const modelSpecSchema = z
  .strictObject({
    inputDim: z.number().int().min(1).max(100_000),
    layers: z.array(denseLayerSchema).min(1).max(16),
  })
  .refine(
    (m) => {
      const last = m.layers[m.layers.length - 1];
      return last !== undefined && last.units === 1 && last.activation === 'sigmoid';
    },
    {
      message: 'the last layer must be {"units": 1, "activation": "sigmoid"} (binary classification)',
      path: ['layers'],
    },
  )
  .refine((m) => paramCount(m) <= MAX_PARAMS, { message: `model has more than ${1e7} parameters`, path: ['layers'] });

export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** Largest model a job may declare; bounds every tensor on the wire. */
export const MAX_PARAMS = 10_000_000;

export interface ParamShape {
  name: string;
  shape: number[];
  size: number;
}

/** Shape-only view of a model, so shapes can be computed while validating. */
export interface ModelShape {
  inputDim: number;
  layers: readonly { units: number }[];
}

export function paramShapes(spec: ModelShape): ParamShape[] {
  const out: ParamShape[] = [];
  let fanIn = spec.inputDim;
  spec.layers.forEach((layer, i) => {
    out.push({ name: `dense_${i}/kernel`, shape: [fanIn, layer.units], size: fanIn * layer.units });
    out.push({ name: `dense_${i}/bias`, shape: [layer.units], size: layer.units });
    fanIn = layer.units;
  });
  return out;
}

export function paramCount(spec: ModelShape): number {
  return paramShapes(spec).reduce((n, p) => n + p.size, 0);
}

/** Logistic regression: one sigmoid unit on `inputDim` features. */
export function logisticRegression(inputDim: number): ModelSpec {
  return { inputDim, layers: [{ units: 1, activation: 'sigmoid' }] };
}
