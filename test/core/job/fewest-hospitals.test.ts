/**
 * fewestHospitals asks the secure-aggregation parameter rules themselves:
 * one hospital fewer than it says has no threshold both secure and live,
 * and it moves with the job's settings.
 */
import { describe, expect, it } from 'vitest';
import { fewestHospitals } from '../../../core/job/fewest-hospitals.ts';
import { secureAggregationSchema } from '../../../core/job/spec.ts';
import { chooseParams } from '../../../core/secagg/params.ts';

describe('fewestHospitals', () => {
  it('is 3 under the defaults: two hospitals, one assumed corrupt, cannot run a round', () => {
    const sa = secureAggregationSchema.parse({});
    expect(fewestHospitals(sa)).toBe(3);
    expect(() => chooseParams({ n: 2, dropoutFraction: sa.dropoutFraction, corrupt: 1 })).toThrow(/no threshold/);
    expect(() => chooseParams({ n: 3, dropoutFraction: sa.dropoutFraction, corrupt: 1 })).not.toThrow();
  });

  it('is 2 when no hospital is assumed to collude', () => {
    expect(fewestHospitals(secureAggregationSchema.parse({ corruptFraction: 0 }))).toBe(2);
  });

  it('grows with the colluders the spec assumes', () => {
    expect(fewestHospitals(secureAggregationSchema.parse({ corruptClients: 2 }))).toBe(4);
  });
});
