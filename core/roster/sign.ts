/**
 * Signing roster versions: one hospital adding its signature to the version
 * being signed, and the whole genesis ceremony in one call for simulations,
 * tests and benchmarks that create their own hospitals.
 */
import { CohortError } from '../errors.ts';
import { constantTimeEqual, ed25519PublicKey, sign } from '../secagg/crypto.ts';
import { draftGenesis } from './draft.ts';
import { rosterFingerprint } from './fingerprint.ts';
import { bytesToHex, hexToBytes, rosterSignedBytes } from './hash.ts';
import { signingRules } from './rules.ts';
import { parseRosterChain } from './schema.ts';
import { rosterStatus } from './verify.ts';
import type { RosterChain, RosterIdentity, RosterSignature } from './types.ts';

/**
 * `chain` with `name`'s signature on its last version (replacing an earlier
 * signature of that name). Throws E_ROSTER_INVALID if an earlier version is
 * incomplete, the chain is otherwise invalid (rosterStatus), `name` is not
 * in the last version's signing set, or `identity` is not the key the roster
 * lists for it there (rules.ts: its previous key, or its new key if added or
 * re-keyed), or its halves do not belong together.
 */
export function signRoster(chain: RosterChain, name: string, identity: RosterIdentity): RosterChain {
  const status = rosterStatus(chain);
  const pending = status.versions.slice(0, -1).find((s) => !s.complete);
  if (pending)
    throw new CohortError(
      'E_ROSTER_INVALID',
      `roster version ${pending.version} is not complete: versions are signed in order`,
    );
  const parsed = parseRosterChain(chain);
  const last = parsed.versions.at(-1)!;
  const prev = parsed.versions.at(-2)?.body ?? null;
  const key = signingRules(prev, last.body).keys.get(name);
  if (key === undefined) {
    const set = prev === null ? 'a member' : `a member of version ${prev.version} or ${last.body.version}`;
    throw new CohortError('E_ROSTER_INVALID', `"${name}" may not sign roster version ${last.body.version}: not ${set}`);
  }
  checkIdentity(identity, key, `"${name}" in roster version ${last.body.version}`);
  const signature = bytesToHex(sign(identity.secretKey, rosterSignedBytes(last.body)));
  last.signatures = withSignature(last.signatures, { name, signature });
  return parsed;
}

/**
 * A genesis of `members`, signed by each of them: the signing ceremony in
 * one call, for parties that hold every member's identity. Throws
 * E_ROSTER_INVALID for a bad name, duplicate, or identity whose halves do
 * not belong together.
 */
export function genesisRoster(
  network: string,
  members: readonly { name: string; identity: RosterIdentity }[],
): RosterChain {
  const chain = draftGenesis(
    network,
    members.map((m) => ({ name: m.name, key: publicHex(m.identity.publicKey) })),
  );
  const version = chain.versions[0]!;
  const message = rosterSignedBytes(version.body);
  version.signatures = members
    .map((m) => {
      checkIdentity(m.identity, publicHex(m.identity.publicKey), `"${m.name}"`);
      return { name: m.name, signature: bytesToHex(sign(m.identity.secretKey, message)) };
    })
    .sort(byName);
  return parseRosterChain(chain);
}

function checkIdentity(identity: RosterIdentity, key: string, whose: string): void {
  if (!constantTimeEqual(identity.publicKey, hexToBytes(key))) {
    const given =
      identity.publicKey instanceof Uint8Array && identity.publicKey.length === 32
        ? rosterFingerprint(identity.publicKey)
        : 'not a 32-byte key';
    throw new CohortError(
      'E_ROSTER_INVALID',
      `the identity given is not the key of ${whose} (roster key ${rosterFingerprint(key)}, given ${given})`,
    );
  }
  let derived: Uint8Array;
  try {
    derived = ed25519PublicKey(identity.secretKey);
  } catch {
    throw new CohortError('E_ROSTER_INVALID', `the identity given for ${whose} has a malformed secret key`);
  }
  if (!constantTimeEqual(derived, identity.publicKey))
    throw new CohortError(
      'E_ROSTER_INVALID',
      `the identity given for ${whose}: its secret key does not match its public key`,
    );
}

function publicHex(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length !== 32)
    throw new CohortError('E_ROSTER_INVALID', 'an identity public key is 32 bytes');
  return bytesToHex(key);
}

function withSignature(signatures: readonly RosterSignature[], added: RosterSignature): RosterSignature[] {
  return [...signatures.filter((s) => s.name !== added.name), added].sort(byName);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
