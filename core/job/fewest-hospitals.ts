/**
 * The fewest hospitals a network can have for a job's securely aggregated
 * rounds to run with all of them taking part: what a scenario checks its
 * hospital count against before it generates or trains anything, rather
 * than fail its first round (E_JOB_FAILED) once everything is running.
 */
import { CohortError } from '../errors.ts';
import { chooseParams, MAX_CLIENTS } from '../secagg/params.ts';
import { roundCorrupt, settleCorruptClients } from './privacy.ts';
import type { SecureAggregationSpec } from './spec.ts';

/**
 * The smallest n for which core/secagg/params.ts finds a threshold both
 * secure and live for a round of all n hospitals of a network of n: the
 * colluders settled as resolveJob and roundCorrupt settle them, the spec's
 * dropout fraction. Asked of chooseParams itself rather than kept as a
 * number, so it follows the parameter rules: under the spec's defaults it is
 * 3, since two clients, one of them assumed corrupt, have no such threshold.
 * E_SECAGG_PARAMS if no network of up to MAX_CLIENTS can.
 */
export function fewestHospitals(sa: SecureAggregationSpec): number {
  for (let n = 2; n <= MAX_CLIENTS; n++) {
    const corrupt = roundCorrupt({ secureAggregation: settleCorruptClients(sa, n) }, n);
    try {
      chooseParams({ n, dropoutFraction: sa.dropoutFraction, corrupt });
      return n;
    } catch (err) {
      if (!(err instanceof CohortError) || err.code !== 'E_SECAGG_PARAMS') throw err;
    }
  }
  throw new CohortError(
    'E_SECAGG_PARAMS',
    `no network of up to ${MAX_CLIENTS} hospitals can run a round under these secure-aggregation settings`,
  );
}
