/**
 * A third party's check of one proof that `cohort ledger prove` printed: an
 * inclusion proof of one entry (RFC 9162 §2.1.3.2) or a consistency proof
 * between two tree sizes (§2.1.4.2), each against the coordinator's signed
 * checkpoint (C2SP tlog-checkpoint) of the tree size proved at. Needs only
 * the proof file and the coordinator's ledger key as known out of band.
 */
import { z } from 'zod';
import { logOrigin, MAX_NOTE_CHARS, openCheckpoint } from './checkpoint.ts';
import { leafHash, verifyConsistency, verifyInclusion, type Hash } from './merkle.ts';
import { MAX_ENTRY_CHARS } from './seal.ts';
import { hash64, proofHashes as hashes } from './proofs.ts';

const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const note = z.string().max(MAX_NOTE_CHARS);

export const ledgerProofSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('inclusion'),
    coordinatorKey: z.string().regex(/^[0-9a-f]{64}$/),
    seq: z.number().int().min(1),
    /** Leaf index: seq - 1. */
    index: size,
    size,
    /** leafHash of the entry's canonical text. */
    leaf: hash64,
    /** The entry's canonical text, so the reader can hash it themselves. */
    canonical: z.string().max(MAX_ENTRY_CHARS),
    proof: hashes,
    /** The coordinator's signed checkpoint of `size`. */
    checkpoint: note,
  }),
  z.strictObject({
    kind: z.literal('consistency'),
    coordinatorKey: z.string().regex(/^[0-9a-f]{64}$/),
    from: size,
    size,
    /** The tree's root at `from` (the reader compares it with the one they kept). */
    fromRoot: hash64,
    /** The coordinator's signed checkpoint of `from`, when one is stored. */
    fromCheckpoint: note.optional(),
    proof: hashes,
    checkpoint: note,
  }),
]);
export type LedgerProof = z.output<typeof ledgerProofSchema>;

export interface ProofCheck {
  ok: boolean;
  /** What was shown, or why not. */
  message: string;
  /** The checkpoint proved against (when its signature verified). */
  size: number | null;
  root: string | null;
}

const bytes = (b64: string): Hash => new Uint8Array(Buffer.from(b64, 'base64'));
const fail = (message: string, size: number | null = null, root: string | null = null): ProofCheck => ({
  ok: false,
  message,
  size,
  root,
});

/** Checks a parsed proof under the coordinator key (32 bytes); never throws. */
export function checkLedgerProof(p: LedgerProof, coordinatorKey: Uint8Array): ProofCheck {
  const origin = logOrigin(coordinatorKey);
  const c = openCheckpoint(p.checkpoint, origin, coordinatorKey);
  if (!c) return fail(`the checkpoint is not signed by the coordinator key under ${origin}`);
  const root = Buffer.from(c.root).toString('base64');
  if (c.size !== p.size) return fail(`the proof is at size ${p.size}, its checkpoint of size ${c.size}`, c.size, root);
  if (p.kind === 'inclusion') {
    if (Buffer.compare(leafHash(p.canonical), bytes(p.leaf)) !== 0)
      return fail('the leaf is not the leaf hash of the entry text given', c.size, root);
    if (p.index !== p.seq - 1) return fail(`entry ${p.seq} is leaf ${p.seq - 1}, not ${p.index}`, c.size, root);
    return verifyInclusion(bytes(p.leaf), p.index, p.size, p.proof.map(bytes), c.root)
      ? {
          ok: true,
          message: `entry ${p.seq} is in the tree of size ${p.size} the coordinator signed`,
          size: c.size,
          root,
        }
      : fail(`the inclusion proof of entry ${p.seq} does not reach the checkpoint's root`, c.size, root);
  }
  if (p.fromCheckpoint !== undefined) {
    const old = openCheckpoint(p.fromCheckpoint, origin, coordinatorKey);
    if (!old || old.size !== p.from || Buffer.from(old.root).toString('base64') !== p.fromRoot)
      return fail(`the checkpoint of size ${p.from} is not signed by the coordinator key or names another root`);
  }
  return verifyConsistency(p.from, p.size, bytes(p.fromRoot), c.root, p.proof.map(bytes))
    ? {
        ok: true,
        message: `the tree of size ${p.from} (root ${p.fromRoot}) is a prefix of the tree of size ${p.size} the coordinator signed`,
        size: c.size,
        root,
      }
    : fail(`the consistency proof from ${p.from} to ${p.size} does not verify`, c.size, root);
}
