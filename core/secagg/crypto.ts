/**
 * The cryptographic primitives of secure aggregation, in one import for the
 * protocol machines (client.ts, server.ts, session.ts). Each lives in a module
 * named for its job: x25519.ts (key agreement), kdf.ts (HKDF key schedule),
 * aead.ts (share encryption), ed25519.ts (identity signatures), canonical.ts
 * (the signed-bytes encoding), bytes.ts (comparison and wiping). Internal to
 * core/secagg: coordinator/ and client/ go through index.ts.
 */
export { x25519KeyPair, x25519PublicKey, x25519Agree, x25519Peer, X25519Party, X25519_KEY_BYTES } from './x25519.ts';
export { hkdf, deriveKey, keyInfo, KEY_PURPOSES, type KeyContext, type KeyPurpose } from './kdf.ts';
export { seal, open, KEY_BYTES as AEAD_KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './aead.ts';
export { ed25519KeyPair, ed25519PublicKey, sign, verify, ED25519_SIGNATURE_BYTES } from './ed25519.ts';
export { signedBytes, SIGNED_TAG, type Field } from './canonical.ts';
export { constantTimeEqual, zeroize } from './bytes.ts';
