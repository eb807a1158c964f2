import { describe, it, expect } from 'vitest';
import { JobMachine, MAX_ROUND_ATTEMPTS, type JobEffect, type JobResume } from '../../../core/round/job.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { of, plainJobInput, sends } from './fixtures.ts';

const spec = parseJobSpec(plainJobInput);
const w0 = new Float32Array([0, 0]); // kernel [1,1] + bias [1]
const metrics = (n: number, c: number) => ({ numExamples: n, numCorrect: c, loss: 0.5, accuracy: c / n, auc: 0.5 });
const upd = (d: number[], n: number) => ({ delta: new Float32Array(d), numExamples: n, trainLoss: 0.1, steps: 1 });

/** A machine for `spec` from round 0 (or as `resume` says), starting from w0. */
const machine = (resume: Partial<JobResume> = {}, s = spec) =>
  new JobMachine('j', s, { completedRounds: 0, weights: w0, serverState: null, ...resume });

/** A job of two target clients with both joined: round 1 is open; `opened` is what the second join sent. */
function pairJoined(resume: Partial<JobResume> = {}) {
  const m = machine(resume, { ...spec, targetClients: 2 });
  m.clientJoined('a', 0);
  return { m, opened: m.clientJoined('b', 0) };
}

describe('JobMachine', () => {
  it('waits for targetClients, or minClients plus joinWaitMs', () => {
    const m = machine();
    expect(sends(m.clientJoined('a', 0))).toHaveLength(0);
    const fx = m.clientJoined('b', 100);
    expect(sends(fx)).toHaveLength(0);
    expect(of(fx, 'wakeAt')[0]!.at).toBe(600); // min reached at 100, wait 500
    expect(sends(m.tick(599))).toHaveLength(0);
    const start = m.tick(600);
    expect(sends(start).map((s) => s.to)).toEqual(['a', 'b']);
    expect(m.status).toBe('running');
  });

  it('starts at once when targetClients joined and runs train rounds then a final evaluation', () => {
    const m = machine();
    m.clientJoined('a', 0);
    m.clientJoined('b', 0, { identityKey: null, numTrain: 3 }); // its update's weight, as declared in its JoinJob
    const fx = m.clientJoined('c', 0);
    const configs = sends(fx);
    expect(configs.map((s) => [s.to, s.round])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(configs.every((s) => 'roundConfig' in s.body && s.body.roundConfig.train)).toBe(true);

    // Round 1: weighted FedAvg of deltas: (1*1 + 3*5) / 4 = 4 for the kernel, (0 + 3*(-4))/4 = -3 bias. c straggles.
    m.submitEvaluation('a', 1, { metrics: metrics(10, 5), released: false }, 10);
    m.submitUpdate('a', 1, upd([1, 0], 1), 10);
    m.submitUpdate('b', 1, upd([5, -4], 3), 20);
    let out = m.tick(1000);
    const done = of(out, 'roundCompleted')[0]!.record;
    expect(done.round).toBe(1);
    expect(done.dropped).toEqual(['c']);
    expect([...done.weights]).toEqual([4, -3]);
    expect(done.pooled?.accuracy).toBe(0.5);
    expect(done.trainLoss).toBeCloseTo(0.1);
    // The straggler is still connected, so it is invited to round 2 with the new weights.
    const r2 = sends(out).filter((s) => 'roundConfig' in s.body);
    expect(r2.map((s) => s.to)).toEqual(['a', 'b', 'c']);
    expect(r2.every((s) => s.round === 2)).toBe(true);

    for (const c of ['a', 'b', 'c']) out = m.submitUpdate(c, 2, upd([1, 1], 1), 1100).effects;
    const evalRound = sends(out).filter((s) => 'roundConfig' in s.body);
    expect(evalRound.every((s) => s.round === 3 && 'roundConfig' in s.body && !s.body.roundConfig.train)).toBe(true);
    expect([...m.globalWeights]).toEqual([5, -2]);

    m.submitEvaluation('a', 3, { metrics: metrics(10, 9), released: false }, 1200);
    m.submitEvaluation('b', 3, { metrics: metrics(10, 7), released: false }, 1200);
    out = m.submitEvaluation('c', 3, { metrics: metrics(20, 10), released: false }, 1200);
    const fin = of(out, 'roundCompleted')[0]!.record;
    expect(fin.kind).toBe('evaluate');
    expect(fin.pooled?.accuracy).toBeCloseTo(26 / 40);
    expect([...fin.weights]).toEqual([5, -2]);
    expect(of(out, 'status')[0]!.status).toBe('completed');
    expect(sends(out).filter((s) => 'jobEvent' in s.body)).toHaveLength(3);
    expect(m.finished).toBe(true);
  });

  it('a DP job averages updates with equal weights, whatever example counts the hospitals declare or send (issue 15, finding 3)', () => {
    const dp = parseJobSpec({
      ...spec,
      privacy: { unit: 'record', epsilon: 5, delta: 1e-5, clip: 1, samplingRate: 0.1, noiseMultiplier: 2 },
    });
    const m = machine({}, dp);
    m.clientJoined('a', 0, { identityKey: null, numTrain: 1000 });
    m.clientJoined('b', 0, { identityKey: null, numTrain: 1 });
    m.clientJoined('c', 0);
    m.submitUpdate('a', 1, upd([9, 0], 1e6), 10);
    m.submitUpdate('b', 1, upd([0, 3], 1), 10);
    const done = of(m.submitUpdate('c', 1, upd([0, 0], 7), 10).effects, 'roundCompleted')[0]!.record;
    // The plain mean (3, 1), not a mean weighted 10^6 : 1 : 7 towards a.
    expect([...done.weights]).toEqual([3, 1]);
  });

  it('retries a failed round and fails the job after MAX_ROUND_ATTEMPTS', () => {
    const { m } = pairJoined();
    let now = 0;
    let failures = 0;
    for (let attempt = 1; attempt <= MAX_ROUND_ATTEMPTS; attempt++) {
      now += 1000;
      const fx = m.tick(now); // nobody answered: deadline passes
      failures += of(fx, 'roundFailed').length;
      if (attempt < MAX_ROUND_ATTEMPTS)
        expect(sends(fx).filter((s) => 'roundConfig' in s.body && s.round === 1)).toHaveLength(2);
      else expect(of(fx, 'status')[0]).toMatchObject({ status: 'failed' });
    }
    expect(failures).toBe(MAX_ROUND_ATTEMPTS);
    expect(m.status).toBe('failed');
    expect(m.completedRounds).toBe(0);
  });

  it('a client leaving mid-round drops it; the round fails when too few remain and waits again', () => {
    const { m } = pairJoined();
    const fx = m.clientLeft('b', 10);
    expect(of(fx, 'roundFailed')).toHaveLength(1);
    expect(sends(fx)).toHaveLength(0); // only one client left: back to waiting
    expect(m.currentRound).toBeNull();
    const again = m.clientJoined('b', 20);
    expect(sends(again).map((s) => s.round)).toEqual([1, 1]);
  });

  it('resumes at the round after the last completed one', () => {
    const w = new Float32Array([7, 8]);
    const { opened } = pairJoined({ completedRounds: 1, weights: w });
    const cfg = sends(opened)[0]!;
    expect(cfg.round).toBe(2);
    expect('roundConfig' in cfg.body && [...cfg.body.roundConfig.weights]).toEqual([7, 8]);
    expect(machine({ completedRounds: 3, weights: w }).finished).toBe(true);
  });

  it('rejects updates for the wrong round or from non-members', () => {
    const { m } = pairJoined();
    expect(() => m.submitUpdate('a', 2, upd([1, 1], 1), 1)).toThrow(
      expect.objectContaining({ code: 'E_ROUND_MISMATCH' }),
    );
    expect(() => m.submitUpdate('zed', 1, upd([1, 1], 1), 1)).toThrow(
      expect.objectContaining({ code: 'E_NOT_PARTICIPANT' }),
    );
    expect(m.currentRound?.updates.size).toBe(0);
  });

  it('gives each client a different shuffling seed per round, reproducibly', () => {
    const run = () => sends(pairJoined().opened).map((s) => ('roundConfig' in s.body ? s.body.roundConfig.seed : -1));
    const [a, b] = run();
    expect(a).not.toBe(b);
    expect(run()).toEqual([a, b]);
  });
});

describe('JobMachine pause and resume', () => {
  const started = () => {
    const m = machine();
    for (const c of ['a', 'b', 'c']) m.clientJoined(c, 0);
    return m;
  };

  it('lets the round in flight finish, then opens no round until resumed', () => {
    const m = started();
    expect(of(m.pause('by rita'), 'status')[0]).toMatchObject({ status: 'paused', reason: 'by rita' });
    expect(m.pause('again')).toEqual([]); // already paused: nothing new
    let out: JobEffect[] = [];
    for (const c of ['a', 'b', 'c']) out = m.submitUpdate(c, 1, upd([1, 1], 1), 10).effects;
    expect(of(out, 'roundCompleted')[0]!.record.round).toBe(1);
    expect(sends(out).filter((s) => 'roundConfig' in s.body)).toHaveLength(0);
    expect(sends(m.tick(100_000)).filter((s) => 'roundConfig' in s.body)).toHaveLength(0);
    expect(m.status).toBe('paused');
    expect(m.completedRounds).toBe(1);

    const resumed = m.resume('by rita', 100_001);
    expect(of(resumed, 'status')[0]!.status).toBe('running');
    expect(
      sends(resumed)
        .filter((s) => 'roundConfig' in s.body)
        .map((s) => s.round),
    ).toEqual([2, 2, 2]);
  });

  it('a job paused before its first round waits again on resume; finished or running jobs refuse the wrong transition', () => {
    const m = machine();
    m.pause('early');
    m.clientJoined('a', 0);
    m.clientJoined('b', 0);
    expect(sends(m.clientJoined('c', 0))).toHaveLength(0); // three members, but paused
    const out = m.resume('go', 1);
    expect(of(out, 'status')[0]!.status).toBe('waiting');
    expect(m.status).toBe('running'); // the tick that followed opened round 1
    expect(() => m.resume('twice', 2)).toThrow(expect.objectContaining({ code: 'E_JOB_STATE' }));
    m.cancel('stop');
    expect(() => m.pause('late')).toThrow(expect.objectContaining({ code: 'E_JOB_STATE' }));
  });

  it('a job stored as paused comes back paused', () => {
    const m = machine({ completedRounds: 1, paused: true });
    expect(m.status).toBe('paused');
    for (const c of ['a', 'b', 'c']) expect(sends(m.clientJoined(c, 0))).toHaveLength(0);
    expect(sends(m.resume('go', 1)).filter((s) => 'roundConfig' in s.body)).toHaveLength(3);
  });
});

describe('JobMachine declined by all (issue 21)', () => {
  it('fails at once, telling every hospital offered it; a job with a member or a round run is left alone', () => {
    const m = machine();
    m.offered('a');
    m.offered('b');
    const fx = m.declinedByAll('declined by every hospital: a: E_X x; b: E_Y y');
    expect(of(fx, 'status')).toEqual([
      { type: 'status', status: 'failed', reason: 'declined by every hospital: a: E_X x; b: E_Y y' },
    ]);
    expect(sends(fx).map((s) => s.to)).toEqual(['a', 'b']);
    expect(m.declinedByAll('again')).toEqual([]);
    const joined = machine();
    joined.clientJoined('a', 0);
    expect(joined.declinedByAll('no')).toEqual([]);
    expect(joined.status).toBe('waiting');
    expect(pairJoined().m.declinedByAll('no')).toEqual([]); // started: round 1 is open
    expect(machine({ completedRounds: 1 }).declinedByAll('no')).toEqual([]); // resumed after a round
  });
});

describe('JobMachine start deadline (issue 16, finding 3)', () => {
  const waiting = (resume: Partial<JobResume> = {}) => machine({ startBy: 5000, ...resume });
  const jobEvents = (fx: JobEffect[]) => sends(fx).filter((s) => 'jobEvent' in s.body);

  it('a job short of minClients wakes at its deadline and fails there, telling every hospital offered it', () => {
    const m = waiting();
    expect(of(m.tick(0), 'wakeAt')).toEqual([{ type: 'wakeAt', at: 5000 }]); // the first tick, with nobody joined, sets the wake-up
    m.offered('never-joined');
    expect(of(m.clientJoined('a', 100), 'wakeAt')).toEqual([{ type: 'wakeAt', at: 5000 }]); // 1 of minClients 2
    expect(m.tick(4999).filter((e) => e.type !== 'wakeAt')).toEqual([]);
    const fx = m.tick(5000);
    expect(of(fx, 'status')).toEqual([
      {
        type: 'status',
        status: 'failed',
        reason: `not started by its start deadline (${new Date(5000).toISOString()}): 1 of the 2 hospitals it needs had joined`,
      },
    ]);
    expect(jobEvents(fx).map((s) => s.to)).toEqual(['a', 'never-joined']); // each holds a reservation that only this ends
    expect(m.finished).toBe(true);
    expect(() => m.clientJoined('b', 5001)).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_JOB' }));
  });

  it('with minClients joined it starts at the deadline instead of waiting out joinWaitMs', () => {
    const m = waiting();
    m.clientJoined('a', 4800);
    expect(of(m.clientJoined('b', 4800), 'wakeAt')).toEqual([{ type: 'wakeAt', at: 5000 }]); // not 4800 + joinWaitMs
    const fx = m.tick(5000);
    expect(
      sends(fx)
        .filter((s) => 'roundConfig' in s.body)
        .map((s) => s.to),
    ).toEqual(['a', 'b']);
    expect(m.status).toBe('running');
    expect(of(m.clientLeft('b', 6000), 'status')).toEqual([]); // once started, the deadline no longer applies
    expect(m.tick(100_000).some((e) => e.type === 'status' && e.status === 'failed')).toBe(false);
  });

  it('a job paused before its first round fails at the deadline too', () => {
    const m = waiting();
    m.pause('by rita');
    for (const c of ['a', 'b', 'c']) m.clientJoined(c, 0);
    expect(of(m.tick(5000), 'status')[0]).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('paused before its first round'),
    });
  });

  it("counts from the job's creation across a restart: a resumed job past it fails at its first tick; one that had started has none", () => {
    expect(of(waiting().tick(9000), 'status')[0]).toMatchObject({ status: 'failed' });
    expect(waiting({ attempts: 1 }).tick(9000)).toEqual([]); // it opened round 1 before the restart
    expect(waiting({ completedRounds: 1 }).tick(9000)).toEqual([]);
    expect(machine().tick(1e12)).toEqual([]); // no deadline given
  });
});
