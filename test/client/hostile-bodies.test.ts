/**
 * A hostile coordinator sending the daemon every body kind of the schema,
 * empty and with its fields at their defaults, one per connection after the
 * Welcome: the daemon refuses or ignores each, never throws past its socket
 * listener (an unhandled error fails the run) and reconnects every time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA } from '../../edge/wire/wire-scan.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { fakeCoordinator, type FakeCoordinator } from '../helpers/fake-coordinator.ts';
import { statelessDaemon } from '../helpers/hospital-daemon.ts';

const net = simulatedNetwork(['alice', 'bob', 'carol']);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const KINDS = SCHEMA.lookupType('cohort.v1.Envelope').oneofs['body']!.oneof;

describe('every body kind from a hostile coordinator, empty', () => {
  it('is refused or ignored without a crash; the daemon reconnects after each', async () => {
    let hellos = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const sent: string[] = [];
    let fake: FakeCoordinator | null = null;
    fake = await fakeCoordinator((send) => {
      const kind = KINDS[hellos++];
      if (kind === undefined) return finish();
      sent.push(kind);
      for (const [jobId, round] of [
        ['j', 1],
        ['', 0],
      ] as const)
        send({ jobId, round, [kind]: {} });
      // A second challenge closes the connection whatever the body did: the next Hello is a reconnection.
      send({ challenge: { nonce: new Uint8Array(32), coordinatorId: 'fake', timestampMs: Date.now() } });
    });
    cleanups.push(() => fake!.close());
    const d = statelessDaemon(Number(new URL(fake.url).port), net, 'alice', net.identity('alice'), {
      backoffMinMs: 1,
      backoffMaxMs: 5,
    });
    cleanups.push(() => d.stop());
    d.start();
    await finished;
    expect(sent).toEqual(KINDS);
    expect(hellos).toBe(KINDS.length + 1);
  });
});
