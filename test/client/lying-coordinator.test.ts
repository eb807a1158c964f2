/**
 * A real hospital daemon against a coordinator that lies, over a real
 * socket: the daemon checks a round's session before it evaluates, trains,
 * charges or sends anything, refuses a replayed attempt, and adopts a roster
 * from the coordinator only if the hospitals' quorum signed it.
 * (test/core/secagg/lying-coordinator.test.ts covers each attack in depth.)
 */
import { describe, it, expect, afterAll } from 'vitest';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { draftRosterChange, signRoster } from '../../core/roster/index.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { hospitalUnderTest, NETWORK } from '../helpers/hospital-under-test.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function lyingCoordinator() {
  const spec = resolveJob(
    parseJobSpec(
      syntheticJob({
        rounds: 3,
        minClients: 3,
        targetClients: 4,
        privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
      }),
    ),
    NETWORK.length,
  );
  const h = await hospitalUnderTest(spec, { cleanups });
  const offer = (round: number, attempt: number, lie: Record<string, unknown> = {}) =>
    h.round(round, h.secagg(round, attempt, lie));
  return { ...h, spec, send: h.fake.send, offer, bodies: (round: number) => h.frames(round) };
}

describe('a real daemon against a lying coordinator', () => {
  it('refuses a lowered threshold with E_SECAGG_PARAMS before evaluating, training or charging; runs the honest session; refuses a replayed attempt', async () => {
    const c = await lyingCoordinator();
    c.offer(1, 1, { threshold: 2 });
    await until(() => c.bodies(1).length > 0, 20_000, 'an answer to the lying round');
    expect(c.bodies(1)).toEqual(['error E_SECAGG_PARAMS']);
    expect(c.state.budget.spends('synthetic-v1')).toEqual([]);

    c.offer(2, 1);
    await until(() => c.bodies(2).includes('secaggAdvertise'), 20_000, 'the honest session advertised');
    // A DP job's training rounds release no evaluation (only its final round does).
    expect(c.bodies(2)).toEqual(['secaggAdvertise']);
    c.offer(2, 1); // the same attempt again
    await until(() => c.bodies(2).length > 1, 20_000, 'an answer to the replayed attempt');
    expect(c.bodies(2).slice(1)).toEqual(['error E_SECAGG_ATTEMPT']);
  }, 60_000);

  it("adopts a roster version only with the hospitals' quorum; a coordinator-made one adding a Sybil is refused", async () => {
    const c = await lyingCoordinator();
    const sybil = ed25519KeyPair();
    // The coordinator drafts v2 adding its Sybil, signed by the Sybil alone: no quorum of h, i, j, k.
    const forged = signRoster(
      draftRosterChange(c.net.chain, { add: [{ name: 'sybil', key: Buffer.from(sybil.publicKey).toString('hex') }] }),
      'sybil',
      sybil,
    );
    c.send({ rosterUpdate: { chainJson: JSON.stringify(forged) } });
    // Frames are handled in order: once a session under v1 is answered, the forged version was looked at, and refused.
    c.offer(1, 1);
    await until(() => c.bodies(1).includes('secaggAdvertise'), 20_000, 'a session under v1 accepted');
    expect(c.adopted).toHaveLength(0);
    expect(c.daemon.rosterHead?.version).toBe(1);
    // The same change signed by three of the four hospitals (q(4) = 3) and the new member is a real roster change.
    let signed = forged;
    for (const n of ['i', 'j', 'k']) signed = signRoster(signed, n, c.net.identity(n));
    c.send({ rosterUpdate: { chainJson: JSON.stringify(signed) } });
    await until(() => c.adopted.length > 0, 10_000, 'the signed version adopted');
    expect(c.adopted).toHaveLength(1);
    expect(c.daemon.rosterHead?.version).toBe(2);
    expect(c.daemon.rosterHead?.members.has('sybil')).toBe(true);
    // A rollback to v1 afterwards changes nothing.
    c.send({ rosterUpdate: { chainJson: JSON.stringify(c.net.chain) } });
    c.offer(2, 1);
    await until(() => c.bodies(2).length > 0, 20_000, 'an answer to a session under the old roster');
    expect(c.bodies(2)).toEqual(['error E_ROSTER_MISMATCH']);
    expect(c.daemon.rosterHead?.version).toBe(2);
  }, 60_000);

  it('declines an offer whose spec JSON is malformed or fails the schema (E_JOB_SPEC), stays connected, and reserves or charges nothing for it', async () => {
    const c = await lyingCoordinator();
    const honest = JSON.parse(JSON.stringify(c.spec)) as Record<string, unknown>;
    const offers: Record<string, string> = {
      truncated: '{"name":',
      unknownField: JSON.stringify({ ...honest, unknownField: 1 }),
      negativeRounds: JSON.stringify({ ...honest, rounds: -1 }),
    };
    for (const [jobId, specJson] of Object.entries(offers)) c.send({ jobId, jobOffer: { specJson, owner: '' } });
    const answer = (jobId: string) => c.fake.got.find((e) => e.jobId === jobId);
    await until(() => Object.keys(offers).every((j) => answer(j)), 20_000, 'an answer to each lying offer');
    for (const jobId of Object.keys(offers)) {
      expect(answer(jobId)!.body, jobId).toBe('declineJob');
      expect(answer(jobId)!.declineJob?.code, jobId).toBe('E_JOB_SPEC');
    }
    expect(c.closed).toEqual([]);
    for (const jobId of Object.keys(offers)) expect(c.state.budget.reserved('synthetic-v1', jobId), jobId).toBe(false);
    expect(c.state.budget.spends('synthetic-v1')).toEqual([]);
    // Still connected, and still in the honest job: frames are handled in order, so a session answered on this
    // connection after the declines shows no decline closed it (a close could otherwise land after the check above).
    c.offer(1, 1);
    await until(
      () => c.bodies(1).includes('secaggAdvertise'),
      20_000,
      'the honest session answered after the declines',
    );
    expect(c.closed).toEqual([]);
  }, 60_000);
});
