/**
 * Admitting a Hello: its name and key, the client certificate's binding
 * under mutual TLS, and with enrolment the handshake of an enrolled identity
 * (core/auth/handshake.ts), whose enrolled role becomes the connection's.
 */
import { handshakeProblem } from '../core/auth/handshake.ts';
import { CohortError, asCohortError } from '../core/errors.ts';
import type { Logger } from '../edge/log.ts';
import { validateClientName, type Envelope } from '../edge/wire/codec.ts';
import type { Peer } from './peer.ts';
import type { CoordinatorStore } from './store.ts';

/** What every refused Hello is told under enrolment (E_AUTH_FAILED), whatever the reason. */
export const HANDSHAKE_REFUSED = 'handshake refused (the coordinator logs why)';

export interface HandshakeContext {
  coordinatorId: string;
  requireEnrolment: boolean;
  store: CoordinatorStore;
  now: () => number;
  log: Logger;
}

/**
 * The Hello's name and key, or a refusal. With enrolment every failure
 * reads alike to the peer, one code and one message (HANDSHAKE_REFUSED), and
 * only the log says why: "not enrolled", "revoked" or "another key" would
 * tell a stranger which names exist.
 */
export function admitHello(
  c: HandshakeContext,
  peer: Peer,
  env: Envelope,
): { name: string; identityKey: Uint8Array | null } {
  try {
    const name = validateClientName(env.hello?.name ?? '');
    if (env.sender !== name) throw new CohortError('E_WIRE_FIELD', 'sender must equal the Hello name');
    const raw = env.hello?.identityKey;
    const identityKey = raw && raw.length > 0 ? raw : null;
    if (identityKey && identityKey.length !== 32)
      throw new CohortError('E_WIRE_FIELD', 'identity key must be 32 bytes (Ed25519)');
    if (peer.certNames && !peer.certNames.includes(name)) {
      throw new CohortError(
        'E_AUTH_FAILED',
        `the client certificate names ${peer.certNames.join(', ') || 'no client name'}, not ${name}`,
      );
    }
    if (c.requireEnrolment) authenticate(c, peer, name, identityKey, env);
    return { name, identityKey };
  } catch (err) {
    const e = asCohortError(err);
    if (!c.requireEnrolment) throw e;
    if (e.code === 'E_INTERNAL') c.log.error({ err }, 'internal error in a handshake');
    else peer.log.warn({ code: e.code, reason: e.message }, 'handshake refused');
    throw new CohortError('E_AUTH_FAILED', HANDSHAKE_REFUSED);
  }
}

/**
 * The handshake of an enrolled identity. The signature over this
 * connection's challenge is checked first, under the presented key, so the
 * work does not depend on whether the name is enrolled; then the name must
 * be enrolled, unrevoked, with that key.
 */
function authenticate(c: HandshakeContext, peer: Peer, name: string, key: Uint8Array | null, env: Envelope): void {
  const deny = (why: string): never => {
    throw new CohortError('E_AUTH_FAILED', why);
  };
  if (!key) return deny('Hello carries no identity key');
  const problem = handshakeProblem(
    {
      nonce: peer.nonce,
      coordinatorId: c.coordinatorId,
      binding: peer.binding,
      timestampMs: Number(env.hello?.handshakeTimestampMs ?? 0),
      name,
      publicKey: key,
    },
    env.hello?.handshakeSignature,
    c.now(),
  );
  if (problem) deny(problem);
  const who = c.store.identity(name) ?? deny(`${name} is not enrolled`);
  if (who.revokedAt !== null) deny(`${name} was revoked`);
  if (Buffer.from(key).toString('hex') !== who.publicKey) deny(`${name} presented a key other than its enrolled one`);
  peer.role = who.role;
}
