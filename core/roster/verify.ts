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
    const s = checkVersion(v, prev, i, false);
    status.versions.push(s);
    status.problems.push(...problemsOf(s, prev?.body ?? null));
    unbroken &&= s.complete;
    if (unbroken) status.head = toRoster(v.body, s.hash);
    prev = { body: v.body, hash: s.hash };
  }
  return status;
}

/**
 * The chain up to its last complete version, and that version: a roster file
 * whose newest version is still being signed keeps working under the one
 * before. Stops at the first version whose signers' names cannot make it
 * complete, before checking its signatures or any later version's: what
 * follows is not adopted, so its cost is not paid (a coordinator offers up
 * to MAX_ROSTER_JSON_CHARS of Sybil-signed versions). E_ROSTER_INVALID if
 * even the genesis is incomplete, or for an invalid signature or link up to
 * that version.
 */
export function completeRoster(chain: RosterChain): { chain: RosterChain; head: Roster } {
  const { versions } = parseRosterChain(chain);
  let prev: { body: RosterBody; hash: string } | null = null;
  let head: Roster | null = null;
  for (const [i, v] of versions.entries()) {
    const s = checkVersion(v, prev, i, true);
    if (!s.complete) break;
    head = toRoster(v.body, s.hash);
    prev = { body: v.body, hash: s.hash };
  }
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

/**
 * The head after `next`, the version that follows `prev` (null: `next` is
 * the genesis), which the caller holds verified with every version before
 * it: one step of verifyRosterChain, so a party that receives versions one
 * at a time (a ledger's roster entries) verifies each once rather than the
 * whole chain again. E_ROSTER_INVALID if `next` is malformed, does not link
 * to `prev`, carries a bad signature or is incomplete.
 */
export function verifyRosterSuccessor(prev: RosterVersion | null, next: unknown): Roster {
  const v = parseRosterChain({ versions: [next] }).versions[0]!;
  const link = prev === null ? null : { body: prev.body, hash: rosterHash(prev.body) };
  const s = checkVersion(v, link, prev === null ? 0 : prev.body.version, false);
  const problems = problemsOf(s, prev?.body ?? null);
  if (problems.length > 0) throw new CohortError('E_ROSTER_INVALID', `roster incomplete: ${problems.join('; ')}`);
  return toRoster(v.body, s.hash);
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

/**
 * One version's link, signers and signing state. Its signatures are verified
 * unless `lazy` and the signers' names alone leave it incomplete.
 */
function checkVersion(
  v: RosterVersion,
  prev: { body: RosterBody; hash: string } | null,
  index: number,
  lazy: boolean,
): RosterVersionStatus {
  checkLink(v.body, prev, index);
  const rules = signingRules(prev?.body ?? null, v.body);
  const hash = rosterHash(v.body);
  checkSigners(v, rules);
  const s = versionStatus(v, hash, rules);
  if (!lazy || s.complete) checkSignatures(v, hash, rules);
  return s;
}

const signerOf = (v: RosterVersion, name: string) => `roster version ${v.body.version}: signer "${name}"`;

/** Every signer is in the version's signing set: names only, no verification spent on a version with an outsider. */
function checkSigners(v: RosterVersion, rules: SigningRules): void {
  const outsider = v.signatures.find((s) => !rules.keys.has(s.name));
  if (outsider === undefined) return;
  const set = v.body.version === 1 ? 'a member' : `a member of version ${v.body.version - 1} or ${v.body.version}`;
  throw new CohortError('E_ROSTER_INVALID', `${signerOf(v, outsider.name)} is not ${set}`);
}

/**
 * Each signature (of a signer checkSigners passed) verifies: quorum votes,
 * under keys of the previous version, before the added and re-keyed
 * members', under keys the version itself introduces (which a Sybil holds),
 * so a forged vote is found before any Sybil's signature is checked.
 */
function checkSignatures(v: RosterVersion, hash: string, rules: SigningRules): void {
  const message = signedMessage(v.body, hash);
  const votes = v.signatures.filter((s) => rules.voters.has(s.name));
  const others = v.signatures.filter((s) => !rules.voters.has(s.name));
  for (const s of [...votes, ...others]) {
    if (!verify(hexToBytes(rules.keys.get(s.name)!), message, hexToBytes(s.signature))) {
      const why = 'the signature does not verify under its roster key';
      throw new CohortError('E_ROSTER_INVALID', `${signerOf(v, s.name)}: ${why}`);
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
