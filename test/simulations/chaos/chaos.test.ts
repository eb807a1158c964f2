/**
 * The chaos run end to end (simulations/chaos/): a coordinator and six
 * hospitals in their own processes under every fault of the seeded plan, and
 * the same run without faults. Everything the report promises is asserted.
 */
import { describe, it, expect } from 'vitest';
import { runChaos, type ChaosReport } from '../../../simulations/chaos/run.ts';

describe('simulate chaos', () => {
  it('completes every round under every fault, with exact epsilon, no double charge, a verifying ledger and the fault-free accuracy', async () => {
    const o = { clients: 6, rounds: 4, seed: 1 };
    const baseline = await runChaos({ ...o, faults: false });
    expect(baseline.jobStatus).toBe('completed');
    expect(baseline.roundsRetried).toBe(0);
    const r: ChaosReport = await runChaos(o);
    expect(r.jobStatus).toBe('completed');
    expect(r.faultsInjected.filter((f) => !f.fired)).toEqual([]);
    expect(r.roundsCompleted).toBe(o.rounds);
    expect(r.roundsRetried).toBeGreaterThanOrEqual(1); // at least the round the coordinator's kill aborted
    expect(r.coordinatorRestarts).toBe(1);
    expect(r.clientRestarts).toBeGreaterThanOrEqual(6); // five crashes and one restart
    for (const [h, e] of Object.entries(r.epsilon)) {
      expect(e.ledger, h).toBeCloseTo(e.accountant, 9);
      expect(e.duplicateCharges, h).toBe(0);
      // A hospital pays for every round it trained in, at least those whose sum held its update.
      expect(e.chargedRounds.length, h).toBeGreaterThanOrEqual(e.roundsInSum);
    }
    expect(r.epsilonMatches).toBe(true);
    expect(r.ledger).toMatchObject({ ok: true, failures: [] });
    expect(r.ledger.spendsWitnessed).toBeGreaterThan(0);
    expect(r.garbage!.frames).toBe(2000);
    expect(Object.keys(r.garbage!.closes).length).toBeGreaterThan(0);
    expect(Math.abs(r.finalAccuracy - baseline.finalAccuracy)).toBeLessThanOrEqual(0.02);
  }, 600_000);
});
