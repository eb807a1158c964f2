/**
 * Drafting roster versions: the unsigned genesis an operator starts a
 * network with, and the unsigned successor that adds, removes or re-keys
 * members. Signing is sign.ts's job; a draft's rules are rules.ts's.
 */
import { CohortError } from '../errors.ts';
import { signingRules } from './rules.ts';
import { parseRosterChain } from './schema.ts';
import { rosterStatus } from './verify.ts';
import { ROSTER_FORMAT, type RosterBody, type RosterChain, type RosterMember } from './types.ts';

export interface RosterChange {
  /** New members, or existing names with a new key (a re-key). */
  add?: RosterMember[];
  /** Names to remove. */
  remove?: string[];
}

/** A chain holding only an unsigned version 1 of `members` (sorted here). Throws E_ROSTER_INVALID for a bad name, key or duplicate. */
export function draftGenesis(network: string, members: readonly RosterMember[]): RosterChain {
  const body: RosterBody = {
    format: ROSTER_FORMAT,
    network,
    version: 1,
    previous: null,
    members: sortMembers(members),
  };
  return parseRosterChain({ versions: [{ body, signatures: [] }] });
}

/**
 * `chain` with an unsigned version v+1 appended: version v's members with
 * `change` applied. Throws E_ROSTER_INVALID if version v is not complete,
 * the change is empty, removes a name that is not a member (or removes and
 * adds one name), re-keys to the same key, leaves no member, re-keys so many
 * members that the rest cannot reach the quorum, or breaks a limit.
 */
export function draftRosterChange(chain: RosterChain, change: RosterChange): RosterChain {
  const status = rosterStatus(chain);
  const last = status.versions.at(-1)!;
  if (status.problems.length > 0)
    throw new CohortError(
      'E_ROSTER_INVALID',
      `finish signing version ${last.version} before drafting the next: ${status.problems[0]}`,
    );
  const parsed = parseRosterChain(chain);
  const body = parsed.versions.at(-1)!.body;
  const next: RosterBody = {
    format: ROSTER_FORMAT,
    network: body.network,
    version: body.version + 1,
    previous: last.hash,
    members: applyChange(body, change),
  };
  const rules = signingRules(body, next);
  if (rules.voters.size < rules.need!) {
    const why = `re-keying ${body.members.length - rules.voters.size} of ${body.members.length} members leaves ${rules.voters.size} to sign, fewer than the quorum of ${rules.need}`;
    throw new CohortError(
      'E_ROSTER_INVALID',
      `${why}: re-key fewer members at once, or remove a member and add it back`,
    );
  }
  parsed.versions.push({ body: next, signatures: [] });
  return parseRosterChain(parsed);
}

function applyChange(body: RosterBody, { add = [], remove = [] }: RosterChange): RosterMember[] {
  const fail = (why: string) =>
    new CohortError('E_ROSTER_INVALID', `roster change to version ${body.version + 1}: ${why}`);
  if (add.length === 0 && remove.length === 0) throw fail('adds or removes no member');
  const members = new Map(body.members.map((m) => [m.name, m.key]));
  const removed = new Set<string>();
  for (const name of remove) {
    if (removed.has(name)) throw fail(`"${name}" is removed twice`);
    if (!members.delete(name)) throw fail(`"${name}" is not a member of version ${body.version}`);
    removed.add(name);
  }
  const added = new Set<string>();
  for (const m of add) {
    if (removed.has(m.name)) throw fail(`"${m.name}" is both removed and added`);
    if (added.has(m.name)) throw fail(`"${m.name}" is added twice`);
    if (members.get(m.name) === m.key) throw fail(`"${m.name}" already has this key`);
    members.set(m.name, m.key);
    added.add(m.name);
  }
  if (members.size === 0) throw fail('leaves no member');
  return sortMembers([...members].map(([name, key]) => ({ name, key })));
}

function sortMembers(members: readonly RosterMember[]): RosterMember[] {
  return members
    .map((m) => ({ name: m.name, key: m.key }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
