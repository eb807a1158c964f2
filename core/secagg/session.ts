/**
 * What both sides of one secure-aggregation session agree on: the public
 * parameters, the neighbour graph, Shamir x-coordinates, and the exact bytes
 * that are signed, encrypted or fed to the key derivation. Keeping these in
 * one place is what makes the client and server machines interoperate.
 */
import { CohortError } from '../errors.ts';
import { neighbourGraph } from './graph.ts';
import { deriveKey, signedBytes } from './crypto.ts';

export const SECRET_BYTES = 32;

export interface SessionParams {
  jobId: string;
  round: number;
  bits: number;
  threshold: number;
  degree: number;
  clip: number;
  graphSeed: Uint8Array;
  /** Sorted, distinct names of the round's participants (U0). */
  participants: readonly string[];
  /** Public bound on the participants' training examples. */
  totalExamples: number;
  /** Words in the masked vector: model parameters + weight + weighted loss. */
  vectorLength: number;
}

export interface Session extends SessionParams {
  graph: Map<string, string[]>;
  /** Shamir x-coordinate of each participant (1-based position in U0). */
  xOf: Map<string, number>;
}

/** Validates public parameters once and derives the graph. */
export function openSession(p: SessionParams): Session {
  const n = p.participants.length;
  const sorted = [...p.participants].sort();
  if (sorted.some((name, i) => name !== p.participants[i] || (i > 0 && name === sorted[i - 1]))) {
    throw new CohortError('E_SECAGG_PARAMS', 'participants must be sorted and distinct');
  }
  if (!Number.isInteger(p.bits) || p.bits < 16 || p.bits > 32) throw new CohortError('E_SECAGG_PARAMS', `bits ${p.bits} outside [16, 32]`);
  if (!Number.isInteger(p.degree) || p.degree < 1 || p.degree > n - 1) throw new CohortError('E_SECAGG_PARAMS', `degree ${p.degree} outside [1, ${n - 1}]`);
  // Each secret has degree + 1 holders: the neighbours and its owner.
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > p.degree + 1) {
    throw new CohortError('E_SECAGG_PARAMS', `threshold ${p.threshold} outside [1, degree + 1 = ${p.degree + 1}]`);
  }
  if (!(p.clip > 0) || !Number.isFinite(p.clip)) throw new CohortError('E_SECAGG_PARAMS', 'clip must be a positive number');
  if (!Number.isInteger(p.totalExamples) || p.totalExamples < 1) throw new CohortError('E_SECAGG_PARAMS', 'totalExamples must be a positive integer');
  if (!Number.isInteger(p.vectorLength) || p.vectorLength < 1) throw new CohortError('E_SECAGG_PARAMS', 'vectorLength must be a positive integer');
  const graph = neighbourGraph(p.participants, p.degree, p.graphSeed);
  const xOf = new Map(p.participants.map((name, i) => [name, i + 1]));
  return { ...p, participants: [...p.participants], graph, xOf };
}

export function neighboursOf(s: Session, name: string): readonly string[] {
  return s.graph.get(name) ?? [];
}

/** Bytes signed in phase 0: binds the round's keys to the client's identity. */
export function advertiseTranscript(s: Session, name: string, cPk: Uint8Array, sPk: Uint8Array): Uint8Array {
  return signedBytes(['advertise', s.jobId, s.round, name, cPk, sPk]);
}

/** Bytes signed in the consistency check: the survivor set U3 as this client saw it. */
export function survivorsTranscript(s: Session, survivors: readonly string[]): Uint8Array {
  return signedBytes(['survivors', s.jobId, s.round, ...[...survivors].sort()]);
}

/** Associated data of an encrypted share: who to whom, in which round. */
export function shareAad(s: Session, from: string, to: string): Uint8Array {
  return signedBytes(['share', s.jobId, s.round, from, to]);
}

export function shareKey(s: Session, agreed: Uint8Array, from: string, to: string): Uint8Array {
  const [a, b] = from < to ? [from, to] : [to, from];
  return deriveKey(agreed, { purpose: 'share-aead', jobId: s.jobId, round: s.round, a, b });
}

/** PRG key of the pairwise mask between a and b, bound to job, round and vector length. */
export function pairwiseMaskKey(s: Session, agreed: Uint8Array, u: string, v: string): Uint8Array {
  const [a, b] = u < v ? [u, v] : [v, u];
  return deriveKey(agreed, { purpose: 'pairwise-mask', jobId: s.jobId, round: s.round, a, b: `${b}#${s.vectorLength}` });
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
