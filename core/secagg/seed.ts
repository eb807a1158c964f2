/**
 * The round's public randomness, agreed by the participants so that the
 * coordinator cannot choose it: the seed of the SecAgg+ neighbour graph
 * (graph.ts) and of the DDG rotation (rotation.ts). A coordinator that could
 * pick the graph would try seeds until its colluders surround a victim
 * (Bell et al. CCS 2020 assume the graph is uniformly random); one that
 * could pick the rotation could aim a hospital's update at the modulus.
 *
 * Commit-reveal (Blum, "Coin flipping by telephone", 1981), folded into the
 * session's own messages:
 *   1. advertise: each client u draws a fresh 32-byte nonce r_u and sends
 *      C_u = H(tag, session, u, r_u) inside its signed advertisement;
 *   2. the coordinator sends every client the list L of (name, C) it will
 *      use; u checks that L holds its own C_u, names only participants,
 *      and is at least t long, and only then reveals r_u;
 *   3. the coordinator sends the reveals; u checks that every name in L has
 *      one that opens its commitment, and takes
 *      seed = H(tag, session, (name, r) for every name of L in order).
 * An honest u fixes its view of L before revealing r_u, and r_u is uniform
 * and hidden until then, so whatever L the coordinator shows u, the seed u
 * computes is uniform and unknown to the coordinator when L is chosen. What
 * is left to a lying coordinator is to abort: withhold a reveal (a colluder
 * "forgets" its own), which fails the attempt, and try again in a new
 * attempt with new nonces. Hospitals cap attempts per round
 * (MAX_ROUND_ATTEMPTS), so it sees at most that many seeds per round and the
 * parameter search's 2^−40 becomes at most MAX_ROUND_ATTEMPTS · 2^−40.
 * docs/threat-model.md states this bound.
 *
 * The same nonce scheme commits each client to its self-mask seed b_u
 * (maskCommitment), so a reconstructed b_u can be checked and a wrong
 * revealed share is outvoted (reed-solomon.ts).
 */
import { CohortError } from '../errors.ts';
import { constantTimeEqual } from './crypto.ts';
import { encodeFields } from './canonical.ts';
import { DIGEST_BYTES, digest, type Session } from './session.ts';

export const NONCE_BYTES = 32;
const SEED_COMMIT_TAG = 'cohort/secagg/v2/seed-commit';
const MASK_COMMIT_TAG = 'cohort/secagg/v2/mask-commit';
const SEED_TAG = 'cohort/secagg/v2/seed';

/** C_u: a hiding, binding commitment to u's seed nonce (SHA-256, nonce of 256 bits). */
export function seedCommitment(s: Session, name: string, nonce: Uint8Array): Uint8Array {
  return digest(encodeFields([SEED_COMMIT_TAG, s.id, name, nonce]));
}

/** H(b_u): lets the coordinator check a self-mask seed it reconstructs. */
export function maskCommitment(s: Session, name: string, selfSeed: Uint8Array): Uint8Array {
  return digest(encodeFields([MASK_COMMIT_TAG, s.id, name, selfSeed]));
}

export interface Commitment {
  name: string;
  commit: Uint8Array;
}

/**
 * Checks a commitment list as a client must before it reveals (step 2):
 * sorted, distinct participants, its own commitment present and unchanged,
 * at least `least` entries. Throws E_SECAGG_SEED.
 */
export function checkCommitments(
  s: Session,
  list: readonly Commitment[],
  self: string,
  own: Uint8Array,
  least: number,
): void {
  for (let i = 0; i < list.length; i++) {
    const { name, commit } = list[i]!;
    if (!s.xOf.has(name))
      throw new CohortError('E_SECAGG_SEED', `the commitment list names "${name}", not a participant`);
    if (i > 0 && !(list[i - 1]!.name < name))
      throw new CohortError('E_SECAGG_SEED', 'the commitment list is not sorted and distinct');
    if (!(commit instanceof Uint8Array) || commit.length !== DIGEST_BYTES)
      throw new CohortError('E_SECAGG_SEED', `the commitment of "${name}" is not ${DIGEST_BYTES} bytes`);
  }
  const mine = list.find((c) => c.name === self);
  if (!mine || !constantTimeEqual(mine.commit, own))
    throw new CohortError('E_SECAGG_SEED', "the commitment list does not carry this client's own commitment");
  if (list.length < least)
    throw new CohortError('E_SECAGG_TOO_FEW', `${list.length} clients committed; threshold is ${least}`);
}

/**
 * Step 3: every committed name's reveal must open its commitment; the seed
 * hashes them in list order. Throws E_SECAGG_SEED naming the first client
 * whose reveal is missing or wrong.
 */
export function agreeSeed(
  s: Session,
  list: readonly Commitment[],
  reveals: ReadonlyMap<string, Uint8Array>,
): Uint8Array {
  const fields: (string | Uint8Array)[] = [SEED_TAG, s.id];
  for (const { name, commit } of list) {
    const nonce = reveals.get(name);
    if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES)
      throw new CohortError('E_SECAGG_SEED', `no seed reveal from "${name}"`);
    if (!constantTimeEqual(seedCommitment(s, name, nonce), commit))
      throw new CohortError('E_SECAGG_SEED', `the seed reveal of "${name}" does not open its commitment`);
    fields.push(name, nonce);
  }
  if (reveals.size !== list.length) throw new CohortError('E_SECAGG_SEED', 'reveals from clients that did not commit');
  return digest(encodeFields(fields));
}
