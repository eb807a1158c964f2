/**
 * Key generation shared by the two curves (ed25519.ts, x25519.ts), whose
 * secrets are both 32 uniform bytes: Ed25519's RFC 8032 §5.1.5 seed, and
 * X25519's RFC 7748 §5 scalar (clamped inside every multiplication, so the
 * stored secret need not be).
 */
import { randomBytes } from 'node:crypto';
import { checkBytes, moveToUint8Array } from './bytes.ts';

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * For a @noble/curves curve: `publicKey(secret)`, which throws
 * E_SECAGG_BAD_KEY unless secret is `secretBytes` long, and `keyPair()`, a
 * fresh pair whose secret comes from node:crypto.
 */
export function curveKeys(
  curve: { getPublicKey(secret: Uint8Array): Uint8Array },
  secretBytes: number,
  name: string,
): { keyPair: () => KeyPair; publicKey: (secret: Uint8Array) => Uint8Array } {
  const publicKey = (secret: Uint8Array): Uint8Array => {
    checkBytes(secret, secretBytes, `${name} secret key`, 'E_SECAGG_BAD_KEY');
    return curve.getPublicKey(secret);
  };
  const keyPair = (): KeyPair => {
    const secretKey = moveToUint8Array(randomBytes(secretBytes));
    return { secretKey, publicKey: publicKey(secretKey) };
  };
  return { keyPair, publicKey };
}
