import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  chaosPlan,
  SECAGG_PHASES,
  MIN_CHAOS_CLIENTS,
  MIN_CHAOS_ROUNDS,
  type Fault,
} from '../../../simulations/chaos/plan.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `site-${i}`);

describe('chaosPlan', () => {
  it('for any size and seed: every phase crashed once by distinct clients, every fault kind present, at most two clients lost per round', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_CHAOS_CLIENTS, max: 40 }),
        fc.integer({ min: MIN_CHAOS_ROUNDS, max: 30 }),
        fc.nat(),
        (n, rounds, seed) => {
          const plan = chaosPlan({ clients: names(n), rounds, seed });
          const crashes = plan.filter((f): f is Extract<Fault, { kind: 'client-crash' }> => f.kind === 'client-crash');
          expect(crashes.map((f) => f.phase).sort()).toEqual([...SECAGG_PHASES].sort());
          expect(new Set(crashes.map((f) => f.client)).size).toBe(SECAGG_PHASES.length);
          expect(new Set(plan.map((f) => f.kind))).toEqual(
            new Set([
              'client-crash',
              'network-stall',
              'network-cut',
              'client-restart',
              'coordinator-kill',
              'garbage',
              'clock-skew',
              'slow-client',
            ]),
          );
          for (let r = 1; r <= rounds; r++) {
            const lost = plan
              .filter((f) => 'round' in f && 'client' in f && f.round === r)
              .map((f) => (f as { client: string }).client);
            expect(lost.length).toBeLessThanOrEqual(2);
            expect(new Set(lost).size).toBe(lost.length);
          }
          for (const f of plan)
            if ('round' in f) {
              expect(f.round).toBeGreaterThanOrEqual(1);
              expect(f.round).toBeLessThanOrEqual(rounds);
            }
          const skew = plan.find((f) => f.kind === 'clock-skew')!;
          const slow = plan.find((f) => f.kind === 'slow-client')!;
          expect((skew as { client: string }).client).not.toBe((slow as { client: string }).client);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is a function of its seed', () => {
    const o = { clients: names(8), rounds: 8 };
    expect(chaosPlan({ ...o, seed: 3 })).toEqual(chaosPlan({ ...o, seed: 3 }));
    expect(chaosPlan({ ...o, seed: 3 })).not.toEqual(chaosPlan({ ...o, seed: 4 }));
  });

  it('refuses runs too small to lose two clients a round or to fit every fault', () => {
    expect(() => chaosPlan({ clients: names(MIN_CHAOS_CLIENTS - 1), rounds: 8, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG_INVALID' }),
    );
    expect(() => chaosPlan({ clients: names(8), rounds: MIN_CHAOS_ROUNDS - 1, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG_INVALID' }),
    );
  });
});
