/**
 * `cohort ledger prove`: an inclusion or consistency proof read from a
 * coordinator database (opened read-only), with the coordinator's signed
 * checkpoint of the size proved at, for a third party to check with
 * `cohort ledger check-proof` (core/ledger/verify-proof.ts).
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { leafHash, MerkleTree, type Hash } from '../core/ledger/merkle.ts';
import { openCheckpoint, logOrigin } from '../core/ledger/checkpoint.ts';
import type { LedgerProof } from '../core/ledger/verify-proof.ts';

const b64 = (h: Hash) => Buffer.from(h).toString('base64');

interface Stored {
  tree: MerkleTree;
  canonical: (seq: number) => string;
  note: (size: number) => string | null;
  key: string;
  latest: number | null;
}

/** The tree from the rows' texts (what the leaves must hash), and the stored checkpoints. */
function readStored(path: string, upTo: number | undefined, also: number[] = []): Stored {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CohortError('E_STORE', `cannot open coordinator database ${path} read-only: ${(err as Error).message}`);
  }
  try {
    const hasCheckpoints =
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_checkpoints'`).get() !==
      undefined;
    if (!hasCheckpoints)
      throw new CohortError(
        'E_STORE',
        `${path} is a chain-format ledger without checkpoints: it converts when the coordinator next opens it`,
      );
    const rows = db
      .prepare(`SELECT seq, canonical FROM ledger WHERE seq <= ? ORDER BY seq`)
      .all(upTo ?? Number.MAX_SAFE_INTEGER) as { seq: number; canonical: string }[];
    const note = db.prepare(`SELECT note FROM ledger_checkpoints WHERE size = ?`).pluck();
    const latest = db.prepare(`SELECT MAX(size) FROM ledger_checkpoints`).pluck().get() as number | null;
    const key = db.prepare(`SELECT value FROM meta WHERE key = 'ledger_key'`).pluck().get() as string | undefined;
    if (!key) throw new CohortError('E_STORE', `${path} records no ledger key`);
    const texts = rows.map((r) => r.canonical);
    const notes = new Map<number, string>();
    for (const size of [upTo ?? latest ?? 0, ...also]) {
      const n = note.get(size) as string | undefined;
      if (n !== undefined) notes.set(size, n);
    }
    return {
      tree: MerkleTree.fromLeafHashes(texts.map((t) => leafHash(t))),
      canonical: (seq) => texts[seq - 1]!,
      note: (size) => notes.get(size) ?? null,
      key,
      latest,
    };
  } finally {
    db.close();
  }
}

function noteAt(s: Stored, size: number): string {
  const note = s.note(size);
  if (!note)
    throw new CohortError(
      'E_LEDGER_PROOF',
      `no checkpoint of size ${size} is stored (checkpoints start where the database was converted; the latest is ${s.latest ?? 'none'})`,
    );
  const keyBytes = new Uint8Array(Buffer.from(s.key, 'hex'));
  const c = openCheckpoint(note, logOrigin(keyBytes), keyBytes);
  // The prover states what it stores; a note whose root is not the rows' tree would not prove anything.
  if (!c || Buffer.compare(c.root, s.tree.root(size)) !== 0)
    throw new CohortError('E_LEDGER_PROOF', `the stored checkpoint of size ${size} does not match the stored rows`);
  return note;
}

/** The size proved at: `size` if given, else the latest checkpoint's; within the rows. */
function sizeOf(s: Stored, size: number | undefined): number {
  const at = size ?? s.latest;
  if (at === null || at === undefined) throw new CohortError('E_LEDGER_PROOF', 'the ledger has no checkpoint yet');
  if (at > s.tree.size)
    throw new CohortError('E_LEDGER_PROOF', `size ${at} is beyond the ledger's ${s.tree.size} entries`);
  return at;
}

/** The inclusion proof of entry `seq` in the tree of `size` (default: the latest checkpoint's). */
export function proveEntry(path: string, seq: number, size?: number): LedgerProof {
  const s = readStored(path, size);
  const at = sizeOf(s, size);
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > at)
    throw new CohortError('E_LEDGER_PROOF', `entry ${seq} is out of range (1 to ${at})`);
  return {
    kind: 'inclusion',
    coordinatorKey: s.key,
    seq,
    index: seq - 1,
    size: at,
    leaf: b64(s.tree.leaf(seq - 1)),
    canonical: s.canonical(seq),
    proof: s.tree.inclusionProof(seq - 1, at).map(b64),
    checkpoint: noteAt(s, at),
  };
}

/** The consistency proof from the tree of `from` leaves to the tree of `size` (default: the latest checkpoint's). */
export function proveConsistency(path: string, from: number, size?: number): LedgerProof {
  const s = readStored(path, size, [from]);
  const at = sizeOf(s, size);
  if (!Number.isSafeInteger(from) || from < 0 || from > at)
    throw new CohortError('E_LEDGER_PROOF', `--from ${from} is out of range (0 to ${at})`);
  const fromNote = s.note(from);
  return {
    kind: 'consistency',
    coordinatorKey: s.key,
    from,
    size: at,
    fromRoot: b64(s.tree.root(from)),
    ...(fromNote ? { fromCheckpoint: fromNote } : {}),
    proof: s.tree.consistencyProof(from, at).map(b64),
    checkpoint: noteAt(s, at),
  };
}
