/**
 * Issue 16, finding 8: an mTLS client certificate was not tied to the enrolled
 * identity, so any certificate from the client CA let its holder authenticate
 * as any name whose key it held. Now the name a Hello authenticates must be
 * the certificate's subject CN or one of its DNS subjectAltNames
 * (core/auth/certificate.ts), or the Hello is refused like any other
 * (E_AUTH_FAILED, the one message every refused Hello gets). Throwaway
 * certificates from openssl, as in test/coordinator/tls.test.ts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { request } from '../../client/request.ts';
import { certificateNames } from '../../core/auth/certificate.ts';
import { CohortError } from '../../core/errors.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { enrollFresh } from '../helpers/enroll.ts';
import { CLIENT_EXT, SERVER_EXT, certificateFolder } from '../helpers/openssl.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-f8-mtls-'));
const pem = (name: string) => readFileSync(join(dir, name));

let coordinator: Coordinator;
let port: number;
let ids: Record<string, Identity>;

beforeAll(async () => {
  const certs = certificateFolder(dir);
  certs.ca('ca');
  certs.ca('client-ca');
  certs.issue('ca', 'server', '127.0.0.1', SERVER_EXT);
  certs.issue('client-ca', 'h1', 'h1', CLIENT_EXT);
  certs.issue('client-ca', 'h2', 'h2', CLIENT_EXT);
  certs.issue('client-ca', 'h3', 'site-3.example', `subjectAltName=DNS:h3\n${CLIENT_EXT}`);
  coordinator = new Coordinator({
    dbPath: join(dir, 'c.db'),
    port: 0,
    requireEnrolment: true,
    tls: { cert: pem('server.crt'), key: pem('server.key'), clientCa: pem('client-ca.crt') },
  });
  port = await coordinator.listen();
  ids = enrollFresh(coordinator, { h1: 'hospital', h2: 'hospital', h3: 'hospital' });
});
afterAll(async () => {
  await coordinator.close();
});

/** A hospital's own-ledger read as `name`, presenting the client certificate `cert`: 'ok' or the error's code and message. */
async function readAs(name: string, cert: string, identity = ids[name]!): Promise<string> {
  try {
    await request(
      {
        coordinatorUrl: `wss://127.0.0.1:${port}`,
        name,
        identity,
        tls: { ca: pem('ca.crt'), cert: pem(`${cert}.crt`), key: pem(`${cert}.key`) },
      },
      { action: 'ledger.read' },
    );
    return 'ok';
  } catch (e) {
    return e instanceof CohortError ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('mutual TLS binds the certificate to the enrolled identity', () => {
  it('lets a hospital in with a certificate naming it, by CN or by DNS subjectAltName', async () => {
    expect(await readAs('h1', 'h1')).toBe('ok');
    expect(await readAs('h3', 'h3')).toBe('ok');
  });

  it('refuses a valid certificate of the client CA naming another identity, with the same answer as an unknown name', async () => {
    const unknown = await readAs('nobody', 'h1', ed25519KeyPair());
    expect(unknown).toMatch(/^E_AUTH_FAILED: /);
    // The name's own key and a signature that verifies, but a certificate naming h2 (or site-3.example and h3).
    expect(await readAs('h1', 'h2')).toBe(unknown);
    expect(await readAs('h2', 'h3')).toBe(unknown);
  });

  it('reads names from the subject CN and DNS subjectAltNames only, exactly', () => {
    expect(
      certificateNames({
        subject: { CN: 'h1' },
        subjectaltname: 'DNS:h1b, IP Address:127.0.0.1, URI:spiffe://x/h9, email:h8@x',
      }),
    ).toEqual(['h1', 'h1b']);
    expect(certificateNames({ subject: { CN: ['a', 'b'] } })).toEqual(['a', 'b']);
    expect(
      certificateNames({ subject: { CN: '*.example' }, subjectaltname: 'DNS:*.example, DNS:"h1, DNS:h2"' }),
    ).toEqual([]);
    expect(certificateNames({})).toEqual([]);
    expect(certificateNames(null)).toEqual([]);
  });
});
