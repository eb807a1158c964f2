import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import {
  SIGMA_REL_TOL,
  calibrateDdgNoise,
  ddgEpsilon,
  ddgRdp,
  ddgTau,
  epsilonForDelta,
  rdpEpsilon,
  roundedL1Bound,
  roundedL2Bound,
  type DdgMechanism,
} from '../../../core/privacy/index.ts';
import { prop14Rdp } from '../../../core/privacy/distributed-dg.ts';

/** accounting_utils.py RDP_ORDERS in google-research/federated distributed_dp: 2..128 and 256. */
const REF_ORDERS = [...Array.from({ length: 127 }, (_, k) => k + 2), 256];
const BETA = Math.exp(-0.5);

function close(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

/** The reference code's ddgauss_epsilon (q = 1) computed at exactly n shares, via prop14Rdp. */
function referenceEpsilon(m: Required<DdgMechanism>, rounds: number, delta: number) {
  const root = Math.sqrt(m.clients) * m.sigma;
  const tau = ddgTau(m.clients, m.sigma);
  const rdp = REF_ORDERS.map((a) => rounds * prop14Rdp(a, m.l2Sensitivity / root, m.l1Sensitivity / root, tau, m.dim));
  return { ...epsilonForDelta(rdp, REF_ORDERS, delta), rdp };
}

describe('vectors from the reference formulas (test/core/privacy/ddg-reference.py)', () => {
  /*
   * No published table gives ε for the distributed discrete Gaussian, so these
   * come from a second computation path: test/core/privacy/ddg-reference.py
   * transcribes google-research/federated distributed_dp/accounting_utils.py
   * (rounded_l2_norm_bound, rounded_l1_norm_bound, ddgauss_epsilon with q = 1,
   * i.e. KLS21 Thm. 1 Eq. 2 and Prop. 14 / Eq. 17) and tensorflow_privacy's
   * RDP → (ε, δ) conversion into 50-digit mpmath arithmetic. Columns: γ,
   * per-client σ (real), n, clip c, β, d, rounds, δ; then the integer Δ₂, Δ₁,
   * τ, ε at exactly n shares (the reference's number) with its order, and ε
   * for the least over m ≤ n shares (ddgRdp).
   */
  const cases = [
    // V1: KLS21-like, τ underflows: d = 2^16, n = 100, c = 1, γ = 1e-3, σ = 0.5.
    {
      name: 'V1',
      gamma: 1e-3,
      sigma: 0.5,
      n: 100,
      clip: 1,
      beta: BETA,
      dim: 2 ** 16,
      rounds: 100,
      delta: 1e-5,
      l2: 1008.7179982532284,
      l1: 258231.80755282646,
      tau: 0,
      epsN: 10.906763480042895,
      orderN: 3,
      epsMin: 10.906763480042895,
      rdp2: 4.070048,
    },
    // V2: s = 0.6, τ and the L1 term matter; β = 0 (plain rounding).
    {
      name: 'V2',
      gamma: 1,
      sigma: 0.6,
      n: 10,
      clip: 5,
      beta: 0,
      dim: 64,
      rounds: 1,
      delta: 1e-5,
      l2: 13,
      l1: 104,
      tau: 0.56053682905873811,
      epsN: 92.945432608054021,
      orderN: 2,
      epsMin: 92.945432608054021,
      rdp2: 82.818801504203683,
    },
    // V3: s = 0.5, τ ≈ 5.85: fewer shares give the better bound (2183 against the reference's 6058).
    {
      name: 'V3',
      gamma: 1,
      sigma: 0.5,
      n: 50,
      clip: 20,
      beta: BETA,
      dim: 1024,
      rounds: 1,
      delta: 1e-5,
      l2: 26.305892875931811,
      l1: 692,
      tau: 5.8521391158483948,
      epsN: 6058.0770857326066,
      orderN: 2,
      epsMin: 2182.7259412895444,
      rdp2: 6047.9504546287563,
    },
    // V4: s = 1, n = 100, d = 16, c = 2: Δ₂ = √12 exactly (√(2 ln(1/β)) = 1), τ ≈ 5.5e−4.
    {
      name: 'V4',
      gamma: 1,
      sigma: 1,
      n: 100,
      clip: 2,
      beta: BETA,
      dim: 16,
      rounds: 5,
      delta: 1e-5,
      l2: 3.4641016151377546,
      l1: 12,
      tau: 0.00054778869906014843,
      epsN: 3.5634430184742228,
      orderN: 7,
      epsMin: 3.5634430184742228,
      rdp2: 0.60659747018542722,
    },
  ];

  it.each(cases)('$name: rounded sensitivities, τ, ε at n shares and at the best m ≤ n', (c) => {
    const l2 = roundedL2Bound(c.clip / c.gamma, c.dim, c.beta);
    const l1 = roundedL1Bound(l2, c.dim);
    close(l2, c.l2);
    close(l1, c.l1);
    const s = c.sigma / c.gamma;
    const tau = ddgTau(c.n, s);
    if (c.tau === 0) expect(tau).toBe(0);
    else close(tau, c.tau, 1e-13);
    const m = { clients: c.n, sigma: s, l2Sensitivity: l2, l1Sensitivity: l1, dim: c.dim };
    const ref = referenceEpsilon(m, c.rounds, c.delta);
    close(ref.epsilon, c.epsN);
    expect(ref.order).toBe(c.orderN);
    close(ref.rdp[0]!, c.rdp2);
    const ours = ddgEpsilon({ ...m, rounds: c.rounds, delta: c.delta, orders: REF_ORDERS });
    close(ours.epsilon, c.epsMin);
    expect(ours.epsilon).toBeLessThanOrEqual(ref.epsilon);
  });

  it('V4: the reference RDP at order 32 (9.6438230959248119) and the default Δ₁', () => {
    const m = { clients: 100, sigma: 1, l2Sensitivity: Math.sqrt(12), dim: 16 };
    close(ddgRdp(m, [32])[0]! * 5, 9.6438230959248119);
  });
});

describe('limits the paper states', () => {
  it('τ is 10·Σ_{k<n} exp(−2π²σ²k/(k+1)): closed forms at n = 1, 2, 3', () => {
    const s = 0.7;
    const c = Math.PI * Math.PI * s * s;
    expect(ddgTau(1, s)).toBe(0);
    close(ddgTau(2, s), 10 * Math.exp(-c), 1e-15);
    close(ddgTau(3, s), 10 * (Math.exp(-c) + Math.exp((-4 * c) / 3)), 1e-15);
  });

  it('one share is the discrete Gaussian: RDP α·Δ²/(2σ²), its ½(Δ/σ)²-CDP bound (Canonne, Kamath, Steinke 2020)', () => {
    const orders = [1.5, 2, 10, 256];
    const rdp = ddgRdp({ clients: 1, sigma: 0.5, l2Sensitivity: 3, dim: 1000 }, orders);
    orders.forEach((a, i) => close(rdp[i]!, (a * 9) / (2 * 0.25), 1e-15));
  });

  it('τ vanishes for large σ and ε becomes the continuous Gaussian N(0, nσ²) one', () => {
    // τ < 10·(n − 1)·exp(−π²σ²): below 1e−60 here, so τ·d is far below one ulp of the RDP.
    for (const [n, s, l2, rounds, delta] of [
      [10, 6, 30, 50, 1e-5],
      [500, 20, 900, 1000, 1e-8],
      [3, 4, 5, 1, 1e-6],
    ] as const) {
      expect(ddgTau(n, s)).toBeLessThan(1e-60);
      const ddg = ddgEpsilon({ clients: n, sigma: s, l2Sensitivity: l2, dim: 4096, rounds, delta });
      const gauss = rdpEpsilon({ q: 1, sigma: (Math.sqrt(n) * s) / l2, steps: rounds, delta });
      close(ddg.epsilon, gauss.epsilon, 1e-12);
      expect(ddg.order).toBe(gauss.order);
    }
  });

  it('at moderate σ the sum costs more than the continuous Gaussian, by a vanishing amount as σ grows', () => {
    const eps = (s: number) =>
      ddgEpsilon({ clients: 100, sigma: s, l2Sensitivity: 2 * s, dim: 1 << 16, rounds: 10, delta: 1e-5 }).epsilon;
    const gauss = rdpEpsilon({ q: 1, sigma: 5, steps: 10, delta: 1e-5 }).epsilon; // √n·s/Δ₂ = 5 throughout
    const gaps = [0.9, 1, 1.2, 1.5, 2].map((s) => eps(s) - gauss);
    expect(gaps[0]!).toBeGreaterThan(1e-3);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThanOrEqual(gaps[i - 1]!);
    expect(gaps[4]!).toBeLessThan(1e-12);
  });

  it('conditional rounding bound: C + √d for β = 0, never above it, and at least C', () => {
    expect(roundedL2Bound(7, 100, 0)).toBe(17);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 1 << 24 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (c, d, beta) => {
          const b = roundedL2Bound(c, d, beta);
          expect(b).toBeLessThanOrEqual(c + Math.sqrt(d));
          expect(b).toBeGreaterThanOrEqual(c);
          expect(roundedL1Bound(b, d)).toBeLessThanOrEqual(b * b * (1 + 1e-15));
        },
      ),
    );
  });
});

describe('properties', () => {
  const mechanism = fc.record({
    clients: fc.integer({ min: 1, max: 300 }),
    sigma: fc.double({ min: 0.5, max: 5, noNaN: true }),
    l2Sensitivity: fc.double({ min: 0.5, max: 200, noNaN: true }),
    dim: fc.integer({ min: 1, max: 1 << 20 }),
  });
  const orders = [1.5, 2, 3, 5, 8, 16, 32, 64, 256];
  const eps = (m: DdgMechanism, rounds = 10) => ddgEpsilon({ ...m, rounds, delta: 1e-6, orders }).epsilon;

  it('ε does not grow with σ, nor with n; it grows with the rounds', () => {
    fc.assert(
      fc.property(
        mechanism,
        fc.double({ min: 1.001, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        (m, f, more, rounds) => {
          const e = eps(m, rounds);
          expect(eps({ ...m, sigma: m.sigma * f }, rounds)).toBeLessThanOrEqual(e * (1 + 1e-12));
          expect(eps({ ...m, clients: m.clients + more }, rounds)).toBeLessThanOrEqual(e);
          expect(eps(m, rounds + 1)).toBeGreaterThanOrEqual(e);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('RDP lies between the continuous Gaussian of variance nσ² and Prop. 14 at n shares', () => {
    fc.assert(
      fc.property(mechanism, (m) => {
        const rdp = ddgRdp(m, orders);
        const root = Math.sqrt(m.clients) * m.sigma;
        const tau = ddgTau(m.clients, m.sigma);
        const l1 = roundedL1Bound(m.l2Sensitivity, m.dim);
        orders.forEach((a, i) => {
          const gauss = (a * m.l2Sensitivity ** 2) / (2 * root * root);
          expect(rdp[i]!).toBeGreaterThanOrEqual(gauss * (1 - 1e-12));
          expect(rdp[i]!).toBeLessThanOrEqual(prop14Rdp(a, m.l2Sensitivity / root, l1 / root, tau, m.dim));
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('calibrateDdgNoise', () => {
  it('returns σ meeting the target that is tight to SIGMA_REL_TOL', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 8, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom(1e-3, 1e-2, 0.1),
        fc.constantFrom(64, 4096, 1 << 20),
        (targetEpsilon, rounds, minClients, gamma, dim) => {
          const o = {
            targetEpsilon,
            delta: 1e-6,
            rounds,
            minClients,
            dim,
            clip: 1,
            gamma,
            beta: BETA,
            orders: REF_ORDERS,
          };
          const sigma = calibrateDdgNoise(o);
          const l2 = roundedL2Bound(1 / gamma, dim, BETA);
          const at = (s: number) =>
            s / gamma < 0.5
              ? Infinity
              : ddgEpsilon({
                  clients: minClients,
                  sigma: s / gamma,
                  l2Sensitivity: l2,
                  dim,
                  rounds,
                  delta: 1e-6,
                  orders: REF_ORDERS,
                }).epsilon;
          expect(at(sigma)).toBeLessThanOrEqual(targetEpsilon);
          expect(at(sigma / (1 + 2 * SIGMA_REL_TOL))).toBeGreaterThan(targetEpsilon);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('with τ negligible it is the Gaussian calibration scaled by the rounded sensitivity over √n_min', () => {
    const gamma = 1e-3;
    const sigma = calibrateDdgNoise({
      targetEpsilon: 2,
      delta: 1e-5,
      rounds: 100,
      minClients: 16,
      dim: 1 << 16,
      clip: 1,
      gamma,
      beta: BETA,
      orders: REF_ORDERS,
    });
    const l2 = roundedL2Bound(1 / gamma, 1 << 16, BETA) * gamma;
    const z = (sigma * Math.sqrt(16)) / l2; // the central noise multiplier
    expect(rdpEpsilon({ q: 1, sigma: z, steps: 100, delta: 1e-5, orders: REF_ORDERS }).epsilon).toBeLessThanOrEqual(2);
    expect(
      rdpEpsilon({ q: 1, sigma: z / (1 + 2 * SIGMA_REL_TOL), steps: 100, delta: 1e-5, orders: REF_ORDERS }).epsilon,
    ).toBeGreaterThan(2);
  });
});

describe('invalid parameters give E_PRIVACY_PARAMS', () => {
  const bad = (f: () => unknown) => expect(errorCode(f)).toBe('E_PRIVACY_PARAMS');
  const m = { clients: 10, sigma: 2, l2Sensitivity: 3, dim: 100 };

  it('mechanism fields', () => {
    for (const sigma of [0.49, 0, -1, NaN, Infinity, '2']) bad(() => ddgRdp({ ...m, sigma: sigma as number }));
    for (const clients of [0, 1.5, -1, NaN, 1_000_001]) bad(() => ddgRdp({ ...m, clients }));
    for (const l2Sensitivity of [0, -1, NaN, Infinity]) bad(() => ddgRdp({ ...m, l2Sensitivity }));
    for (const l1Sensitivity of [0, -1, NaN]) bad(() => ddgRdp({ ...m, l1Sensitivity }));
    for (const dim of [0, 0.5, 2 ** 31, NaN]) bad(() => ddgRdp({ ...m, dim }));
    bad(() => ddgRdp(null as unknown as DdgMechanism));
    for (const orders of [[1], [0.5], [NaN], 'x']) bad(() => ddgRdp(m, orders as number[]));
  });

  it('rounds, δ, rounding and calibration options', () => {
    for (const rounds of [-1, 1.5, NaN]) bad(() => ddgEpsilon({ ...m, rounds, delta: 1e-5 }));
    for (const delta of [-1, 2, NaN]) bad(() => ddgEpsilon({ ...m, rounds: 1, delta }));
    for (const beta of [1, -0.1, NaN]) bad(() => roundedL2Bound(1, 10, beta));
    bad(() => roundedL2Bound(0, 10, 0.5));
    bad(() => roundedL1Bound(1, 0));
    const o = { targetEpsilon: 1, delta: 1e-5, rounds: 10, minClients: 5, dim: 1024, clip: 1, gamma: 1e-3, beta: BETA };
    for (const k of ['clip', 'gamma', 'rounds', 'minClients', 'dim', 'targetEpsilon', 'delta', 'beta'] as const)
      bad(() => calibrateDdgNoise({ ...o, [k]: NaN }));
    bad(() => calibrateDdgNoise({ ...o, rounds: 0 }));
    bad(() => calibrateDdgNoise({ ...o, targetEpsilon: 1e-9, delta: 1e-300 }));
  });

  it('zero rounds release nothing', () => {
    expect(ddgEpsilon({ ...m, rounds: 0, delta: 1e-5 }).epsilon).toBe(0);
  });
});
