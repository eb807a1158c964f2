/**
 * Red-team review, end to end: a researcher's record-level job at the accountant's edge (q = 1e-5, σ = 1000,
 * 10^6 steps a round) was priced ε = 0 by the RDP accountant (its fractional orders rounded to RDP 0:
 * test/core/privacy/rdp-underflow.test.ts), so it passed any target and any hospital budget, and a hospital
 * admitted and charged such jobs one after another without its spent ε ever moving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetStore } from '../../client/budget-store.ts';
import { jobMechanisms, jobSpend } from '../../core/job/privacy.ts';
import { parseJobSpec } from '../../core/job/spec.ts';

const delta = 1e-9;
const spec = parseJobSpec({
  name: 'edge',
  model: { inputDim: 3, layers: [{ units: 1, activation: 'linear' }] },
  features: ['a', 'b', 'c'],
  label: 'y',
  task: { kind: 'regression' }, // a record-level regression job releases no evaluation: its rounds are all it spends
  rounds: 100,
  local: { epochs: 1, batchSize: 8, learningRate: 0.1, maxSteps: 1_000_000 },
  privacy: {
    unit: 'record',
    epsilon: 1e-6,
    delta,
    clip: 1,
    samplingRate: 1e-5,
    noiseMultiplier: 1000,
    accountant: 'rdp',
  },
});

/** One step's TV distance is at least q·2x·φ(x), x = 1/2σ (rdp-underflow.test.ts); T steps' is at least one's. */
const tv = (1e-5 * 2 * (1 / 2000) * Math.exp(-1 / 8e6)) / Math.sqrt(2 * Math.PI);

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a job the RDP accountant priced at nothing (red-team review)', () => {
  it("the job's ε is at least what its TV distance forces, so its target of 1e-6 is missed", () => {
    expect(tv).toBeGreaterThan(3 * delta);
    expect(jobSpend(spec).epsilon).toBeGreaterThanOrEqual(Math.log1p(tv - delta));
  });

  it('a hospital with a budget of ε = 1e-6 does not admit job after job of it', () => {
    dir = mkdtempSync(join(tmpdir(), 'cohort-budget-edge-'));
    const store = new BudgetStore(join(dir, 'state.db'));
    try {
      store.setBudget('d', { epsilon: 1e-6, delta, accountant: 'pld' }); // the default: charges min(PLD, RDP)
      const admitted = [1, 2, 3].filter((k) => store.admitJob('d', `job-${k}`, jobMechanisms(spec)).allowed);
      expect(admitted).toEqual([]);
    } finally {
      store.close();
    }
  });
});
