import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import { compose } from '../../../core/privacy/pld-pmf.ts';
import { composeSampledGaussianPlds, pldDeltaFor, pldEpsilon, sampledGaussianPld } from '../../../core/privacy/pld.ts';
import { rdpEpsilon } from '../../../core/privacy/conversion.ts';
import { accountSpend, type Mechanism } from '../../../core/privacy/spend.ts';

const sg = (q: number, sigma: number, steps: number): Mechanism => ({ kind: 'sampled-gaussian', q, sigma, steps });

describe('composing different PLDs', () => {
  // google/differential-privacy, python/dp_accounting/pld/pld_privacy_accountant_test.py, test_gaussian_basic:
  // σ = √3 composed 3 times → δ(ε = 1) = 0.126936 (assertAlmostEqual delta 1e-3). Here the three steps are
  // one run of 1 and one of 2, joined by the two-PLD convolution instead of the self-composition.
  it('σ = √3 once then twice gives the published δ(1) = 0.126936', () => {
    const pld = composeSampledGaussianPlds([
      { q: 1, sigma: Math.sqrt(3), steps: 1 },
      { q: 1, sigma: Math.sqrt(3), steps: 2 },
    ]);
    expect(Math.abs(pldDeltaFor(pld, 1) - 0.126936)).toBeLessThan(1e-3);
  });

  it('convolving a run with itself matches composing it by self-convolution', () => {
    const one = sampledGaussianPld({ q: 0.05, sigma: 1.2, steps: 40 });
    const both = sampledGaussianPld({ q: 0.05, sigma: 1.2, steps: 80 });
    const joined = { remove: compose(one.remove, one.remove, 2 ** 22), add: compose(one.add, one.add, 2 ** 22) };
    for (const eps of [0.5, 1, 2]) {
      const a = pldDeltaFor(joined, eps);
      const b = pldDeltaFor(both, eps);
      expect(Math.abs(a - b), `ε=${eps}`).toBeLessThan(1e-9 + 1e-6 * b);
    }
  });

  it('rejects PLDs on different grids', () => {
    const a = sampledGaussianPld({ q: 1, sigma: 1, steps: 1, discretization: 1e-3 });
    const b = sampledGaussianPld({ q: 1, sigma: 1, steps: 1, discretization: 1e-4 });
    expect(errorCode(() => compose(a.remove, b.remove, 2 ** 22))).toBe('E_PRIVACY_PARAMS');
  });
});

describe('accountSpend', () => {
  it('one run reports the single-run accountants exactly', () => {
    const r = accountSpend([sg(0.04, 1.5, 300)], 1e-5, 'pld');
    expect(r.pld).toBeCloseTo(pldEpsilon({ q: 0.04, sigma: 1.5, steps: 300, delta: 1e-5 }), 9);
    expect(r.rdp.epsilon).toBeCloseTo(rdpEpsilon({ q: 0.04, sigma: 1.5, steps: 300, delta: 1e-5 }).epsilon, 12);
    expect(r.epsilon).toBe(r.pld);
    expect(r.bound).toBe('pld');
    // PLD is the tighter bound on DP-SGD settings (8–25 % on typical ones).
    expect(r.pld!).toBeLessThan(r.rdp.epsilon);
    expect(accountSpend([sg(0.04, 1.5, 300)], 1e-5, 'rdp').epsilon).toBe(r.rdp.epsilon);
  });

  it('rounds of one job merge: 10 rounds of 30 steps cost what 300 steps cost', () => {
    const rounds = Array.from({ length: 10 }, () => sg(0.04, 1.5, 30));
    const a = accountSpend(rounds, 1e-5, 'pld');
    const b = accountSpend([sg(0.04, 1.5, 300)], 1e-5, 'pld');
    expect(a.pld).toBe(b.pld);
    expect(a.rdp.epsilon).toBe(b.rdp.epsilon);
  });

  it('two jobs with different mechanisms cost more than either and at most the sum', () => {
    const a = sg(0.05, 1.1, 200);
    const b = sg(0.2, 3, 50);
    const ea = accountSpend([a], 1e-5, 'pld').epsilon;
    const eb = accountSpend([b], 1e-5, 'pld').epsilon;
    const both = accountSpend([a, b], 1e-5, 'pld');
    expect(both.epsilon).toBeGreaterThan(Math.max(ea, eb));
    expect(both.epsilon).toBeLessThan(ea + eb);
    expect(both.pld!).toBeLessThanOrEqual(both.rdp.epsilon);
  });

  // Both bounds are valid, so `pld` charges the smaller and names it. The cases are real ones, not forced:
  // PLD's pessimism (tails truncated at e^−50 per step, 1e-15 per composition, sent to +∞) costs more than
  // RDP's conversion slack only at very small δ.
  describe('charges the smaller valid bound under pld, and names it', () => {
    it('RDP < PLD: one Gaussian (q = 1, σ = 2) at δ = 1e-20 is charged RDP', () => {
      const r = accountSpend([sg(1, 2, 1)], 1e-20, 'pld');
      // Balle & Wang 2018, Thm. 8: the exact ε is 4.595443 (mpmath, 60 digits); both bounds lie above it.
      expect(r.rdp.epsilon).toBeGreaterThan(4.595443);
      expect(r.rdp.epsilon).toBeLessThan(r.pld!); // 4.7148 vs 4.9930
      expect(r.bound).toBe('rdp');
      expect(r.epsilon).toBe(r.rdp.epsilon);
      expect(r.pld).not.toBeNull(); // still reported beside it
    });

    it("RDP < PLD: 400 DP-SGD steps at δ = 1e-16, below the PLD's truncated tail mass, are charged RDP, not ∞", () => {
      const r = accountSpend([sg(0.05, 2, 400)], 1e-16, 'pld');
      expect(r.pld).toBe(Infinity);
      expect(r.bound).toBe('rdp');
      expect(r.epsilon).toBe(r.rdp.epsilon);
      expect(r.epsilon).toBeCloseTo(5.0073, 3);
    });

    it('PLD < RDP: the usual DP-SGD case is charged PLD', () => {
      const r = accountSpend([sg(0.05, 2, 400)], 1e-5, 'pld');
      expect(r.pld!).toBeLessThan(r.rdp.epsilon);
      expect(r.bound).toBe('pld');
      expect(r.epsilon).toBe(r.pld);
    });

    it('rdp charges RDP alone, even where PLD is smaller', () => {
      const r = accountSpend([sg(0.05, 2, 400)], 1e-5, 'rdp');
      expect(r.pld!).toBeLessThan(r.rdp.epsilon);
      expect(r.bound).toBe('rdp');
      expect(r.epsilon).toBe(r.rdp.epsilon);
    });

    it('property: under pld the charge is min(PLD ε, RDP ε) and bound names it', () => {
      fc.assert(
        fc.property(
          fc.double({ min: 0.01, max: 1, noNaN: true }),
          fc.double({ min: 0.8, max: 10, noNaN: true }),
          fc.integer({ min: 1, max: 50 }),
          fc.constantFrom(1e-5, 1e-12, 1e-18),
          (q, sigma, steps, delta) => {
            const r = accountSpend([sg(q, sigma, steps)], delta, 'pld');
            expect(r.epsilon).toBe(Math.min(r.pld!, r.rdp.epsilon));
            expect(r.epsilon).toBe(r.bound === 'pld' ? r.pld : r.rdp.epsilon);
          },
        ),
        { numRuns: 10, seed: 11 },
      );
    });
  });

  it('nothing spent is ε = 0; bad δ is a typed error', () => {
    expect(accountSpend([], 1e-5, 'pld').epsilon).toBe(0);
    expect(accountSpend([sg(0.1, 1, 0)], 1e-5, 'rdp').epsilon).toBe(0);
    for (const d of [0, 1, -1, NaN])
      expect(errorCode(() => accountSpend([sg(0.1, 1, 1)], d, 'pld'))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => accountSpend([sg(1.5, 1, 1)], 1e-5, 'pld'))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => accountSpend([sg(0.1, NaN, 1)], 1e-5, 'pld'))).toBe('E_PRIVACY_PARAMS');
  });

  it('property: adding a mechanism never lowers ε, by either accountant', () => {
    const run = fc.record({
      q: fc.double({ min: 0.001, max: 0.3, noNaN: true }),
      sigma: fc.double({ min: 1, max: 10, noNaN: true }),
      steps: fc.integer({ min: 1, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 3 }), run, (runs, extra) => {
        const ms = runs.map((r) => sg(r.q, r.sigma, r.steps));
        const before = accountSpend(ms, 1e-5, 'pld');
        const after = accountSpend([...ms, sg(extra.q, extra.sigma, extra.steps)], 1e-5, 'pld');
        expect(after.rdp.epsilon).toBeGreaterThanOrEqual(before.rdp.epsilon);
        // The PLD grid is pessimistic per composition: allow its discretisation (1e-4 per step).
        expect(after.pld!).toBeGreaterThanOrEqual(before.pld! - 1e-3);
      }),
      { numRuns: 8, seed: 7 },
    );
  });
});
