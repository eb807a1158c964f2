/**
 * Flat float32 parameter vectors and their wire form (raw little-endian bytes).
 */
import { CohortError } from '../errors.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function vectorToBytes(v: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  v.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return out;
}

/**
 * Decodes `bytes` as `expectedLength` float32 values, copying so the result is
 * aligned and independent of the frame buffer. Rejects a wrong length before
 * allocating and any NaN or Infinity.
 */
export function bytesToVector(bytes: Uint8Array, expectedLength: number): Float32Array {
  if (bytes.byteLength !== expectedLength * 4) {
    throw new CohortError(
      'E_UPDATE_LENGTH',
      `expected ${expectedLength} float32 values (${expectedLength * 4} bytes), got ${bytes.byteLength} bytes`,
    );
  }
  const out = new Float32Array(expectedLength);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < expectedLength; i++) out[i] = view.getFloat32(i * 4, true);
  }
  assertFinite(out);
  return out;
}

export function assertFinite(v: Float32Array): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new CohortError('E_UPDATE_NONFINITE', `value at index ${i} is not finite`);
  }
}

export function l2Norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
