/**
 * A Hello's datasets are checked after its sender is authenticated. Their
 * check is the costliest step of reading a Hello (each of up to 250,000
 * feature names against the printable rules: about 40 ms for the largest,
 * against 7 ms for protobufjs to decode it and under 0.1 ms to verify the
 * signature), and before the handshake a stranger buys it with every
 * connection. A stranger's Hello with a malformed dataset is refused like
 * every other refused Hello (E_AUTH_FAILED, one message); an enrolled
 * hospital's is refused for what it is (E_WIRE_FIELD).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { HANDSHAKE_REFUSED } from '../../coordinator/handshake.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import type { RawClient } from '../helpers/raw-client.ts';
import { sendSignedHello } from '../helpers/signed-client.ts';

let coordinator: Coordinator;
let port: number;
const alice: Identity = ed25519KeyPair();
const clients: RawClient[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-hello-order-'));
  coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, requireEnrolment: true });
  port = await coordinator.listen();
  coordinator.enroll('alice', 'hospital', alice.publicKey);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await coordinator.close();
});

/** A dataset one of whose feature names holds a right-to-left override. */
const bad = { datasets: [{ schemaId: 's', label: 'y', features: ['age', 'sex\u202e'] }] };

async function refusal(name: string, signer: Identity): Promise<{ code: string; message: string }> {
  const r = await sendSignedHello(port, name, signer, { hello: { name, ...bad } });
  clients.push(r);
  await r.waitClosed();
  const e = r.frames.find((f) => f.body === 'error')!.error!;
  return { code: e.code!, message: e.message! };
}

describe("a Hello's datasets", () => {
  it('are not read for a stranger: its malformed Hello gets the one refusal every refused Hello gets', async () => {
    expect(await refusal('mallory', ed25519KeyPair())).toEqual({ code: 'E_AUTH_FAILED', message: HANDSHAKE_REFUSED });
  });

  it("are checked once the sender is authenticated: an enrolled hospital's malformed one is refused as such", async () => {
    const e = await refusal('alice', alice);
    expect(e.code).toBe('E_WIRE_FIELD');
    expect(e.message).toContain('"hello.datasets.features" holds a control or format character (U+202E');
  });
});
