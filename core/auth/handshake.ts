/**
 * The connection handshake: the coordinator opens every connection with a
 * fresh 32-byte nonce; the peer's Hello carries its Ed25519 signature over
 * (nonce, coordinator id, the TLS channel binding, its timestamp, its name,
 * its key) under a domain tag of its own. A recorded Hello is useless on
 * another connection (other nonce), and a stale clock is refused. Over TLS
 * the Hello is bound to the channel it travels on (edge/channel-binding.ts,
 * RFC 9266): a hostile coordinator that passed another coordinator's
 * challenge to a hospital, and the signed Hello back, holds a TLS session of
 * its own with that coordinator, whose binding differs (review finding). On a
 * plain connection the binding is empty and such a relay is not stopped
 * (docs/threat-model.md).
 */
import { encodeFields } from '../secagg/canonical.ts';
import { sign, verify } from '../secagg/ed25519.ts';

export const HANDSHAKE_TAG = 'cohort/handshake/v2';
export const NONCE_BYTES = 32;
/** Largest difference between the peer's clock and the coordinator's. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface HandshakeFields {
  nonce: Uint8Array;
  coordinatorId: string;
  /** The TLS channel binding of the connection (edge/channel-binding.ts); empty on a plain one. */
  binding: Uint8Array;
  timestampMs: number;
  name: string;
  publicKey: Uint8Array;
}

export function handshakeTranscript(f: HandshakeFields): Uint8Array {
  return encodeFields([HANDSHAKE_TAG, f.nonce, f.coordinatorId, f.binding, f.timestampMs, f.name, f.publicKey]);
}

export function signHandshake(f: HandshakeFields, secretKey: Uint8Array): Uint8Array {
  return sign(secretKey, handshakeTranscript(f));
}

/** Why the handshake fails, or null if it holds. */
export function handshakeProblem(
  f: HandshakeFields,
  signature: Uint8Array | null | undefined,
  now: number,
): string | null {
  if (!signature || signature.length !== 64) return 'Hello carries no handshake signature';
  if (!Number.isSafeInteger(f.timestampMs) || Math.abs(f.timestampMs - now) > MAX_CLOCK_SKEW_MS)
    return `handshake timestamp is more than ${MAX_CLOCK_SKEW_MS / 1000} s from the coordinator's clock`;
  if (!verify(f.publicKey, handshakeTranscript(f), signature))
    return 'handshake signature does not verify under the presented key';
  return null;
}
