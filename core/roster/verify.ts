/**
 * Verifying a roster chain, version by version from the genesis: each body
 * links to the one before (same network, next number, previous hash), every
 * signature comes from the version's signing set and verifies, and each
 * version has the signatures rules.ts asks of it. A missing signature is a
 * state (a version still being signed), reported by rosterStatus; a broken
 * link or a bad signature is an invalid document, and throws.
 */
import { CohortError } from '../errors.ts';
import { verify } from '../secagg/crypto.ts';
import { hexToBytes, rosterHash, signedMessage } from './hash.ts';
import { signingRules, type SigningRules } from './rules.ts';
import { parseRosterChain } from './schema.ts';
import type { Roster, RosterBody, RosterChain, RosterStatus, RosterVersion, RosterVersionStatus } from './types.ts';

/** Names listed in one problem line before "…". */
const LISTED_NAMES = 10;

/**
 * The signing state of every version and the chain's head (the last version
 * complete with all before it). Throws E_ROSTER_INVALID if the chain is
 * malformed (parseRosterChain), a link is broken, or a signature is from
 * outside its version's signing set or does not verify; never for a
 * signature that is merely missing.
 */
export function rosterStatus(chain: RosterChain): RosterStatus {
  const { versions } = parseRosterChain(chain);
  const status: RosterStatus = { versions: [], head: null, problems: [] };
  let prev: { body: RosterBody; hash: string } | null = null;
  let unbroken = true;
  for (const [i, v] of versions.entries()) {
    checkLink(v.body, prev, i);
    const rules = signingRules(prev?.body ?? null, v.body);
    const hash = rosterHash(v.body);
    checkSignatures(v, hash, rules);
    const s = versionStatus(v, hash, rules);
    status.versions.push(s);
    status.problems.push(...problemsOf(s, prev?.body ?? null));
    unbroken &&= s.complete;
    if (unbroken) status.head = toRoster(v.body, hash);
    prev = { body: v.body, hash };
  }
  return status;
}

/**
 * The chain up to its last complete version, and that version: a roster file
 * whose newest version is still being signed keeps working under the one
 * before. E_ROSTER_INVALID if even the genesis is incomplete, or for any
 * invalid signature or link (rosterStatus).
 */
export function completeRoster(chain: RosterChain): { chain: RosterChain; head: Roster } {
  const { head } = rosterStatus(chain);
  if (head === null)
    throw new CohortError('E_ROSTER_INVALID', 'the roster has no complete version: its genesis lacks signatures');
  return { chain: { versions: chain.versions.slice(0, head.version) }, head };
}

/** The head of `chain`, if every version is valid and complete; E_ROSTER_INVALID otherwise. */
export function verifyRosterChain(chain: RosterChain): Roster {
  const status = rosterStatus(chain);
  if (status.problems.length > 0 || status.head === null) {
    throw new CohortError('E_ROSTER_INVALID', `roster incomplete: ${status.problems.slice(0, 3).join('; ')}`);
  }
  return status.head;
}

function checkLink(body: RosterBody, prev: { body: RosterBody; hash: string } | null, index: number): void {
  const fail = (why: string) =>
    new CohortError('E_ROSTER_INVALID', `roster version ${body.version} (position ${index + 1}): ${why}`);
  if (body.version !== index + 1) throw fail(`versions must be numbered 1, 2, 3, … in order; expected ${index + 1}`);
  if (prev === null) return;
  if (body.network !== prev.body.network)
    throw fail(`changes the network from "${prev.body.network}" to "${body.network}"`);
  if (body.previous !== prev.hash) throw fail(`its previous hash is not the hash of version ${prev.body.version}`);
}

function checkSignatures(v: RosterVersion, hash: string, rules: SigningRules): void {
  const message = signedMessage(v.body, hash);
  for (const s of v.signatures) {
    const key = rules.keys.get(s.name);
    const where = `roster version ${v.body.version}: signer "${s.name}"`;
    if (key === undefined) {
      const set = v.body.version === 1 ? 'a member' : `a member of version ${v.body.version - 1} or ${v.body.version}`;
      throw new CohortError('E_ROSTER_INVALID', `${where} is not ${set}`);
    }
    if (!verify(hexToBytes(key), message, hexToBytes(s.signature))) {
      throw new CohortError('E_ROSTER_INVALID', `${where}: the signature does not verify under its roster key`);
    }
  }
}

function versionStatus(v: RosterVersion, hash: string, rules: SigningRules): RosterVersionStatus {
  const signed = new Set(v.signatures.map((s) => s.name));
  const required = rules.required.filter((n) => !signed.has(n));
  const have = v.signatures.filter((s) => rules.voters.has(s.name)).length;
  const quorum = rules.need === null ? null : { have, need: rules.need };
  return {
    version: v.body.version,
    hash,
    members: v.body.members.map((m) => ({ ...m })),
    signers: [...signed],
    required,
    unsigned: [...rules.keys.keys()].filter((n) => !signed.has(n)),
    quorum,
    complete: required.length === 0 && (quorum === null || quorum.have >= quorum.need),
  };
}

function problemsOf(s: RosterVersionStatus, prev: RosterBody | null): string[] {
  const out: string[] = [];
  if (s.required.length > 0) {
    const who = prev === null ? 'every member signs a genesis' : 'added and re-keyed members sign under their new key';
    out.push(`version ${s.version} lacks the signature of ${listNames(s.required)} (${who})`);
  }
  if (s.quorum !== null && s.quorum.have < s.quorum.need) {
    out.push(
      `version ${s.version} has ${s.quorum.have} of the ${s.quorum.need} signatures it needs from version ${s.version - 1}'s ${prev!.members.length} members`,
    );
  }
  return out;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_NAMES).join(', ');
  return names.length > LISTED_NAMES ? `${shown}, … (${names.length} in all)` : shown;
}

function toRoster(body: RosterBody, hash: string): Roster {
  // Members are sorted by name (schema.ts), so the map iterates in name order.
  const members = new Map(body.members.map((m) => [m.name, hexToBytes(m.key)]));
  return {
    network: body.network,
    version: body.version,
    hash,
    hashBytes: hexToBytes(hash),
    members,
    size: members.size,
  };
}
