/**
 * The connection handshake: the coordinator opens every connection with a
 * fresh 32-byte nonce; the peer's Hello carries its Ed25519 signature over
 * (nonce, coordinator id, its timestamp, its name, its key) under a domain
 * tag of its own. A recorded Hello is useless on another connection (other
 * nonce), and a stale clock is refused. A live relay of another coordinator's
 * challenge is not stopped: the signer signs the id it is shown
 * (docs/threat-model.md, "A Hello is bound to the connection").
 */
import { encodeFields } from '../secagg/canonical.ts';
import { sign, verify } from '../secagg/ed25519.ts';

export const HANDSHAKE_TAG = 'cohort/handshake/v1';
export const NONCE_BYTES = 32;
/** Largest difference between the peer's clock and the coordinator's. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface HandshakeFields {
  nonce: Uint8Array;
  coordinatorId: string;
  timestampMs: number;
  name: string;
  publicKey: Uint8Array;
}

export function handshakeTranscript(f: HandshakeFields): Uint8Array {
  return encodeFields([HANDSHAKE_TAG, f.nonce, f.coordinatorId, f.timestampMs, f.name, f.publicKey]);
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
