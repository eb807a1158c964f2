import { describe, it, expect } from 'vitest';
import { cohort, expectFailure } from '../helpers/cli.ts';

describe('cohort secagg params', () => {
  it('gives 5 hospitals at the job spec defaults a complete graph with 2t >= n + 1 + C, n holders', () => {
    const r = cohort(...['secagg', 'params', '--clients', '5', '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out);
    // γ = 0.05, δ = 0.1 (core/job/spec.ts): C = ceil(0.25) = 1, D = floor(0.5) = 0.
    expect(p).toMatchObject({
      clients: 5,
      corruptFraction: 0.05,
      dropoutFraction: 0.1,
      corrupt: 1,
      dropouts: 0,
      graph: 'complete',
      k: 4,
      holders: 5,
    });
    expect(2 * p.t).toBeGreaterThanOrEqual(p.clients + 1 + p.corrupt);
    expect(p.t).toBeGreaterThanOrEqual(p.corrupt + 2);
    expect(p.t).toBeLessThanOrEqual(p.clients - p.dropouts);
    expect(p.honestInSum).toBe(p.t - p.corrupt);
    expect([p.securityLog2, p.correctnessLog2]).toEqual(['-Infinity', '-Infinity']);
    expect(p.guarantee).toContain(`>= ${p.honestInSum} honest`);
  });

  it('prints the table, with the exact exponents of the complete graph and the bounds of a sparse one', () => {
    const full = cohort(...['secagg', 'params', '--clients', '21']);
    expect(full.out).toMatch(/^threshold t\s+12$/m);
    expect(full.out).toMatch(/^corrupt C = min\(ceil\(γN\), n-1\)\s+2 /m);
    expect(full.out).toMatch(/^security log2 P\[privacy fails\]\s+-inf \(exact\)$/m);
    expect(full.out).toMatch(/^guarantee: .*colluding with 2 hospitals.*>= 10 honest/m);
    const sparse = JSON.parse(
      cohort(...['secagg', 'params', '--clients', '1000', '--corrupt', '0.05', '--dropout', '0.05', '--json']).out,
    );
    expect(sparse).toMatchObject({ graph: 'harary', k: 52, holders: 53, t: 37, corrupt: 50 });
    expect(sparse.securityLog2).toBeLessThan(-40);
    expect(sparse.correctnessLog2).toBeLessThan(-20);
  });

  it('counts C of the network, as a job does: a round of 21 in a network of 100 assumes C = 5, not 2', () => {
    const round = JSON.parse(cohort(...['secagg', 'params', '--clients', '21', '--network', '100', '--json']).out);
    // C = ceil(0.05 · 100) = 5; complete graph: 2t >= n + 1 + C = 27.
    expect(round).toMatchObject({ clients: 21, network: 100, corrupt: 5, graph: 'complete', t: 14, honestInSum: 9 });
    // At most n − 1 of the round collude: a round of 5 in a network of 100 (C = 5) counts 4, and no t protects it.
    expect(cohort(...['secagg', 'params', '--clients', '5', '--network', '100']).err).toMatch(
      /E_SECAGG_PARAMS: .*5 clients with 4 corrupt/,
    );
    const small = cohort(...['secagg', 'params', '--clients', '21', '--network', '10']);
    expect(small.code).not.toBe(0);
    expect(small.err).toMatch(/E_CONFIG_INVALID: --network 10 is smaller than the round's --clients 21/);
  });

  it('exits 2 with E_SECAGG_PARAMS, and no stack trace, when no threshold is both safe and live', () => {
    expectFailure(cohort(...['secagg', 'params', '--clients', '2']), 'E_SECAGG_PARAMS');
    expect(cohort(...['secagg', 'params', '--clients', '10', '--dropout', '0.5', '--corrupt', '0']).code).toBe(2);
  });

  it('refuses malformed options with a message naming them', () => {
    const r = cohort(...['secagg', 'params', '--clients', '10', '--corrupt', '1.5']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--corrupt expected a fraction in \[0, 1\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(cohort(...['secagg', 'params', '--clients', '1']).err).toMatch(/expected an integer in \[2, 10000\]/);
    expect(cohort(...['secagg', 'params']).code).not.toBe(0);
  });
});
