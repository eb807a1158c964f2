/**
 * What both sides of one secure-aggregation session agree on: the public
 * parameters, the session id every signature and commitment binds, Shamir
 * x-coordinates, and the exact bytes that are signed, encrypted or fed to the
 * key derivation. Keeping these in one place is what makes the client and
 * server machines interoperate.
 *
 * A session is one ATTEMPT at one round: a retried round is a new session
 * with a new attempt number, fresh keys, fresh commitments and a fresh seed,
 * and nothing signed in one attempt verifies in another. The neighbour graph
 * is not a parameter: it comes from a seed the participants agree on inside
 * the session (seed.ts), after every key and commitment is fixed, so the
 * coordinator cannot choose it.
 */
import { createHash } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { neighbourGraph } from './graph.ts';
import { deriveKey, signedBytes } from './crypto.ts';
import { encodeFields } from './canonical.ts';

export const SECRET_BYTES = 32;
/** SHA-256 output: session ids, commitments, roster hashes. */
export const DIGEST_BYTES = 32;
/** Domain tag of the session id: a digest of the parameters, never a signature. */
const SESSION_TAG = 'cohort/secagg/v2/session';

export interface SessionParams {
  jobId: string;
  round: number;
  /** Attempt at this round, from 1: each attempt is its own session. */
  attempt: number;
  bits: number;
  threshold: number;
  degree: number;
  clip: number;
  /** Sorted, distinct names of the round's participants (U0). */
  participants: readonly string[];
  /** Public bound on the participants' training examples. */
  totalExamples: number;
  /** Words in the masked vector: model parameters + weight + weighted loss. */
  vectorLength: number;
  /** Hash of the roster version whose keys identify the participants (core/roster/). */
  rosterHash: Uint8Array;
}

export interface Session extends SessionParams {
  /** SHA-256 of every parameter above: what every transcript of the session binds. */
  id: Uint8Array;
  /** Shamir x-coordinate of each participant (1-based position in U0). */
  xOf: Map<string, number>;
}

/** The session once its seed is agreed: the graph and the DDG rotation seed follow from it. */
export interface Seeded {
  seed: Uint8Array;
  graph: Map<string, string[]>;
}

/** Validates public parameters once and computes the session id. */
export function openSession(p: SessionParams): Session {
  const n = p.participants.length;
  const sorted = [...p.participants].sort();
  if (n === 0) throw new CohortError('E_SECAGG_PARAMS', 'a session needs participants');
  if (
    sorted.some(
      (name, i) => typeof name !== 'string' || name !== p.participants[i] || (i > 0 && name === sorted[i - 1]),
    )
  ) {
    throw new CohortError('E_SECAGG_PARAMS', 'participants must be sorted and distinct');
  }
  if (typeof p.jobId !== 'string') throw new CohortError('E_SECAGG_PARAMS', 'jobId must be a string');
  if (!Number.isSafeInteger(p.round) || p.round < 0)
    throw new CohortError('E_SECAGG_PARAMS', `round ${p.round} is not a non-negative integer`);
  if (!Number.isSafeInteger(p.attempt) || p.attempt < 1)
    throw new CohortError('E_SECAGG_PARAMS', `attempt ${p.attempt} is not a positive integer`);
  if (!Number.isInteger(p.bits) || p.bits < 16 || p.bits > 32)
    throw new CohortError('E_SECAGG_PARAMS', `bits ${p.bits} outside [16, 32]`);
  if (!Number.isInteger(p.degree) || p.degree < 1 || p.degree > Math.max(1, n - 1))
    throw new CohortError('E_SECAGG_PARAMS', `degree ${p.degree} outside [1, ${n - 1}]`);
  // Each secret has degree + 1 holders: the neighbours and its owner.
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > p.degree + 1) {
    throw new CohortError('E_SECAGG_PARAMS', `threshold ${p.threshold} outside [1, degree + 1 = ${p.degree + 1}]`);
  }
  if (!(p.clip > 0) || !Number.isFinite(p.clip))
    throw new CohortError('E_SECAGG_PARAMS', 'clip must be a positive number');
  if (!Number.isSafeInteger(p.totalExamples) || p.totalExamples < 1)
    throw new CohortError('E_SECAGG_PARAMS', 'totalExamples must be a positive integer');
  if (!Number.isSafeInteger(p.vectorLength) || p.vectorLength < 1)
    throw new CohortError('E_SECAGG_PARAMS', 'vectorLength must be a positive integer');
  if (!(p.rosterHash instanceof Uint8Array) || p.rosterHash.length !== DIGEST_BYTES)
    throw new CohortError('E_SECAGG_PARAMS', `rosterHash must be ${DIGEST_BYTES} bytes`);
  const participants = [...p.participants];
  const session: Omit<Session, 'id'> = {
    ...p,
    participants,
    rosterHash: Uint8Array.from(p.rosterHash),
    xOf: new Map(participants.map((name, i) => [name, i + 1])),
  };
  return { ...session, id: sessionId(session) };
}

/**
 * SHA-256 over the canonical encoding of every parameter (canonical.ts),
 * the clip as its IEEE-754 bytes: two sessions that differ in anything a
 * hospital checks have different ids, so no signature carries over.
 */
function sessionId(p: SessionParams): Uint8Array {
  const clip = new Uint8Array(8);
  new DataView(clip.buffer).setFloat64(0, p.clip);
  const fields = encodeFields([
    SESSION_TAG,
    p.jobId,
    p.round,
    p.attempt,
    p.bits,
    p.threshold,
    p.degree,
    clip,
    p.totalExamples,
    p.vectorLength,
    p.rosterHash,
    p.participants.length,
    ...p.participants,
  ]);
  return digest(fields);
}

export function digest(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** The neighbour graph of a seeded session. */
export function seatGraph(s: Session, seed: Uint8Array): Seeded {
  return { seed, graph: neighbourGraph(s.participants, s.degree, seed) };
}

export function neighboursOf(g: Seeded, name: string): readonly string[] {
  return g.graph.get(name) ?? [];
}

/**
 * Bytes signed in phase 0: the round's fresh keys and both commitments,
 * bound to the client's name and to this session (and so to its attempt).
 */
export function advertiseTranscript(
  s: Session,
  name: string,
  cPk: Uint8Array,
  sPk: Uint8Array,
  seedCommit: Uint8Array,
  maskCommit: Uint8Array,
): Uint8Array {
  return signedBytes(['advertise', s.id, name, cPk, sPk, seedCommit, maskCommit]);
}

/**
 * Bytes signed in the consistency check: the survivor set U3 as this client
 * saw it, and the seed it agreed, so two clients shown different graphs never
 * count each other's signatures.
 */
export function survivorsTranscript(s: Session, seed: Uint8Array, survivors: readonly string[]): Uint8Array {
  return signedBytes(['survivors', s.id, seed, ...[...survivors].sort()]);
}

/** Associated data of an encrypted share: who to whom, in which session. */
export function shareAad(s: Session, from: string, to: string): Uint8Array {
  return signedBytes(['share', s.id, from, to]);
}

export function shareKey(s: Session, agreed: Uint8Array, from: string, to: string): Uint8Array {
  const [a, b] = from < to ? [from, to] : [to, from];
  return deriveKey(agreed, { purpose: 'share-aead', jobId: s.jobId, round: s.round, a, b });
}

/** PRG key of the pairwise mask between a and b, bound to job, round and vector length. */
export function pairwiseMaskKey(s: Session, agreed: Uint8Array, u: string, v: string): Uint8Array {
  const [a, b] = u < v ? [u, v] : [v, u];
  return deriveKey(agreed, {
    purpose: 'pairwise-mask',
    jobId: s.jobId,
    round: s.round,
    a,
    b: `${b}#${s.vectorLength}`,
  });
}

export function selfMaskKey(s: Session, seed: Uint8Array, owner: string): Uint8Array {
  return deriveKey(seed, { purpose: 'self-mask', jobId: s.jobId, round: s.round, a: owner, b: `#${s.vectorLength}` });
}

/** The client with the smaller name adds the pairwise mask, the other subtracts it. */
export function pairwiseSign(u: string, v: string): 1 | -1 {
  return u < v ? 1 : -1;
}

/** Plaintext of an encrypted share pair: owner's mask-key share then self-mask-seed share. */
export function encodeSharePair(keyShare: Uint8Array, seedShare: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + keyShare.length + seedShare.length);
  new DataView(out.buffer).setUint32(0, keyShare.length, true);
  out.set(keyShare, 4);
  out.set(seedShare, 4 + keyShare.length);
  return out;
}

export function decodeSharePair(bytes: Uint8Array): { keyShare: Uint8Array; seedShare: Uint8Array } {
  if (bytes.length < 4) throw new CohortError('E_SECAGG_BAD_SHARE', 'share pair too short');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (n > bytes.length - 4) throw new CohortError('E_SECAGG_BAD_SHARE', 'share pair length prefix out of range');
  return { keyShare: bytes.slice(4, 4 + n), seedShare: bytes.slice(4 + n) };
}
