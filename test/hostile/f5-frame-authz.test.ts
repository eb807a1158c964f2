/**
 * Issue 16, finding 5: anyone authenticated could write ledger entries. An
 * auditor or researcher sent `error` and `declineJob` frames for any live job
 * and round and each became a signed budget-refusal entry (400 in 11 s, and
 * `ledger verify` still said OK); the access-denial cap was per connection
 * and reset on reconnect. Now every frame kind is checked for role
 * (core/auth/frames.ts), a refusal or decline is taken only from a hospital
 * the job was offered to, for the round last sent to it, once
 * (core/auth/refusals.ts), and denials are capped per identity
 * (core/auth/denials.ts). Against a real coordinator with enrolment.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coordinator } from '../../coordinator/coordinator.ts';
import { readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import type { Identity } from '../../core/secagg/index.ts';
import { CLIENT_FRAMES, FRAME_POLICY, frameDenial, frameKind } from '../../core/auth/frames.ts';
import { RefusalGate } from '../../core/auth/refusals.ts';
import { DenialLog, MAX_DENIALS_PER_IDENTITY } from '../../core/auth/denials.ts';
import { ROLES } from '../../core/auth/policy.ts';
import { tensorOf, type EnvelopeInit } from '../../edge/wire/codec.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { signedClient } from '../helpers/signed-client.ts';
import type { RawClient } from '../helpers/raw-client.ts';
import { until } from '../helpers/until.ts';
import { enrolledCoordinator } from '../helpers/enroll.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-f5-'));
const db = join(dir, 'c.db');
let coordinator: Coordinator;
let port: number;
let jobId = '';
let ids: Record<string, Identity>;
const clients: RawClient[] = [];
/** h1 joins the job and is sent round 1; h2 is offered it and does not join. */
const users = { h1: 'hospital', h2: 'hospital', rita: 'researcher', rob: 'researcher', aud: 'auditor' } as const;

interface Entry {
  kind: string;
  jobId: string;
  round: number;
  body: Record<string, unknown>;
}
const ledger = (): Entry[] => readCoordinatorLedger(db).entries.map((e) => JSON.parse(e.canonical) as Entry);
const refusals = () => ledger().filter((e) => e.kind === 'budget-refusal');
const denialsOf = (who: string) => ledger().filter((e) => e.kind === 'access-denial' && e.body['subject'] === who);

async function connect(name: string): Promise<RawClient> {
  const r = await signedClient(port, name, ids[name]!);
  clients.push(r);
  return r;
}

/** Sends `frames` and waits for one error frame per frame sent; returns their codes. */
async function answers(r: RawClient, frames: Omit<EnvelopeInit, 'version'>[]): Promise<string[]> {
  const before = r.errorCodes().length;
  for (const f of frames) r.send(f);
  await until(
    () => r.errorCodes().length >= before + frames.length || r.closeCode !== null,
    20_000,
    'an answer to every frame',
  );
  return r.errorCodes().slice(before);
}

beforeAll(async () => {
  ({ coordinator, port, ids } = await enrolledCoordinator({ dbPath: db, people: users }));
  // Plaintext, one client: round 1 opens as soon as h1 joins, and stays open (long timeout) for the tests.
  jobId = coordinator.submitJob(
    syntheticJob({
      rounds: 2,
      minClients: 1,
      targetClients: 1,
      roundTimeoutMs: 600_000,
      secureAggregation: { enabled: false },
    }),
  );
  const h1 = await connect('h1');
  await h1.waitFor((e) => e.body === 'jobOffer' && e.jobId === jobId);
  h1.send({ jobId, joinJob: { weight: 10 } });
  await h1.waitFor((e) => e.body === 'roundConfig' && e.round === 1);
  const h2 = await connect('h2');
  await h2.waitFor((e) => e.body === 'jobOffer' && e.jobId === jobId);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await coordinator.close();
});

describe('the frame table (core/auth/frames.ts)', () => {
  it('gives every frame but a Request and a job-less notice to hospitals alone', () => {
    for (const kind of CLIENT_FRAMES) {
      const expected = kind === 'request' || kind === 'notice' ? [...ROLES] : ['hospital'];
      expect([...FRAME_POLICY[kind]], kind).toEqual(expected);
      for (const role of ROLES)
        expect(frameDenial(role, kind) === null, `${role} ${kind}`).toBe(expected.includes(role));
    }
    expect(frameKind('error', '')).toBe('notice');
    expect(frameKind('error', 'j')).toBe('error');
    expect(frameKind('notice', '')).toBeNull();
    expect(frameKind('roundResult', 'j')).toBeNull();
    expect(frameKind('hello', '')).toBeNull();
  });

  it("takes a hospital's no only for a job offered to it and the round last sent to it, once", () => {
    const gate = new RefusalGate();
    expect(gate.admit('h', 0)).toBe('not-offered');
    gate.offer('h');
    expect(gate.admit('h', 1)).toBe('not-sent');
    expect(gate.admit('h', 0)).toBe('record');
    expect(gate.admit('h', 0)).toBe('repeat');
    gate.sent('h', 1);
    gate.sent('h', 2);
    expect(gate.admit('h', 1)).toBe('not-sent');
    expect(gate.admit('h', 3)).toBe('not-sent');
    expect(gate.admit('h', 2)).toBe('record');
    expect(gate.admit('h', 2)).toBe('repeat');
    expect(gate.admit('other', 2)).toBe('not-offered');
  });

  it('caps denials per identity and the identities it remembers', () => {
    const log = new DenialLog(3, 2);
    expect([1, 1, 2, 3, 4].map((j) => log.admit('a', 'x', `j${j}`))).toEqual([true, false, true, true, false]);
    expect(log.admit('b', 'x', 'j')).toBe(true);
    expect(log.admit('c', 'x', 'j')).toBe(false); // a third identity: past the cap, not recorded
    expect(log.admit('a', 'y', 'j1')).toBe(false);
  });
});

describe('an authenticated auditor or researcher', () => {
  const hospitalFrames = (): Omit<EnvelopeInit, 'version'>[] => [
    { jobId, round: 1, error: { code: 'E_BUDGET_EXCEEDED', message: 'forged refusal' } },
    { jobId, declineJob: { code: 'E_BUDGET_EXCEEDED', reason: 'forged decline' } },
    { jobId, joinJob: { weight: 1 } },
    { jobId, round: 1, update: { delta: tensorOf(new Float32Array(4)), numExamples: 1 } },
    { jobId, round: 1, evaluation: { withheld: true } },
    { jobId, round: 1, secaggAdvertise: {} },
    { ledgerCosignature: { size: 1, root: new Uint8Array(32), timestamp: 1, signature: new Uint8Array(64) } },
  ];

  for (const name of ['rita', 'aud']) {
    it(`${name} gets E_FORBIDDEN for every hospital frame, and no budget refusal or decline enters the ledger`, async () => {
      const r = await connect(name);
      const codes = await answers(r, hospitalFrames());
      expect(codes).toEqual(hospitalFrames().map(() => 'E_FORBIDDEN'));
      expect(r.closeCode).toBeNull();
      expect(refusals()).toEqual([]);
      // Recorded as access denials, one per frame kind and job (bounded below): an auditor sees who tried.
      expect(
        denialsOf(name)
          .map((e) => e.body['action'])
          .sort(),
      ).toEqual([
        'frame.declineJob',
        'frame.error',
        'frame.evaluation',
        'frame.ledgerCosignature',
        'frame.secaggAdvertise',
        'frame.update',
        'job.join',
      ]);
      // A job-less error is a notice: logged only, no answer and no entry.
      r.send({ error: { code: 'E_INTERNAL', message: 'just saying' } });
      expect(await answers(r, [{ jobId, declineJob: { code: 'E_BUDGET_EXCEEDED' } }])).toEqual(['E_FORBIDDEN']);
      expect(denialsOf(name).length).toBe(7);
    });
  }

  it('cannot grow the ledger past its denial cap by reconnecting', async () => {
    const batch = (from: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        jobId: `no-such-job-${from + i}`,
        declineJob: { code: 'E_BUDGET_EXCEEDED' },
      }));
    for (const from of [0, 50]) {
      const r = await connect('rob');
      expect(new Set(await answers(r, batch(from)))).toEqual(new Set(['E_FORBIDDEN']));
      r.close();
      await r.waitClosed();
    }
    expect(denialsOf('rob').length).toBe(MAX_DENIALS_PER_IDENTITY);
    expect(refusals()).toEqual([]);
  });
});

describe('a hospital', () => {
  it('cannot refuse a round not sent to it: E_NOT_PARTICIPANT, no entry', async () => {
    const [h1, h2] = [clients.find((c) => c.name === 'h1')!, clients.find((c) => c.name === 'h2')!];
    // h2 was offered the job but is not in round 1; h1 is in round 1, and rounds 2 and 99 were never sent.
    expect(
      await answers(h2, [{ jobId, round: 1, error: { code: 'E_BUDGET_EXCEEDED', message: 'not my round' } }]),
    ).toEqual(['E_NOT_PARTICIPANT']);
    expect(
      await answers(
        h1,
        [2, 99].map((round) => ({ jobId, round, error: { code: 'E_BUDGET_EXCEEDED', message: 'no such round' } })),
      ),
    ).toEqual(['E_NOT_PARTICIPANT', 'E_NOT_PARTICIPANT']);
    expect(refusals()).toEqual([]);
    expect(h1.closeCode).toBeNull();
  });

  it('declines a job offered to it, and refuses its round, once each however often it repeats them; the ledger verifies', async () => {
    const [h1, h2] = [clients.find((c) => c.name === 'h1')!, clients.find((c) => c.name === 'h2')!];
    for (let i = 0; i < 3; i++) h2.send({ jobId, declineJob: { code: 'E_BUDGET_EXCEEDED', reason: 'over budget' } });
    for (let i = 0; i < 3; i++)
      h1.send({ jobId, round: 1, error: { code: 'E_BUDGET_EXCEEDED', message: 'over budget' } });
    await until(() => refusals().length === 2, 20_000, 'the two refusals');
    // One more frame each, answered: everything before it has been handled.
    expect(await answers(h2, [{ jobId: 'no-such-job', joinJob: { weight: 1 } }])).toEqual(['E_UNKNOWN_JOB']);
    expect(await answers(h1, [{ jobId: 'no-such-job', joinJob: { weight: 1 } }])).toEqual(['E_UNKNOWN_JOB']);
    expect(
      refusals()
        .map((e) => [e.body['hospital'], e.round])
        .sort(),
    ).toEqual([
      ['h1', 1],
      ['h2', 0],
    ]);
    expect(verifyFiles({ db }).ok).toBe(true);
  });
});
