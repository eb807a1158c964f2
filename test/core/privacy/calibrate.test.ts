import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import { MAX_SIGMA, SIGMA_REL_TOL, calibrateSigma, rdpEpsilon } from '../../../core/privacy/index.ts';
import { OPACUS_ALPHAS, TF_DPSGD_ORDERS } from './orders.ts';

describe('published vectors', () => {
  // pytorch/opacus, opacus/tests/accountants_test.py, test_get_noise_multiplier_rdp_epochs / _steps:
  // ε = 8, δ = 1e-5, q = 0.04 → σ ≈ 1.416 (epochs = 90, i.e. 2250 steps) and 1.3562 (2000 steps),
  // asserted to 4 places. Opacus (opacus/accountants/utils.py) bisects σ on [0, 20] and returns the
  // upper end once ε is within 0.01 below the target, so its σ meets the target but may exceed the
  // smallest such σ; ours must meet it, not exceed Opacus's (up to its 4-place rounding), and lie
  // within the slack its ε tolerance allows.
  it.each([
    [2250, 1.416],
    [2000, 1.3562],
  ])('Opacus get_noise_multiplier: %d steps → at most %d', (steps, opacus) => {
    const sigma = calibrateSigma({ targetEpsilon: 8, delta: 1e-5, q: 0.04, steps, orders: OPACUS_ALPHAS });
    expect(sigma).toBeLessThanOrEqual(opacus + 5e-5);
    expect(sigma).toBeGreaterThan(opacus - 2e-3);
    expect(rdpEpsilon({ q: 0.04, sigma, steps, delta: 1e-5, orders: OPACUS_ALPHAS }).epsilon).toBeLessThanOrEqual(8);
  });

  // Inverting tensorflow/privacy compute_dp_sgd_privacy_test.py test_compute_dp_sgd_privacy: there
  // σ = 1.3 (resp. 1.0) gives the published ε, so calibrating to that ε must give σ back to within
  // SIGMA_REL_TOL (rounded up).
  it.each([
    [60000, 150, 1.3, 15, 1e-5, 0.7242234026109595],
    [100000, 100, 1.0, 30, 1e-7, 1.4154988495444842],
  ])(
    'TF Privacy compute_dp_sgd_privacy n = %d, batch %d: calibrating to the published ε gives σ = %d back',
    (n, batch, published, epochs, delta, eps) => {
      const sigma = calibrateSigma({
        targetEpsilon: eps,
        delta,
        q: batch / n,
        steps: Math.ceil((epochs * n) / batch),
        orders: TF_DPSGD_ORDERS,
      });
      expect(sigma).toBeGreaterThanOrEqual(published * (1 - 1e-9));
      expect(sigma).toBeLessThanOrEqual(published * (1 + SIGMA_REL_TOL));
    },
  );
});

describe('round trip', () => {
  it('ε(σ) ≤ target and ε(0.99σ) > target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 10, noNaN: true }),
        fc.constantFrom(1e-5, 1e-6, 1e-8),
        fc.double({ min: 1e-3, max: 0.2, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (targetEpsilon, delta, q, steps) => {
          const orders = [1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 128, 256];
          const eps = (sigma: number) => rdpEpsilon({ q, sigma, steps, delta, orders }).epsilon;
          const sigma = calibrateSigma({ targetEpsilon, delta, q, steps, orders });
          expect(eps(sigma)).toBeLessThanOrEqual(targetEpsilon);
          expect(eps(0.99 * sigma)).toBeGreaterThan(targetEpsilon);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('uses a custom accountant, bisecting to relative SIGMA_REL_TOL from either side of σ = 1', () => {
    for (const [scale, target] of [
      [3, 1.5],
      [0.01, 2],
      [500, 0.25],
    ] as const) {
      const sigma = calibrateSigma({
        targetEpsilon: target,
        delta: 1e-5,
        q: 0.1,
        steps: 10,
        accountant: (s) => scale / s,
      });
      const exact = scale / target;
      expect(sigma).toBeGreaterThanOrEqual(exact);
      expect(sigma).toBeLessThanOrEqual(exact * (1 + SIGMA_REL_TOL));
    }
  });
});

describe('unreachable targets and invalid options give E_PRIVACY_PARAMS', () => {
  const bad = (f: () => unknown) => expect(errorCode(f)).toBe('E_PRIVACY_PARAMS');
  const base = { targetEpsilon: 1, delta: 1e-5, q: 0.01, steps: 100 };

  it('target ε not a finite number > 0', () => {
    for (const targetEpsilon of [0, -1, NaN, Infinity, '1'])
      bad(() => calibrateSigma({ ...base, targetEpsilon: targetEpsilon as number }));
  });

  it('δ, q, steps or orders out of range', () => {
    for (const delta of [0, 1, -1e-5, NaN]) bad(() => calibrateSigma({ ...base, delta }));
    for (const q of [-0.1, 1.5, NaN]) bad(() => calibrateSigma({ ...base, q }));
    for (const steps of [-1, 2.5, NaN]) bad(() => calibrateSigma({ ...base, steps }));
    bad(() => calibrateSigma({ ...base, orders: [1] }));
  });

  it('nothing released (q = 0 or no steps): no σ to find', () => {
    bad(() => calibrateSigma({ ...base, q: 0 }));
    bad(() => calibrateSigma({ ...base, steps: 0 }));
  });

  it('a target below what any σ up to MAX_SIGMA reaches', () => {
    // With δ = 1e-30 the orders' conversion floor, min over α of log(1 − 1/α) − log(δα)/(α − 1),
    // is about 0.06 at α = 256, so ε = 0.01 is out of reach however large σ is.
    bad(() => calibrateSigma({ targetEpsilon: 0.01, delta: 1e-30, q: 0.5, steps: 10, orders: [2, 8, 32, 256] }));
    bad(() => calibrateSigma({ ...base, accountant: () => 5 }));
    expect(MAX_SIGMA).toBeGreaterThan(1e6);
  });

  it('an accountant that needs no noise at all, or returns NaN', () => {
    bad(() => calibrateSigma({ ...base, accountant: () => 0 }));
    bad(() => calibrateSigma({ ...base, accountant: () => NaN }));
  });
});
