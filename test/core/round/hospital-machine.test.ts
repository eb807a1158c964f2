/**
 * The hospital's machine (core/round/hospital-machine.ts, hospital-round.ts)
 * in memory: each transition, and each refusal with its typed code. No
 * sockets, stores or tfjs: the test plays the daemon, answering effects.
 */
import { describe, it, expect } from 'vitest';
import { CohortError } from '../../../core/errors.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { resolveJob, roundMechanism } from '../../../core/job/privacy.ts';
import { SIGMA_REL_TOL } from '../../../core/privacy/index.ts';
import type { HospitalMachine, HospitalConfig } from '../../../core/round/hospital-machine.ts';
import { AttemptLog } from '../../../core/round/hospital-session.ts';
import { NO_FACTS, type HospitalEffect, type RoundInput } from '../../../core/round/hospital-effects.ts';
import { sessionParams } from '../../../core/round/session-params.ts';
import { syntheticJob } from '../../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';
import { errorCode } from '../../helpers/errors.ts';
import { MACHINE_NETWORK, hospitalMachine } from '../../helpers/hospital-machine.ts';

const NET = MACHINE_NETWORK;
const net = simulatedNetwork(NET, 'machine');
const OUT = { delta: new Float32Array(4), numExamples: 10, loss: 0.5, steps: 3 };
const EVAL = {
  metrics: { accuracy: 0.5, auc: 0.5, loss: 1, numExamples: 4 } as never,
  counts: { truePositive: 1, falsePositive: 1, trueNegative: 1, falseNegative: 1 },
};

function spec(o: { privacy?: boolean; secure?: boolean } = {}): JobSpec {
  const s = syntheticJob({
    rounds: 2,
    minClients: 3,
    targetClients: 4,
    ...(o.privacy
      ? { privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' } }
      : {}),
  });
  const parsed = parseJobSpec({
    ...s,
    secureAggregation: { enabled: o.secure ?? false },
  });
  return resolveJob(parsed, NET.length);
}

function machine(o: Partial<HospitalConfig> = {}): HospitalMachine {
  return hospitalMachine(net, o);
}

const types = (fx: HospitalEffect[]) =>
  fx.filter((e) => e.type !== 'log').map((e) => (e.type === 'send' ? Object.keys(e.body)[0] : e.type));
const errorOf = (fx: HospitalEffect[]) => {
  const e = fx.find((x) => x.type === 'send' && 'error' in x.body) as
    Extract<HospitalEffect, { type: 'send' }> | undefined;
  return e && 'error' in e.body ? e.body.error.code : null;
};
const offer = (
  m: HospitalMachine,
  s: JobSpec | CohortError,
  extra: { endedHere?: boolean; reservedHere?: boolean } = {},
) => m.offer({ jobId: 'job', spec: s, owner: null, endedHere: false, reservedHere: false, ...extra });
const cfg = (round: number, o: Partial<RoundInput> = {}): RoundInput => ({
  jobId: 'job',
  round,
  train: true,
  seed: 1,
  weights: new Float32Array(4),
  secagg: null,
  link: 1,
  ...o,
});
const secagg = (s: JobSpec, round: number, attempt: number, lie: Record<string, unknown> = {}) => {
  const p = sessionParams(s, {
    jobId: 'job',
    round,
    attempt,
    participants: NET,
    rosterHash: net.head.hashBytes,
    totalExamples: 480,
  });
  return { ...p, participants: [...p.participants], attempt, ...lie };
};

describe('offers', () => {
  it('joins a job without DP when no budget is kept: offered -> admitted', () => {
    const m = machine();
    expect(types(offer(m, spec()))).toEqual(['joinJob', 'joined']);
    expect(m.specOf('job').rounds).toBe(2);
  });

  it('reserves a DP job against the budget, and joins only when it fits', () => {
    const m = machine({ budget: { delta: 1e-5 } });
    const fx = offer(m, spec({ privacy: true }));
    expect(types(fx)).toEqual(['reserve']);
    expect(() => m.specOf('job')).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_JOB' }));
    expect(types(m.reserved('job', { allowed: true }))).toEqual(['joinJob', 'joined']);
  });

  it('declines what the budget refuses (E_BUDGET_EXCEEDED), and an answer to no offer is refused (E_JOB_STATE)', () => {
    const m = machine({ budget: { delta: 1e-5 } });
    offer(m, spec({ privacy: true }));
    const fx = m.reserved('job', { allowed: false, reason: 'over' });
    expect(types(fx)).toEqual(['declineJob', 'declined']);
    expect(fx.find((e) => e.type === 'declined')).toMatchObject({ code: 'E_BUDGET_EXCEEDED' });
    expect(errorCode(() => m.reserved('job', { allowed: true }))).toBe('E_JOB_STATE');
  });

  it.each([
    ['a DP job without a budget', {}, { privacy: true }, 'E_BUDGET_REQUIRED'],
    ['a job without DP under a budget', { budget: { delta: 1e-5 } }, {}, 'E_BUDGET_EXCEEDED'],
    ['a delta above the budget delta', { budget: { delta: 1e-7 } }, { privacy: true }, 'E_PRIVACY_PARAMS'],
    ['a job its policy forbids', { policy: { requireDp: true } as never }, {}, 'E_POLICY_DECLINED'],
    ['secure aggregation without a roster', { roster: () => null }, { secure: true }, 'E_ROSTER_MISSING'],
  ])('declines %s', (_, config, s, code) => {
    const fx = offer(machine(config as Partial<HospitalConfig>), spec(s));
    expect(fx.find((e) => e.type === 'declined')).toMatchObject({ code });
  });

  it('declines a coordinator whose noise is one calibration tolerance below what the stated epsilon needs', () => {
    // resolveJob calibrated σ (core/privacy/calibrate.ts): ε(σ) ≤ target and ε(σ / (1 + SIGMA_REL_TOL)) > target.
    // A coordinator that offers the smaller σ under the same stated ε claims more privacy than its noise gives:
    // the hospital recomputes ε itself and declines before anything is reserved or trained.
    const honest = spec({ privacy: true });
    const p = honest.privacy!;
    const lying: JobSpec = { ...honest, privacy: { ...p, noiseMultiplier: p.noiseMultiplier! / (1 + SIGMA_REL_TOL) } };
    const fx = offer(machine({ budget: { delta: 1e-5 } }), lying);
    expect(types(fx)).toEqual(['declineJob', 'declined']);
    expect(fx.find((e) => e.type === 'declined')).toMatchObject({ code: 'E_PRIVACY_PARAMS' });
    expect(types(offer(machine({ budget: { delta: 1e-5 } }), honest))).toEqual(['reserve']);
  });

  it('declines other features (E_JOB_FEATURES), an unreadable spec, and a job that ended here (E_JOB_STATE)', () => {
    const m = machine({ dataset: { features: ['x'], label: 'y', numTrain: 1 } });
    expect(offer(m, spec()).find((e) => e.type === 'declined')).toMatchObject({ code: 'E_JOB_FEATURES' });
    const n = machine();
    expect(offer(n, new CohortError('E_JOB_SPEC', 'bad')).find((e) => e.type === 'declined')).toMatchObject({
      code: 'E_JOB_SPEC',
    });
    expect(offer(n, spec(), { endedHere: true }).find((e) => e.type === 'declined')).toMatchObject({
      code: 'E_JOB_STATE',
    });
    offer(n, spec());
    expect(types(n.jobEvent('job', 'COMPLETED'))).toEqual(['end']);
    expect(offer(n, spec()).find((e) => e.type === 'declined')).toMatchObject({ code: 'E_JOB_STATE' });
  });

  it('ends every held job the Welcome does not list, reserved ones from before a restart included', () => {
    const m = machine();
    offer(m, spec());
    expect(m.welcome(['job'], ['old']).map((e) => e.type === 'end' && e.jobId)).toEqual(['old']);
    expect(m.welcome([], []).map((e) => e.type === 'end' && e.jobId)).toEqual(['job']);
  });
});

describe('rounds', () => {
  it('a plaintext round: training -> update sent; an unknown job is a protocol error (E_UNKNOWN_JOB)', () => {
    const m = machine();
    expect(errorCode(() => m.round(cfg(1), NO_FACTS))).toBe('E_UNKNOWN_JOB');
    offer(m, spec());
    expect(types(m.round(cfg(1), NO_FACTS))).toEqual(['evaluate']);
    expect(m.stageOf('job')).toBe('evaluating');
    expect(types(m.evaluated('job', 1, EVAL))).toEqual(['evaluated', 'evaluation', 'train']);
    expect(types(m.trained('job', 1, OUT))).toEqual(['update']);
    expect(m.stageOf('job')).toBe('done');
    expect(m.trainedRound('job', 1)).toBe(true);
  });

  it('refuses rounds outside the job and evaluation-only rounds but the final one (E_ROUND_MISMATCH)', () => {
    const m = machine();
    offer(m, spec());
    expect(errorOf(m.round(cfg(3), NO_FACTS))).toBe('E_ROUND_MISMATCH');
    expect(errorOf(m.round(cfg(1, { train: false }), NO_FACTS))).toBe('E_ROUND_MISMATCH');
    expect(types(m.round(cfg(3, { train: false }), NO_FACTS))).toEqual(['evaluate']);
  });

  it('sends an evaluation asked again as it was, without evaluating again', () => {
    const m = machine();
    offer(m, spec());
    m.round(cfg(1), NO_FACTS);
    m.evaluated('job', 1, EVAL);
    expect(types(m.round(cfg(1), NO_FACTS))).toEqual(['evaluation', 'train']);
  });

  it('ignores a round from a connection that is gone, and results of a superseded round', () => {
    const m = machine();
    offer(m, spec());
    expect(m.round(cfg(1, { link: 0 }), NO_FACTS)).toEqual([]);
    m.round(cfg(1), NO_FACTS);
    m.connected(2);
    expect(m.evaluated('job', 1, EVAL)).toEqual([]);
  });

  it('refuses a result in the wrong stage (E_ROUND_MISMATCH to the coordinator)', () => {
    const m = machine();
    offer(m, spec());
    m.round(cfg(1), NO_FACTS);
    expect(errorOf(m.trained('job', 1, OUT))).toBe('E_ROUND_MISMATCH');
  });
});

describe('a record-level DP round against the budget', () => {
  const dp = spec({ privacy: true });
  const joined = (keepsOutputs = false) => {
    const m = machine({ budget: { delta: 1e-5 }, keepsOutputs });
    offer(m, dp);
    m.reserved('job', { allowed: true });
    return m;
  };

  it('charges before it trains: charging -> training', () => {
    const m = joined();
    expect(types(m.round(cfg(1), NO_FACTS))).toEqual(['charge']);
    expect(m.stageOf('job')).toBe('charging');
    expect(types(m.charged('job', 1, { allowed: true }))).toEqual(['train']);
  });

  it('a refused charge sends E_BUDGET_EXCEEDED and trains nothing', () => {
    const m = joined();
    m.round(cfg(1), NO_FACTS);
    const fx = m.charged('job', 1, { allowed: false, reason: 'spent' });
    expect(types(fx)).toEqual(['error', 'refused']);
    expect(errorOf(fx)).toBe('E_BUDGET_EXCEEDED');
  });

  it('refuses a round older than one already charged (E_ROUND_MISMATCH), before charging', () => {
    const m = joined();
    const fx = m.round(cfg(1), { ...NO_FACTS, latest: 2 });
    expect(types(fx)).toEqual(['error', 'refused']);
    expect(errorOf(fx)).toBe('E_ROUND_MISMATCH');
  });

  it('a retried round re-sends its kept output, or trains at no new charge if none left', () => {
    const charged = roundMechanism(dp, 1);
    const m = joined(true);
    expect(types(m.round(cfg(1), { latest: 1, charged, kept: OUT, keptAny: true }))).toEqual(['update']);
    const n = joined(true);
    expect(types(n.round(cfg(1), { latest: 1, charged, kept: null, keptAny: false }))).toEqual(['train']);
    const o = joined(true);
    expect(types(o.round(cfg(1), { latest: 1, charged, kept: null, keptAny: true }))).toEqual(['charge']);
  });

  it("runs the trainer's checks before charging: a failing one is the round's refusal", () => {
    const m = machine({
      budget: { delta: 1e-5 },
      keepsOutputs: false,
      checkInputs: () => {
        throw new CohortError('E_UPDATE_RANGE', 'weights out of range');
      },
    });
    offer(m, dp);
    m.reserved('job', { allowed: true });
    expect(types(m.round(cfg(1), NO_FACTS))).toEqual(['error']);
  });
});

describe('a secure round', () => {
  const s = spec({ secure: true });
  const joined = () => {
    const m = machine();
    offer(m, s);
    return m;
  };

  it('needs session parameters (E_SECAGG_PARAMS) and refuses a lowered threshold before evaluating', () => {
    const m = joined();
    expect(errorOf(m.round(cfg(1), NO_FACTS))).toBe('E_SECAGG_PARAMS');
    expect(errorOf(m.round(cfg(1, { secagg: secagg(s, 1, 1, { threshold: 2 }) }), NO_FACTS))).toBe('E_SECAGG_PARAMS');
    expect(m.stageOf('job')).toBeNull();
  });

  it('advertises after training; refuses a replayed attempt (E_SECAGG_ATTEMPT) and keeps the session', () => {
    const m = joined();
    m.round(cfg(1, { secagg: secagg(s, 1, 1) }), NO_FACTS);
    m.evaluated('job', 1, EVAL);
    expect(types(m.trained('job', 1, OUT))).toEqual(['secaggAdvertise']);
    expect(m.stageOf('job')).toBe('advertised');
    expect(errorOf(m.round(cfg(1, { secagg: secagg(s, 1, 1) }), NO_FACTS))).toBe('E_SECAGG_ATTEMPT');
    expect(m.stageOf('job')).toBe('advertised');
  });

  it('refuses a message in the wrong stage (E_WIRE_UNEXPECTED) and one for no session (E_ROUND_MISMATCH)', () => {
    const m = joined();
    expect(errorCode(() => m.secagg('job', 1, { secaggKeys: {} }))).toBe('E_ROUND_MISMATCH');
    m.round(cfg(1, { secagg: secagg(s, 1, 1) }), NO_FACTS);
    m.evaluated('job', 1, EVAL);
    m.trained('job', 1, OUT);
    expect(errorOf(m.secagg('job', 1, { secaggKeys: {} }))).toBe('E_WIRE_UNEXPECTED');
    expect(m.stageOf('job')).toBe('done');
    expect(errorCode(() => m.secagg('job', 1, { secaggCommitments: {} }))).toBe('E_ROUND_MISMATCH');
  });

  it('an older round than the last opened is refused (E_ROUND_MISMATCH)', () => {
    const m = joined();
    m.round(cfg(2, { secagg: secagg(s, 2, 1) }), NO_FACTS);
    expect(errorOf(m.round(cfg(1, { secagg: secagg(s, 1, 1) }), NO_FACTS))).toBe('E_ROUND_MISMATCH');
  });
});

describe('a retried attempt at a round whose unmask request this hospital answered (cross-attempt-difference.test.ts)', () => {
  /** An attempt log that has opened attempt 1 of round 1 and answered its unmask request. */
  const afterUnmask = () => {
    const attempts = new AttemptLog();
    attempts.admit('job', 1, 1);
    attempts.unmasking('job', 1);
    return attempts;
  };

  it('without DP: refused (E_SECAGG_ATTEMPT), nothing trained, since the same update would go into a second sum', () => {
    const s = spec({ secure: true });
    const m = machine({ attempts: afterUnmask() });
    offer(m, s);
    const fx = m.round(cfg(1, { train: true, secagg: secagg(s, 1, 2) }), NO_FACTS);
    expect(errorOf(fx)).toBe('E_SECAGG_ATTEMPT');
    expect(types(fx)).not.toContain('train');
    expect(m.stageOf('job')).toBeNull();
  });

  it('record-level DP: its kept output is not sent again; the round is charged and trained afresh', () => {
    const s = spec({ privacy: true, secure: true });
    const facts = { latest: 1, charged: roundMechanism(s, 1), kept: OUT, keptAny: true };
    const m = machine({ budget: { delta: 1e-5 }, keepsOutputs: true, attempts: afterUnmask() });
    offer(m, s);
    m.reserved('job', { allowed: true });
    expect(types(m.round(cfg(1, { secagg: secagg(s, 1, 2) }), facts))).toEqual(['charge']);
    expect(types(m.charged('job', 1, { allowed: true }))).toEqual(['train']);
    // Without the unmask answered, the same retry re-sends the kept output at no new charge.
    const n = machine({ budget: { delta: 1e-5 }, keepsOutputs: true });
    offer(n, s);
    n.reserved('job', { allowed: true });
    expect(types(n.round(cfg(1, { secagg: secagg(s, 1, 2) }), facts))).toEqual(['secaggAdvertise']);
  });
});
