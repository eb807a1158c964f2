/**
 * The synthetic-EHR scenario's figures on a small job: each hospital's accuracy
 * is its operator's, over its own test split (not a ratio of the noisy counts
 * that left it, whose denominator is noisy too), and the pooled accuracy
 * weighs every test record the same. One round: the job ends right after the
 * entries recording the hospitals' spends are announced, so the ledger
 * verifies only if the scenario waits for the hospitals' copies to catch up.
 */
import { describe, expect, it } from 'vitest';
import { runSyntheticEhr } from '../../../simulations/synthetic-ehr/scenario.ts';

describe('synthetic-ehr figures', () => {
  it('per-hospital accuracy is correct / that hospital’s test records; pooled accuracy is example-weighted; the ledger verifies', async () => {
    const r = await runSyntheticEhr({ hospitals: 3, patientsPerHospital: 100, rounds: 1 });
    let correct = 0;
    let tested = 0;
    for (const h of r.hospitals) {
      expect(h.test).toBeGreaterThan(0);
      const k = h.accuracy * h.test;
      expect(Math.abs(k - Math.round(k)), `${h.name}: ${h.accuracy} of ${h.test}`).toBeLessThan(1e-6);
      correct += Math.round(k);
      tested += h.test;
    }
    expect(r.pooledAccuracy).toBeCloseTo(correct / tested, 9);
    expect(r.releasedAccuracy).not.toBeNull();
    expect(r.ledgerOk).toBe(true);
  }, 60_000);
});
