/**
 * X25519 Diffie-Hellman (RFC 7748 §5, §6.1): the key agreement behind
 * SecAgg's share-encryption keys (c) and pairwise masks (s) (Bonawitz et al.,
 * CCS 2017, round AdvertiseKeys). Public keys come from @noble/curves; the
 * agreement itself runs in node:crypto (OpenSSL), which with key objects made
 * once is ~25x faster here, and a server unmasking dropped clients does one
 * agreement per (dropped, surviving neighbour) pair. Both are checked against
 * the RFC 7748 vectors.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { CohortError } from '../errors.ts';
import { checkBytes } from './bytes.ts';
import { curveKeys, type KeyPair } from './curve-keys.ts';

export const X25519_KEY_BYTES = 32;

const keys = curveKeys(x25519, X25519_KEY_BYTES, 'X25519');
/**
 * A fresh key pair. The secret is 32 uniform bytes from node:crypto; the
 * RFC 7748 §5 clamping (decodeScalar25519) is applied inside every scalar
 * multiplication, so the stored secret need not be clamped.
 */
export const x25519KeyPair: () => KeyPair = keys.keyPair;
/** X25519(secret, 9): the public key of `secret`. Throws E_SECAGG_BAD_KEY unless secret is 32 bytes. */
export const x25519PublicKey: (secret: Uint8Array) => Uint8Array = keys.publicKey;

/**
 * X25519(secret, peerPublic), the 32-byte shared secret; feed it to
 * kdf.ts's `deriveKey`, never use it as a key directly.
 *
 * Throws E_SECAGG_BAD_KEY unless both keys are 32-byte Uint8Arrays, and when
 * the result is all zeros: RFC 7748 §6.1 lets a party abort there, and SecAgg
 * must, since a low-order peer key would make the "shared" secret (and the
 * mask it seeds) known to everyone.
 */
export function x25519Agree(secret: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  return new X25519Party(secret).agree(x25519Peer(peerPublic));
}

/** DER prefixes of an X25519 PKCS#8 private key and SPKI public key (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** A peer's public key, parsed once for many agreements. */
export function x25519Peer(peerPublic: Uint8Array): KeyObject {
  checkBytes(peerPublic, X25519_KEY_BYTES, 'X25519 public key', 'E_SECAGG_BAD_KEY');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, peerPublic]), format: 'der', type: 'spki' });
}

/** One secret key, parsed once, agreeing with many peers. */
export class X25519Party {
  private readonly key: KeyObject;

  constructor(secret: Uint8Array) {
    checkBytes(secret, X25519_KEY_BYTES, 'X25519 secret key', 'E_SECAGG_BAD_KEY');
    const der = Buffer.concat([PKCS8_PREFIX, secret]);
    this.key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
  }

  agree(peer: KeyObject): Uint8Array {
    let shared: Uint8Array;
    try {
      shared = new Uint8Array(diffieHellman({ privateKey: this.key, publicKey: peer }));
    } catch {
      // OpenSSL refuses the all-zero output itself; its message is not ours to pass on.
      throw lowOrder();
    }
    // Checked again here, in constant time, so the guarantee does not rest on a
    // dependency's choice (RFC 7748 §6.1 leaves the check optional).
    let acc = 0;
    for (const byte of shared) acc |= byte;
    if (acc === 0) throw lowOrder();
    return shared;
  }
}

function lowOrder(): CohortError {
  return new CohortError('E_SECAGG_BAD_KEY', 'X25519 agreement gave the all-zero secret (low-order public key)');
}
