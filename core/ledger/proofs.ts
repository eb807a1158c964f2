/**
 * The `ledger.prove` action (core/auth/policy.ts): the latest checkpoint of
 * the ledger's Merkle tree, a consistency proof from a size the asker holds
 * (RFC 9162 §2.1.4) and an inclusion proof (§2.1.3) of each entry it names,
 * all at the checkpoint's size. A witness (a hospital) checks them before it
 * cosigns the checkpoint; an auditor may check them too.
 *
 * The reply also carries each witness's latest cosignature, so that an
 * auditor reading the ledger remotely (`cohort ledger fetch`) can count the
 * spends witnessed, as a full audit of the database does.
 *
 * Every cost is bounded: at most LEDGER_PROVE_SEQS entries a request, a
 * proof has at most ceil(log2 size) hashes and at most
 * MAX_PROOF_COSIGNATURES cosignatures ride along: a reply is about 2 MB at
 * most (256 proofs of 64 hashes, 4096 cosignatures of 128-character names),
 * below a ledger page's 4 MiB (scope.ts LEDGER_PAGE_CHARS).
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';
import { MAX_NOTE_CHARS, parseCheckpointBody, parseNote } from './checkpoint.ts';
import type { Hash, MerkleTree } from './merkle.ts';
import type { StoredCosignature } from './verify-tree.ts';
import { MAX_NAME_LENGTH } from '../auth/name.ts';

/** Most entries one `ledger.prove` request may ask an inclusion proof of (also the wire's cap on Request.seqs). */
export const LEDGER_PROVE_SEQS = 256;
/** Most hashes of one proof: a tree of 2^64 leaves needs fewer (a size is a safe integer, below 2^53). */
export const MAX_PROOF_HASHES = 64;
/** Most cosignatures one reply carries: one per witness (hospital), its latest. */
export const MAX_PROOF_COSIGNATURES = 4096;

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
/** A 32-byte hash in standard base64. */
export const hash64 = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/);
/** One proof's hashes (also what verify-proof.ts reads from a proof file). */
export const proofHashes = z.array(hash64).max(MAX_PROOF_HASHES);
/** A 64-byte Ed25519 signature in standard base64. */
const signature64 = z.string().regex(/^[A-Za-z0-9+/]{85}[AQgw]==$/);

/** A witness's latest cosignature as a reply carries it (the checkpoint it covers is named by size). */
const wireCosignature = z.strictObject({
  /** The hospital (its witness name is witnessName(hospital)). */
  witness: z.string().min(1).max(MAX_NAME_LENGTH),
  size: z.number().int().min(0),
  /** Unix seconds. */
  timestamp: z.number().int().min(0),
  signature: signature64,
});
export type WireCosignature = z.output<typeof wireCosignature>;

/** A `ledger.prove` reply as its reader validates it before checking any proof. */
export const ledgerProofReplySchema = z.strictObject({
  coordinatorKey: hex(64),
  /** The latest checkpoint, a C2SP signed note by the coordinator's ledger key. */
  checkpoint: z.string().max(MAX_NOTE_CHARS),
  /** From the request's from_size to the checkpoint's size (empty if equal or from 0). */
  consistency: proofHashes,
  /** One per asked seq, in the order asked, at the checkpoint's size. */
  inclusion: z.array(z.strictObject({ seq: z.number().int().min(1), proof: proofHashes })).max(LEDGER_PROVE_SEQS),
  /**
   * Each witness's latest cosignature (of this checkpoint or an earlier
   * one), for an auditor; witnesses ignore it. Absent from older coordinators.
   */
  cosignatures: z.array(wireCosignature).max(MAX_PROOF_COSIGNATURES).optional(),
});
export type LedgerProofReply = z.output<typeof ledgerProofReplySchema>;

const b64 = (h: Hash) => Buffer.from(h).toString('base64');

function outOfRange(message: string): CohortError {
  return new CohortError('E_LEDGER_PROOF', message);
}

/**
 * The reply to `ledger.prove` from the tree and its latest signed checkpoint
 * (whose size the tree must reach). E_LEDGER_PROOF when the request asks for
 * more than LEDGER_PROVE_SEQS entries, an entry outside 1..size or a
 * from_size above the checkpoint's size. `cosignatures` are the witnesses'
 * latest (at most MAX_PROOF_COSIGNATURES are sent).
 */
export function proveReply(
  tree: MerkleTree,
  checkpointNote: string,
  coordinatorKeyHex: string,
  fromSize: number,
  seqs: readonly number[],
  cosignatures: readonly StoredCosignature[] = [],
): LedgerProofReply {
  const { size } = parseCheckpointBody(parseNote(checkpointNote).body);
  if (size > tree.size)
    throw new CohortError('E_INTERNAL', `the checkpoint of size ${size} is ahead of the tree (${tree.size})`);
  if (seqs.length > LEDGER_PROVE_SEQS)
    throw outOfRange(`a proof request names at most ${LEDGER_PROVE_SEQS} entries, this one ${seqs.length}`);
  if (!Number.isSafeInteger(fromSize) || fromSize < 0 || fromSize > size)
    throw outOfRange(`from_size ${fromSize} is out of range (0 to the checkpoint's size ${size})`);
  for (const seq of seqs) {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > size)
      throw outOfRange(`entry ${seq} is out of range (1 to the checkpoint's size ${size})`);
  }
  return {
    coordinatorKey: coordinatorKeyHex,
    checkpoint: checkpointNote,
    consistency: tree.consistencyProof(fromSize, size).map(b64),
    inclusion: seqs.map((seq) => ({ seq, proof: tree.inclusionProof(seq - 1, size).map(b64) })),
    // A cosignature of a size past this checkpoint cannot be stored (ledger-tree.ts), but the cap is the reader's too.
    cosignatures: cosignatures
      .filter((c) => c.size <= size)
      .slice(0, MAX_PROOF_COSIGNATURES)
      .map((c) => ({ witness: c.witness, size: c.size, timestamp: c.timestamp, signature: b64(c.signature) })),
  };
}
