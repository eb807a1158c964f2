/**
 * What a hospital checks, as a witness of the ledger (issue 20), in a reply
 * to its `ledger.prove` request before it may cosign the checkpoint: the
 * note is signed by the pinned coordinator ledger key under that key's log
 * origin (C2SP tlog-checkpoint); the new tree extends the one it verified
 * before (RFC 9162 §2.1.4 consistency proof); and the tree holds, at each
 * asked position, the very entry this hospital kept (§2.1.3 inclusion proof
 * of the leaf hash of its own copy). Pure: the caller logs, stores and sends.
 */
import { logOrigin, openCheckpoint, type Checkpoint } from '../core/ledger/checkpoint.ts';
import { verifyConsistency, verifyInclusion, type Hash } from '../core/ledger/merkle.ts';
import type { LedgerProofReply } from '../core/ledger/proofs.ts';

export type WitnessCode = 'E_LEDGER_CHECKPOINT' | 'E_LEDGER_SPLIT_VIEW' | 'E_LEDGER_PROOF';

export type WitnessVerdict =
  { ok: true; checkpoint: Checkpoint; note: string } | { ok: false; code: WitnessCode; message: string };

export interface WitnessCheck {
  reply: LedgerProofReply;
  /** The coordinator's ledger key this hospital pinned at first use. */
  coordinatorKey: Uint8Array;
  /** The tree already verified (the request's from_size and its root): the last cosigned, or one checked since. */
  from: { size: number; root: Hash };
  /** The seqs the request asked inclusion proofs of. */
  asked: readonly number[];
  /** The leaf hash of this hospital's own copy at `seq` (null: none kept). */
  leaf: (seq: number) => Hash | null;
}

const fail = (code: WitnessCode, message: string): WitnessVerdict => ({ ok: false, code, message });

const hashes = (proof: readonly string[]): Hash[] => proof.map((h) => new Uint8Array(Buffer.from(h, 'base64')));

export function checkProofReply(w: WitnessCheck): WitnessVerdict {
  const { reply, from } = w;
  const keyHex = Buffer.from(w.coordinatorKey).toString('hex');
  if (reply.coordinatorKey !== keyHex)
    return fail(
      'E_LEDGER_CHECKPOINT',
      `the proof names ledger key ${reply.coordinatorKey.slice(0, 16)}…, not the pinned one`,
    );
  const c = openCheckpoint(reply.checkpoint, logOrigin(w.coordinatorKey), w.coordinatorKey);
  if (!c)
    return fail('E_LEDGER_CHECKPOINT', 'the checkpoint is not signed by the pinned coordinator ledger key for its log');
  const ext = extensionProblem(from, c, reply.consistency);
  if (ext === 'smaller')
    return fail(
      'E_LEDGER_SPLIT_VIEW',
      `the checkpoint's tree (${c.size}) is smaller than the one verified (${from.size})`,
    );
  if (ext === 'diverged')
    return fail(
      'E_LEDGER_SPLIT_VIEW',
      `the tree of size ${c.size} is not an extension of the one of size ${from.size}`,
    );
  return checkInclusion(w, c) ?? { ok: true, checkpoint: c, note: reply.checkpoint };
}

/**
 * Why the opened checkpoint `c` does not extend the tree verified before
 * (null: it does). A smaller tree, or one no consistency proof (base64
 * hashes) ties to the old root, is a history other than the one seen. The
 * witness's check and an auditor's incremental fetch (ledger-fetch.ts) share it.
 */
export function extensionProblem(
  from: { size: number; root: Hash },
  c: Checkpoint,
  consistency: readonly string[],
): 'smaller' | 'diverged' | null {
  if (c.size < from.size) return 'smaller';
  return verifyConsistency(from.size, c.size, from.root, c.root, hashes(consistency)) ? null : 'diverged';
}

/** Each asked entry's proof, once and in the order asked, shows this hospital's copy at its position. */
function checkInclusion(w: WitnessCheck, c: Checkpoint): WitnessVerdict | null {
  const got = w.reply.inclusion;
  if (got.length !== w.asked.length || got.some((p, i) => p.seq !== w.asked[i]))
    return fail('E_LEDGER_PROOF', `the reply proves entries ${got.map((p) => p.seq).join(',')}, not those asked`);
  for (const { seq, proof } of got) {
    if (seq > c.size)
      return fail('E_LEDGER_CHECKPOINT', `the checkpoint (size ${c.size}) does not cover entry ${seq}, kept here`);
    const leaf = w.leaf(seq);
    if (!leaf) return fail('E_LEDGER_PROOF', `no copy of entry ${seq} is kept here`);
    // The entry shown to this hospital is not the one the log commits to at its position.
    if (!verifyInclusion(leaf, seq - 1, c.size, hashes(proof), c.root))
      return fail(
        'E_LEDGER_SPLIT_VIEW',
        `the tree of size ${c.size} does not hold this hospital's copy of entry ${seq}`,
      );
  }
  return null;
}
