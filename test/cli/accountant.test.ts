import { describe, it, expect } from 'vitest';
import { cohort, expectFailure } from '../helpers/cli.ts';
import { privacySpecSchema } from '../../core/job/spec.ts';

describe('cohort accountant', () => {
  // Opacus opacus/tests/accountants_test.py: q 0.04, sigma 1.5, 2250 steps, delta 1e-5 -> eps 7.32911117143.
  it('prints epsilon for a delta, and delta back for that epsilon', () => {
    const e = cohort(
      ...['accountant', '--q', '0.04', '--sigma', '1.5', '--steps', '2250', '--delta', '1e-5', '--accountant', 'rdp'],
      '--json',
    );
    const r = JSON.parse(e.out);
    expect(r.epsilon).toBeCloseTo(7.32911117143, 8);
    expect(r.order).toBe(3.9);
    expect(r.rdp).toHaveLength(156);
    const d = cohort(
      ...['accountant', '--q', '0.04', '--sigma', '1.5', '--steps', '2250', '--epsilon', String(r.epsilon), '--json'],
      ...['--accountant', 'rdp'],
    );
    expect(JSON.parse(d.out).delta).toBeCloseTo(1e-5, 12);
  });

  it('uses the orders it is given', () => {
    const r = JSON.parse(
      cohort(
        ...[
          'accountant',
          '--q',
          '0.04',
          '--sigma',
          '1.5',
          '--steps',
          '2250',
          '--delta',
          '1e-5',
          '--orders',
          '2,3,4.5',
          '--accountant',
          'rdp',
          '--json',
        ],
      ).out,
    );
    expect(r.rdp.map((x: { order: number }) => x.order)).toEqual([2, 3, 4.5]);
    expect(r.epsilon).toBeGreaterThan(7.32911117143); // fewer orders: a looser bound
  });

  it('calibrates sigma for a target (Opacus get_noise_multiplier: 1.3562 for eps 8, 2000 steps)', () => {
    const r = JSON.parse(
      cohort(
        ...['accountant', 'calibrate', '--epsilon', '8', '--delta', '1e-5', '--q', '0.04', '--steps', '2000', '--json'],
        ...['--accountant', 'rdp'],
      ).out,
    );
    expect(r.sigma).toBeCloseTo(1.3562, 3);
    expect(r.epsilon).toBeLessThanOrEqual(8);
  });

  // One Gaussian release at (16, 1e-5): the exact σ (Balle & Wang 2018, Thm. 8) is 0.3441774284964994, dp_accounting's
  // get_sigma_gaussian(16, 1e-5) (google/differential-privacy b5b0286, python/dp_accounting/dp_accounting/gaussian_mechanism.py).
  // Bracketing tries σ = 0.25, where the PLD's loss at its grid edge used to be −∞ (E_PRIVACY_PARAMS).
  it('calibrates one plain Gaussian step (q = 1) by PLD: sigma = 0.344, as dp_accounting', () => {
    const r = cohort(
      ...[
        'accountant',
        'calibrate',
        '--epsilon',
        '16',
        '--delta',
        '1e-5',
        '--q',
        '1',
        '--steps',
        '1',
        '--accountant',
        'pld',
      ],
    );
    expect(r.err).toBe('');
    const m = /^sigma = (\S+) \(epsilon (\S+) <= 16 at delta 0\.00001, PLD accountant\)\n$/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const sigma = Number(m![1]);
    expect(sigma.toFixed(3)).toBe('0.344');
    // Never below the exact σ (the PLD is an upper bound), within the bisection's relative 1e-4 above it.
    expect(sigma).toBeGreaterThanOrEqual(0.3441774284964994);
    expect(sigma).toBeLessThanOrEqual(0.3441774284964994 * (1 + 1e-4));
    expect(Number(m![2])).toBeLessThanOrEqual(16);
  });

  it('the PLD accountant gives a smaller epsilon and needs less noise than RDP', () => {
    const args = ['--q', '0.04', '--sigma', '1.5', '--steps', '2250', '--delta', '1e-5', '--json'];
    const rdp = JSON.parse(cohort(...['accountant', ...args, '--accountant', 'rdp']).out).epsilon;
    const pld = JSON.parse(cohort(...['accountant', ...args, '--accountant', 'pld']).out);
    expect(pld.accountant).toBe('pld');
    expect(pld.epsilon).toBeLessThan(rdp * 0.95);
    expect(pld.epsilon).toBeGreaterThan(rdp * 0.75);
  });

  it('defaults to the accountant jobs charge (a spec without one: PLD), for spend and calibrate alike', () => {
    const charged = privacySpecSchema.parse({ unit: 'record', epsilon: 1, delta: 1e-5, clip: 1 });
    expect(charged.accountant).toBe('pld');
    const args = ['--q', '0.04', '--sigma', '1.5', '--steps', '2250', '--delta', '1e-5', '--json'];
    expect(JSON.parse(cohort('accountant', ...args).out)).toEqual(
      JSON.parse(cohort('accountant', ...args, '--accountant', 'pld').out),
    );
    const target = ['calibrate', '--epsilon', '8', '--delta', '1e-5', '--q', '0.04', '--steps', '2000', '--json'];
    expect(JSON.parse(cohort('accountant', ...target).out).accountant).toBe('pld');
    // RDP's orders, given without --accountant rdp, would be ignored by the PLD: refused instead.
    expectFailure(cohort('accountant', ...args, '--orders', '2,3'), 'E_CONFIG_INVALID');
  });

  it('refuses bad or missing parameters with a clear message', () => {
    expect(cohort(...['accountant', '--q', '2', '--sigma', '1', '--steps', '1', '--delta', '1e-5']).err).toMatch(
      /--q expected a sampling rate in \[0, 1\]/,
    );
    expect(cohort(...['accountant', '--sigma', '1', '--steps', '1', '--delta', '1e-5']).err).toMatch(
      /E_CONFIG_INVALID: --q is required/,
    );
    expect(cohort(...['accountant', '--q', '0.1', '--sigma', '1', '--steps', '1']).err).toMatch(
      /exactly one of --delta/,
    );
    expect(cohort(...['accountant', '--q', '0.1', '--sigma', '0', '--steps', '1', '--delta', '1e-5']).code).not.toBe(0);
  });
});
