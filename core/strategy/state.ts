/**
 * Byte form of the adaptive optimisers' server state for persistence:
 * little-endian float32 m (d values) then v (d values), 8d bytes in all.
 */
import { CohortError } from '../errors.ts';
import type { ServerState } from './types.ts';

export function encodeServerState(s: ServerState): Uint8Array {
  const d = s.m.length;
  if (s.v.length !== d) throw new CohortError('E_INTERNAL', `server state m has ${d} values, v has ${s.v.length}`);
  const out = new Uint8Array(8 * d);
  const view = new DataView(out.buffer);
  for (let j = 0; j < d; j++) {
    view.setFloat32(4 * j, s.m[j]!, true);
    view.setFloat32(4 * (d + j), s.v[j]!, true);
  }
  return out;
}

/**
 * Decodes the state of a model with `length` parameters, copying out of
 * `bytes`. Throws E_STORE before allocating if the size is not 8·length, and
 * for values no encoder of ours produced (non-finite m or v, negative v).
 */
export function decodeServerState(bytes: Uint8Array, length: number): ServerState {
  if (!Number.isSafeInteger(length) || length < 0 || bytes.byteLength !== 8 * length) {
    throw new CohortError(
      'E_STORE',
      `server state: expected ${8 * length} bytes for ${length} parameters, got ${bytes.byteLength}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = new Float32Array(length);
  const v = new Float32Array(length);
  for (let j = 0; j < length; j++) {
    const mj = view.getFloat32(4 * j, true);
    const vj = view.getFloat32(4 * (length + j), true);
    if (!Number.isFinite(mj) || !Number.isFinite(vj) || vj < 0) {
      throw new CohortError('E_STORE', `server state: invalid value at index ${j}`);
    }
    m[j] = mj;
    v[j] = vj;
  }
  return { m, v };
}
