/**
 * The ledger as a transparency log, on the coordinator's side (RFC 9162
 * hashing, C2SP checkpoints and cosignatures; core/ledger/merkle.ts and
 * checkpoint.ts): the Merkle tree of the entries kept in memory, the
 * checkpoint signed with every appended entry, the proofs a witness or an
 * auditor asks for (`ledger.prove`), and the witnesses' cosignatures.
 *
 * The tree mirrors the database's leaf column. Before each use it is checked
 * against the rows (their count and the last leaf): an append whose
 * transaction rolled back leaves a leaf in memory that the database does not
 * have, and another process (the admin CLI) may have appended rows since.
 * Appends only ever add to the end and a rollback only removes from it, so a
 * tree whose last leaf is still stored at its position is a prefix of the
 * stored one: it is cut back or extended; anything else rebuilds it.
 */
import { CohortError } from '../core/errors.ts';
import {
  logOrigin,
  parseCheckpointBody,
  parseNote,
  signCheckpoint,
  verifyCosignature,
  witnessName,
} from '../core/ledger/checkpoint.ts';
import { MerkleTree, type Hash } from '../core/ledger/merkle.ts';
import { MAX_PROOF_COSIGNATURES, proveReply, type LedgerProofReply } from '../core/ledger/proofs.ts';
import type { Identity } from '../core/secagg/index.ts';
import type { LedgerTables, StoredCheckpoint } from './ledger-tables.ts';

/** A cosignature as it arrives in a LedgerCosignature frame. */
export interface CosignatureClaim {
  size: number;
  root: Uint8Array;
  timestamp: number;
  signature: Uint8Array;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * The rows end before a checkpoint already signed: entries it covers were
 * removed from the database. Signing on would sign two different trees of
 * one size (a split view), so the coordinator stops instead.
 */
function lostEntries(signed: number, rows: number): CohortError {
  return new CohortError(
    'E_STORE',
    `the ledger holds ${rows} entries but a checkpoint of ${signed} was signed: entries were removed from the database`,
  );
}

function refused(message: string): CohortError {
  return new CohortError('E_LEDGER_CHECKPOINT', message);
}

export class LedgerTree {
  private tree = new MerkleTree();
  private readonly origin: string;
  private readonly publicKeyHex: string;

  /**
   * Opens the log over `store`'s ledger: fills in the leaves of rows written
   * before it had them, builds the tree, and signs a checkpoint of the
   * ledger's size if none is stored (the conversion of a chain-format
   * database). From then on every appended entry is checkpointed.
   */
  constructor(
    private readonly store: LedgerTables,
    private readonly identity: Identity,
    private readonly now: () => number,
  ) {
    this.origin = logOrigin(identity.publicKey);
    this.publicKeyHex = Buffer.from(identity.publicKey).toString('hex');
    store.backfillLeaves();
    this.ensureCheckpoint();
    store.setCheckpointSigner((size, leaf) => this.checkpointOf(size, leaf));
  }

  /** The latest checkpoint, signing one of the ledger's present size if it is missing (never behind the rows). */
  private ensureCheckpoint(): StoredCheckpoint {
    const tree = this.synced();
    const latest = this.store.latestCheckpoint();
    if (latest && latest.size === tree.size) return latest;
    if (latest && latest.size > tree.size) throw lostEntries(latest.size, tree.size);
    const c = { size: tree.size, note: this.sign(tree.size), at: this.now() };
    this.store.addCheckpoint(c);
    return c;
  }

  /** The signer appendEntry calls, inside its transaction, once entry `size` and its `leaf` are stored. */
  private checkpointOf(size: number, leaf: Hash): { note: string; at: number } {
    const signed = this.store.latestCheckpoint()?.size ?? 0;
    if (signed >= size) throw lostEntries(signed, size - 1);
    const tree = this.synced();
    if (tree.size !== size || !sameBytes(tree.leaf(size - 1), leaf))
      throw new CohortError('E_INTERNAL', `the ledger tree does not end with entry ${size} just appended`);
    return { note: this.sign(size), at: this.now() };
  }

  private sign(size: number): string {
    const c = { origin: this.origin, size, root: this.tree.root(size) };
    return signCheckpoint(c, this.identity.secretKey, this.identity.publicKey);
  }

  /** The tree, brought to exactly the stored leaves (see the module comment). */
  private synced(): MerkleTree {
    const rows = this.store.lastLedgerSeq();
    let tree = this.tree;
    if (tree.size > rows) tree.truncate(rows);
    const last = tree.size > 0 ? this.store.ledgerLeaf(tree.size) : null;
    if (tree.size > 0 && !(last && sameBytes(last, tree.leaf(tree.size - 1)))) tree = new MerkleTree();
    if (tree.size < rows) {
      for (const leaf of this.store.ledgerLeavesAfter(tree.size)) {
        // Every row has its leaf once the constructor's backfill ran; a writer that stores none is not this code.
        if (!leaf) throw new CohortError('E_STORE', `ledger entry ${tree.size + 1} has no leaf hash`);
        tree.append(leaf);
      }
    }
    this.tree = tree;
    return tree;
  }

  /**
   * The reply to `ledger.prove` (core/ledger/proofs.ts): the latest
   * checkpoint, a consistency proof from `fromSize`, an inclusion proof of
   * each of `seqs` at its size, and each witness's latest cosignature.
   * E_LEDGER_PROOF for a request out of range.
   */
  prove(fromSize: number, seqs: readonly number[]): LedgerProofReply {
    const latest = this.ensureCheckpoint();
    const cosignatures = this.store.latestCosignaturesBounded(MAX_PROOF_COSIGNATURES);
    return proveReply(this.tree, latest.note, this.publicKeyHex, fromSize, seqs, cosignatures);
  }

  /**
   * Stores `hospital`'s cosignature iff a checkpoint of its size with its
   * root is stored and it is the cosignature/v1 of that checkpoint's body
   * under witnessName(hospital) and `hospitalKey` (the key the ledger
   * records for it). E_LEDGER_CHECKPOINT otherwise, and nothing is stored.
   */
  acceptCosignature(hospital: string, hospitalKey: Uint8Array, c: CosignatureClaim): void {
    if (!Number.isSafeInteger(c.size) || c.size < 0 || !Number.isSafeInteger(c.timestamp) || c.timestamp < 0)
      throw refused('a cosignature names a natural size and time');
    const stored = this.store.checkpointOfSize(c.size);
    if (!stored) throw refused(`no checkpoint of size ${c.size} was signed`);
    const body = parseNote(stored.note).body;
    if (!sameBytes(parseCheckpointBody(body).root, c.root))
      throw refused(`the cosigned root is not the root of the checkpoint of size ${c.size}`);
    const cosig = { name: witnessName(hospital), timestamp: c.timestamp, signature: c.signature };
    if (!verifyCosignature(body, cosig, hospitalKey))
      throw refused(`the cosignature of the checkpoint of size ${c.size} is not ${hospital}'s`);
    this.store.addCosignature(
      { witness: hospital, size: c.size, timestamp: c.timestamp, signature: c.signature },
      this.now(),
    );
  }
}
