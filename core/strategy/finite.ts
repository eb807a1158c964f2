/**
 * The last check before a round's aggregate is committed: every new global
 * weight and every value of the server optimiser's state must be finite
 * (and each second moment v, where the strategy keeps one, ≥ 0), or the
 * round fails and the previous weights stay (issue 16, finding 2). Bounded
 * inputs keep honest aggregates far from float32's range; this catches
 * whatever still overflows, in every strategy alike, so nothing the store or
 * the hospitals would refuse to read back is ever written.
 */
import { CohortError } from '../errors.ts';
import type { AggregateOutput, ServerState } from './types.ts';

function firstNonFinite(v: ArrayLike<number>): number {
  for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j]!)) return j;
  return -1;
}

/** Throws E_AGGREGATE_NONFINITE naming the first bad value; returns `out` unchanged otherwise. */
export function checkAggregate(out: AggregateOutput): AggregateOutput {
  const w = firstNonFinite(out.weights);
  if (w >= 0) throw new CohortError('E_AGGREGATE_NONFINITE', `aggregated weight ${w} is ${out.weights[w]}`);
  if (out.state) checkServerState(out.state);
  return out;
}

/** Throws E_AGGREGATE_NONFINITE for a server state the store could not read back (core/strategy/state.ts decodeServerState). */
export function checkServerState(s: ServerState): void {
  const m = firstNonFinite(s.m);
  if (m >= 0) throw new CohortError('E_AGGREGATE_NONFINITE', `server state m[${m}] is ${s.m[m]}`);
  if (!s.v) return;
  const v = firstNonFinite(s.v);
  if (v >= 0) throw new CohortError('E_AGGREGATE_NONFINITE', `server state v[${v}] is ${s.v[v]}`);
  for (let j = 0; j < s.v.length; j++)
    if (s.v[j]! < 0) throw new CohortError('E_AGGREGATE_NONFINITE', `server state v[${j}] is negative`);
}
