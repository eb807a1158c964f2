/**
 * The attempt log in the state database (client/attempt-log-store.ts) is what
 * keeps a restarted hospital from putting an input it helped unmask into a
 * second sum. A lying coordinator must not be able to wipe it by saying the
 * job ended: a restarted daemon holds no job yet, so an ending is all it
 * takes, and the re-offer that follows is joined (without DP nothing durable
 * remembers the ending). Review (changereview): the job's end deleted the
 * mark, and a restarted hospital then opened a later attempt at the round it
 * had helped unmask, without DP retraining its update bit for bit.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttemptLogStore } from '../../client/attempt-log-store.ts';
import { openHospitalState, type HospitalState } from '../../client/hospital-state.ts';
import type { HospitalMachine } from '../../core/round/hospital-machine.ts';
import { AttemptLog } from '../../core/round/hospital-session.ts';
import { NO_FACTS } from '../../core/round/hospital-effects.ts';
import { machineFixture } from '../helpers/hospital-machine.ts';

const { plain, machine: bareMachine, attempt, answer } = machineFixture('attempt-job-end');

const open: HospitalState[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** A daemon's start on the state at `path` (as client start --state without a budget): a new machine over its attempt log. */
function start(path: string): { m: HospitalMachine; log: AttemptLog; stop: () => void } {
  const st = openHospitalState(path);
  open.push(st);
  const log = new AttemptLog(st.ledger.beside((db, now) => new AttemptLogStore(db, 'synthetic-v1', now)));
  const m = bareMachine({ attempts: log });
  return { m, log, stop: () => open.splice(open.indexOf(st), 1)[0]!.close() };
}

const offer = (m: HospitalMachine) =>
  m.offer({ jobId: 'job', spec: plain, owner: null, endedHere: false, reservedHere: false });

/** Attempt 1 of round 1 opened and its unmask request answered (the mark HospitalSession.onUnmaskRequest stores). */
function unmaskedOnce(path: string) {
  const h = start(path);
  offer(h.m);
  expect(answer(h.m.round(attempt(1, 1), NO_FACTS))).toEqual(['opened']);
  h.log.unmasking('job', 1);
  return h;
}

const fresh = () => join(mkdtempSync(join(tmpdir(), 'cohort-attempt-end-')), 'state.db');

describe("a coordinator that says the job ended, to wipe a restarted hospital's unmask mark", () => {
  it('ended before the re-offer: the restarted hospital still refuses a later attempt at the round', () => {
    const path = fresh();
    unmaskedOnce(path).stop();
    const again = start(path);
    // Refused as it stands: the mark outlived the restart.
    offer(again.m);
    expect(answer(again.m.round(attempt(1, 2), NO_FACTS))).toEqual(['error E_SECAGG_ATTEMPT']);
    again.stop();
    const third = start(path);
    third.m.jobEvent('job', 'CANCELLED');
    const reoffered = answer(offer(third.m));
    const opened = answer(third.m.round(attempt(1, 3), NO_FACTS));
    expect([...reoffered, ...opened]).not.toContain('opened');
  });

  it('ended while it ran, re-offered after a restart: still refused', () => {
    const path = fresh();
    const h = unmaskedOnce(path);
    h.m.jobEvent('job', 'CANCELLED');
    h.stop();
    const again = start(path);
    const reoffered = answer(offer(again.m));
    const opened = reoffered.length === 0 ? answer(again.m.round(attempt(1, 2), NO_FACTS)) : [];
    expect([...reoffered, ...opened]).not.toContain('opened');
  });
});
