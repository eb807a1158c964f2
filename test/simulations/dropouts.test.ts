import { describe, it, expect } from 'vitest';
import { runDropouts, PHASES } from '../../simulations/dropouts.ts';

describe('simulate dropouts: 20 hospitals, a crash before every secure-aggregation phase of every round', () => {
  it('completes every round with exactly the clients that sent a masked input in the sum', async () => {
    const r = await runDropouts({ clients: 20, rounds: 3, seed: 4 });
    expect(r.roundsCompleted).toBe(3);
    expect(r.roundsFailed).toBe(0);
    let crashesSeen = 0;
    for (const round of r.rounds) {
      const c = round.phaseCounts!;
      const counts = [round.participants.length, c.advertise, c.share, c.masked, c.consistency, c.unmask];
      PHASES.forEach((phase, i) => {
        const victim = round.crashed[phase];
        if (!round.participants.includes(victim)) return;
        crashesSeen++;
        // The victim is missing from this phase on: the count drops by one here.
        expect(counts[i + 1], `${phase} in round ${round.round}`).toBe(counts[i]! - 1);
        // Crashing before the masked input keeps the input out; after it, the input is in the sum.
        expect(round.dropped.includes(victim)).toBe(i <= 2);
      });
      expect(round.dropped.length).toBe(round.participants.length - c.masked);
    }
    expect(crashesSeen).toBeGreaterThanOrEqual(10);
    expect(r.finalAccuracy).toBeGreaterThan(0.8);
  });
});
