/**
 * Admission against the dataset's label (core/round/hospital-admission.ts):
 * a job whose task needs a label this hospital's data does not have is
 * declined at the offer with E_JOB_TASK, not failed in round 1; and a
 * record-level DP job of a task without noised evaluation counts releases
 * no evaluation (core/job/privacy.ts releasesEvaluation).
 */
import { describe, it, expect } from 'vitest';
import type { LabelLayout } from '../../../core/data/types.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { jobMechanisms, releasesEvaluation, resolveJob } from '../../../core/job/privacy.ts';
import type { Task } from '../../../core/model/task.ts';
import { admit, taskMismatch, type HospitalConfig } from '../../../core/round/hospital-admission.ts';
import { parseHospitalPolicy } from '../../../core/job/policy.ts';
import { HospitalMachine } from '../../../core/round/hospital-machine.ts';
import { NO_FACTS, type HospitalEffect } from '../../../core/round/hospital-effects.ts';
import { SYNTH_FEATURES, syntheticJob } from '../../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';
import { errorCode } from '../../helpers/errors.ts';

const NET = ['h', 'i', 'j'];
const net = simulatedNetwork(NET, 'admission');
const CLASSES = ['low', 'mid', 'high'];

const MODELS: Record<Task['kind'], unknown> = {
  binary: { inputDim: 3, layers: [{ units: 1, activation: 'sigmoid' }] },
  multiclass: { inputDim: 3, layers: [{ units: 3, activation: 'linear' }] },
  multilabel: { inputDim: 3, layers: [{ units: 2, activation: 'linear' }] },
  regression: { inputDim: 3, layers: [{ units: 1, activation: 'linear' }] },
  survival: { inputDim: 3, layers: [{ units: 1, activation: 'linear' }] },
};

function job(task: Task, privacy = false): JobSpec {
  const dp = { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' };
  const s = syntheticJob({
    model: MODELS[task.kind],
    task,
    rounds: 2,
    minClients: 2,
    ...(privacy ? { privacy: dp } : {}),
  });
  return resolveJob(parseJobSpec({ ...s, secureAggregation: { enabled: false } }), NET.length);
}

function config(labels?: LabelLayout, o: Partial<HospitalConfig> = {}): HospitalConfig {
  return {
    name: 'h',
    identity: net.identity('h'),
    dataset: { features: SYNTH_FEATURES, label: 'y', ...(labels ? { labels } : {}), numTrain: 120 },
    budget: null,
    keepsOutputs: false,
    roster: () => net.head,
    ...o,
  };
}

describe('admission against the label layout', () => {
  it('admits a job whose task the label serves', () => {
    expect(
      admit(config({ kind: 'multiclass', classes: CLASSES }), job({ kind: 'multiclass', classes: CLASSES }), null),
    ).toBeNull();
    expect(admit(config({ kind: 'regression' }), job({ kind: 'regression', loss: 'mse' }), null)).toBeNull();
    expect(
      admit(config({ kind: 'multilabel', labels: ['a', 'b'] }), job({ kind: 'multilabel', labels: ['a', 'b'] }), null),
    ).toBeNull();
    expect(admit(config(), job({ kind: 'binary' }), null)).toBeNull();
  });

  it.each<[string, LabelLayout | undefined, Task]>([
    ['survival job, binary data', { kind: 'binary' }, { kind: 'survival' }],
    ['binary job, survival data', { kind: 'survival' }, { kind: 'binary' }],
    ['regression job, class-index data', { kind: 'multiclass', classes: CLASSES }, { kind: 'regression', loss: 'mse' }],
    ['multi-class job, an unlabelled (binary) table', undefined, { kind: 'multiclass', classes: CLASSES }],
    ['other classes', { kind: 'multiclass', classes: ['low', 'high'] }, { kind: 'multiclass', classes: CLASSES }],
    [
      'the classes in another order',
      { kind: 'multiclass', classes: ['mid', 'low', 'high'] },
      { kind: 'multiclass', classes: CLASSES },
    ],
    [
      'another label width',
      { kind: 'multilabel', labels: ['a', 'b', 'c'] },
      { kind: 'multilabel', labels: ['a', 'b'] },
    ],
  ])('declines (E_JOB_TASK): %s', (_, labels, task) => {
    expect(errorCode(() => admit(config(labels), job(task), null))).toBe('E_JOB_TASK');
  });

  it('names both sides in the reason', () => {
    expect(taskMismatch({ kind: 'multiclass', classes: ['a', 'b'] }, { kind: 'multiclass', classes: ['b', 'a'] })).toBe(
      'names classes ["a", "b"]; this dataset\'s label has classes ["b", "a"]',
    );
    expect(taskMismatch({ kind: 'survival' }, { kind: 'binary' })).toBe(
      "needs a survival label; this dataset's label is binary",
    );
  });

  it("the hospital's machine declines the offer before any round", () => {
    const m = new HospitalMachine(config({ kind: 'regression' }));
    m.connected(1);
    const fx = m.offer({
      jobId: 'job',
      spec: job({ kind: 'multiclass', classes: CLASSES }),
      owner: null,
      endedHere: false,
      reservedHere: false,
    });
    expect(fx.find((e) => e.type === 'declined')).toMatchObject({ code: 'E_JOB_TASK' });
    expect(fx.some((e) => e.type === 'send' && 'declineJob' in e.body)).toBe(true);
  });
});

describe('evaluation of a record-level DP job by task', () => {
  const types = (fx: HospitalEffect[]) =>
    fx.filter((e) => e.type !== 'log').map((e) => (e.type === 'send' ? Object.keys(e.body)[0] : e.type));

  // Resolving a DP job calibrates its σ (a few seconds each): once per task.
  const multiclass = job({ kind: 'multiclass', classes: CLASSES }, true);

  it('only a binary job releases (noised) evaluation counts, and only its final round is charged for them', () => {
    const binary = job({ kind: 'binary' }, true);
    expect(releasesEvaluation(binary)).toBe(true);
    expect(jobMechanisms(binary)).toHaveLength(3);
    expect(releasesEvaluation(multiclass)).toBe(false);
    expect(releasesEvaluation({ ...multiclass, task: { kind: 'regression', loss: 'mse' } })).toBe(false);
    expect(jobMechanisms(multiclass)).toHaveLength(2);
  });

  it("withholds a multi-class DP job's evaluation even under policy evaluation 'dp': nothing exact leaves", () => {
    const m = new HospitalMachine(
      // No policy: evaluation "dp", the default, which releases a binary job's noised counts.
      config({ kind: 'multiclass', classes: CLASSES }, { budget: { delta: 1e-5 } }),
    );
    m.connected(1);
    m.offer({ jobId: 'job', spec: multiclass, owner: null, endedHere: false, reservedHere: false });
    m.reserved('job', { allowed: true });
    const final = {
      jobId: 'job',
      round: 3,
      train: false,
      seed: 1,
      weights: new Float32Array(12),
      secagg: null,
      link: 1,
    };
    expect(types(m.round(final, NO_FACTS))).toEqual(['evaluate']);
    const metrics = { numExamples: 5, numCorrect: 3, loss: 0.9, accuracy: 0.6, auc: 0.7, balancedAccuracy: 0.5 };
    const zero = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
    const fx = m.evaluated('job', 3, { metrics, counts: zero });
    expect(types(fx)).not.toContain('charge');
    const sent = fx.find((e) => e.type === 'send' && 'evaluation' in e.body) as Extract<
      HospitalEffect,
      { type: 'send' }
    >;
    expect(sent.body).toEqual({ evaluation: { withheld: true } });
  });
});

describe('admission prices the model whatever the policy (review of issue 18)', () => {
  /** 3 × 2·3 FLOPs per example × epochs × 120 records. */
  const costly = (epochs: number) => {
    const s = syntheticJob({ model: MODELS.binary, rounds: 2, minClients: 2, local: { epochs } });
    return resolveJob(parseJobSpec({ ...s, secureAggregation: { enabled: false } }), NET.length);
  };

  it('declines a round over maxFlopsPerRound, counted from the spec and the record count before any record is read', () => {
    const policy = parseHospitalPolicy({
      requireDp: 'none-ok',
      requireSecureAggregation: false,
      maxFlopsPerRound: 1e5,
    });
    expect(admit(config(undefined, { policy }), costly(1), null)).toBeNull(); // 3 × 6 × 120 = 2,160
    expect(errorCode(() => admit(config(undefined, { policy }), costly(1000), null))).toBe('E_POLICY_DECLINED');
    expect(() => admit(config(undefined, { policy }), costly(1000), null)).toThrow(
      /a round takes about 2\.16e\+6 FLOPs here, above this hospital's maxFlopsPerRound of 100000/,
    );
  });

  it('a daemon without a policy still applies the default cost caps', () => {
    const wide = {
      inputDim: 3,
      layers: [
        { units: 4096, activation: 'relu' },
        { units: 2048, activation: 'relu' },
        { units: 1, activation: 'sigmoid' },
      ],
    };
    const s = syntheticJob({ model: wide, rounds: 2, minClients: 2, local: { epochs: 1000 } });
    const spec = resolveJob(parseJobSpec({ ...s, secureAggregation: { enabled: false } }), NET.length);
    const big = config(undefined, { dataset: { features: SYNTH_FEATURES, label: 'y', numTrain: 1_000_000 } });
    expect(() => admit(big, spec, null)).toThrow(/above this hospital's maxFlopsPerRound of 1000000000000000/);
  });
});
