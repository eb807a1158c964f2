/** cli/simulate-report.ts: an undefined figure prints as n/a with its reason, never NaN, and does not spoil the pooled one. */
import { describe, expect, it } from 'vitest';
import { figure, renderSyntheticEhr } from '../../cli/simulate-report.ts';
import type { SyntheticEhrHospital, SyntheticEhrResult } from '../../simulations/synthetic-ehr/scenario.ts';

function hospital(name: string, test: number, accuracy: number, auc: number): SyntheticEhrHospital {
  return {
    name,
    profile: 'p',
    format: 'csv',
    train: 10,
    test,
    intake: { rowsRead: 20, rowsUsed: 10 + test, rowsDropped: {}, k: 5 },
    accuracy,
    auc,
  };
}

function result(hospitals: SyntheticEhrHospital[], pooledAuc: number): SyntheticEhrResult {
  return {
    scenario: 'synthetic-ehr',
    workdir: '/w',
    rounds: 2,
    hospitals,
    pooledAccuracy: 0.8,
    pooledAuc,
    releasedAccuracy: null,
    ledgerOk: true,
    identifiers: [],
  };
}

describe('figure', () => {
  it('a defined figure to 3 places; an undefined one as n/a, with why when given', () => {
    expect(figure(0.12345, 'one class')).toBe('0.123');
    expect(figure(Number.NaN, 'one class')).toBe('n/a (one class)');
    expect(figure(Number.NaN)).toBe('n/a');
    expect(figure(0.5)).toBe('0.500');
  });
});

describe('renderSyntheticEhr', () => {
  it('a hospital whose test split has one class: its AUC is n/a (one class); the pooled AUC stays a number', () => {
    const out = renderSyntheticEhr(result([hospital('a', 5, 0.8, 0.9), hospital('b', 5, 0.8, Number.NaN)], 0.9));
    expect(out).not.toContain('NaN');
    expect(out).toContain('n/a (one class)');
    expect(out).toContain('pooled accuracy 0.800, AUC 0.900');
    expect(out).toContain('noisy counts, whose pooled accuracy is n/a (all withheld)');
  });

  it('no hospital with both classes, or no test records at all: n/a with the reason', () => {
    const out = renderSyntheticEhr(result([hospital('a', 0, 0, Number.NaN), hospital('b', 3, 1, Number.NaN)], NaN));
    expect(out).not.toContain('NaN');
    expect(out).toContain('n/a (no test records)');
    expect(out).toContain('AUC n/a (no hospital has both classes)');
  });
});
