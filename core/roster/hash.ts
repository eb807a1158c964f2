/**
 * The two byte strings a roster version is known by: its body hash, SHA-256
 * over the body's RFC 8785 canonical JSON (so an auditor in any language
 * recomputes it), and the message its signers sign, which binds the hash to
 * the network and version under the roster's own domain tag in the injective
 * field encoding of core/secagg/canonical.ts.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/canonical.ts';
import { encodeFields } from '../secagg/canonical.ts';
import { ROSTER_DOMAIN, type RosterBody } from './types.ts';

/** SHA-256 (64 lowercase hex digits) of the canonical JSON of `body`. */
export function rosterHash(body: RosterBody): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/** encodeFields([ROSTER_DOMAIN, network, version, hash as 32 bytes]): what each signer of `body` signs. */
export function rosterSignedBytes(body: RosterBody): Uint8Array {
  return signedMessage(body, rosterHash(body));
}

/** rosterSignedBytes for a body whose hash is already known. */
export function signedMessage(body: RosterBody, hash: string): Uint8Array {
  return encodeFields([ROSTER_DOMAIN, body.network, body.version, hexToBytes(hash)]);
}

/** Bytes of a hex string already validated by the schema. */
export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}
