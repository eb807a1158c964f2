/**
 * The door into DatasetSplit for images: pixels that went through the image
 * intake (decoded, resized, normalised by declared constants), or made up by
 * simulations and tests. Images are not records with identifying columns, so
 * there is nothing to de-identify; the brand still means "only these tensors".
 */
import { CohortError } from '../errors.ts';
import { brandSplit, type DatasetSplit, type ImageShape } from './types.ts';

export type { ImageShape } from './types.ts';

/**
 * Checks shapes and labels, then brands the tensors: x is n × (h·w·c) values in
 * NHWC row-major order (d = h·w·c); y is one class index per image, an integer
 * in [0, classCount) (with two classes, binary 0/1 as core/model/task.ts lays out).
 */
export function imageSplit(x: Float32Array, y: Float32Array, shape: ImageShape, classCount: number): DatasetSplit {
  if (!(x instanceof Float32Array) || !(y instanceof Float32Array))
    throw new CohortError('E_CONFIG_INVALID', 'imageSplit takes Float32Array tensors');
  const d = shape.height * shape.width * shape.channels;
  if (!Number.isInteger(d) || d < 1 || x.length !== y.length * d)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `imageSplit: x has ${x.length} values, expected ${y.length} images x ${d}`,
    );
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classCount)
      throw new CohortError('E_CONFIG_INVALID', `imageSplit: labels must be class indices in [0, ${classCount})`);
  }
  return brandSplit({ x, y, n: y.length, d });
}
