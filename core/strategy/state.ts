/**
 * What each strategy keeps between rounds, and its byte form for
 * persistence: little-endian float32 vectors of d values each, m first, then
 * v for the strategies that keep one. FedAvgM's state is 4d bytes, FedAdam's
 * and FedYogi's 8d; FedAvg and FedProx keep none.
 */
import { CohortError } from '../errors.ts';
import type { StrategyName } from '../job/spec.ts';
import type { ServerState } from './types.ts';

/** How many vectors of d values each strategy keeps: none, m alone, or m and v. */
export const STATE_VECTORS: Readonly<Record<StrategyName, 0 | 1 | 2>> = {
  fedavg: 0,
  fedprox: 0,
  fedavgm: 1,
  fedadam: 2,
  fedyogi: 2,
};

/** The vectors a state holds, m first: m alone, or m and v. */
export function stateVectors(s: ServerState): Float32Array[] {
  return s.v ? [s.m, s.v] : [s.m];
}

/** Throws E_STORE unless `s` holds exactly the vectors `strategy` keeps, each `length` values long. */
export function checkStateShape(strategy: StrategyName, s: ServerState, length: number): void {
  const want = STATE_VECTORS[strategy];
  const vectors = stateVectors(s);
  if (vectors.length !== want || vectors.some((x) => x.length !== length)) {
    throw new CohortError(
      'E_STORE',
      `${strategy} server state has ${vectors.map((x) => x.length).join('/')} values, expected ${want} × ${length}`,
    );
  }
}

export function encodeServerState(s: ServerState): Uint8Array {
  const d = s.m.length;
  const vectors = stateVectors(s);
  if (s.v && s.v.length !== d)
    throw new CohortError('E_INTERNAL', `server state m has ${d} values, v has ${s.v.length}`);
  const out = new Uint8Array(4 * d * vectors.length);
  const view = new DataView(out.buffer);
  vectors.forEach((x, k) => {
    for (let j = 0; j < d; j++) view.setFloat32(4 * (k * d + j), x[j]!, true);
  });
  return out;
}

/**
 * Decodes the state `strategy` keeps for a model with `length` parameters,
 * copying out of `bytes`. Throws E_STORE before allocating if the size is not
 * the strategy's, and for values no encoder of ours produced (non-finite m or
 * v, negative v).
 *
 * FedAvgM's state was once stored in the adaptive optimisers' form, m then a v
 * of zeros (8d bytes): such a row, from a database the previous version
 * wrote, still loads as m alone; a v other than zeros is refused.
 */
export function decodeServerState(bytes: Uint8Array, length: number, strategy: StrategyName): ServerState {
  const want = STATE_VECTORS[strategy];
  const legacy = want === 1 && bytes.byteLength === 8 * length;
  if (
    !Number.isSafeInteger(length) ||
    length < 0 ||
    want === 0 ||
    (!legacy && bytes.byteLength !== 4 * want * length)
  ) {
    throw new CohortError(
      'E_STORE',
      `${strategy} server state: expected ${4 * want * length} bytes for ${length} parameters, got ${bytes.byteLength}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = readVector(view, 0, length, (x) => Number.isFinite(x));
  if (legacy) readVector(view, 1, length, (x) => x === 0);
  if (want === 1) return { m };
  return { m, v: readVector(view, 1, length, (x) => Number.isFinite(x) && x >= 0) };
}

/** The `k`th vector of `length` values, each of which must pass `valid`. */
function readVector(view: DataView, k: number, length: number, valid: (x: number) => boolean): Float32Array {
  const out = new Float32Array(length);
  for (let j = 0; j < length; j++) {
    const x = view.getFloat32(4 * (k * length + j), true);
    if (!valid(x)) throw new CohortError('E_STORE', `server state: invalid value at ${k === 0 ? 'm' : 'v'}[${j}]`);
    out[j] = x;
  }
  return out;
}
