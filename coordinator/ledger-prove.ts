/**
 * `cohort ledger prove`: an inclusion or consistency proof read from a
 * coordinator database (opened read-only), with the coordinator's signed
 * checkpoint of the size proved at, for a third party to check with
 * `cohort ledger check-proof` (core/ledger/verify-proof.ts).
 */
import { CohortError } from '../core/errors.ts';
import { openUntrusted } from './untrusted-db.ts';
import { leafHash, MerkleTree, type Hash } from '../core/ledger/merkle.ts';
import { openCheckpoint, logOrigin } from '../core/ledger/checkpoint.ts';
import type { LedgerProof } from '../core/ledger/verify-proof.ts';
import { LedgerTables } from './ledger-tables.ts';

const b64 = (h: Hash) => Buffer.from(h).toString('base64');

interface Stored {
  tree: MerkleTree;
  /** The text of the entry asked for (proveEntry), if it is stored. */
  canonical: string | undefined;
  note: (size: number) => string | null;
  key: string;
  latest: number | null;
}

/**
 * The tree from the rows' texts (what the leaves must hash), the text of
 * entry `keep`, and the stored checkpoints. The rows are hashed as they are
 * read: a proof holds one entry's text in memory, not the ledger's.
 */
function readStored(path: string, upTo: number | undefined, o: { also?: number[]; keep?: number } = {}): Stored {
  // The operator's file: refused if a table the proof reads is computed when read (untrusted-db.ts).
  const db = openUntrusted(path, 'coordinator database');
  try {
    const hasCheckpoints =
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_checkpoints'`).get() !==
      undefined;
    if (!hasCheckpoints)
      throw new CohortError(
        'E_STORE',
        `${path} is a chain-format ledger without checkpoints: it converts when the coordinator next opens it`,
      );
    const tables = new LedgerTables(db);
    const key = tables.ledgerKey();
    if (!key) throw new CohortError('E_STORE', `${path} records no ledger key`);
    const latest = tables.latestCheckpoint()?.size ?? null;
    const tree = new MerkleTree();
    let canonical: string | undefined;
    const rows = db.prepare(`SELECT seq, canonical FROM ledger WHERE seq <= ? ORDER BY seq`);
    for (const r of rows.iterate(upTo ?? Number.MAX_SAFE_INTEGER) as Iterable<{ seq: number; canonical: string }>) {
      // Leaf i is entry i + 1: a row missing in between would shift every leaf after it.
      if (r.seq !== tree.size + 1)
        throw new CohortError('E_LEDGER_PROOF', `the stored rows skip from entry ${tree.size} to entry ${r.seq}`);
      tree.append(leafHash(r.canonical));
      if (r.seq === o.keep) canonical = r.canonical;
    }
    const notes = new Map<number, string>();
    for (const size of [upTo ?? latest ?? 0, ...(o.also ?? [])]) {
      const n = tables.checkpointOfSize(size)?.note;
      if (n !== undefined) notes.set(size, n);
    }
    return { tree, canonical, note: (size) => notes.get(size) ?? null, key, latest };
  } catch (err) {
    // A file that is no SQLite database, or one without the ledger's tables, is a typed error, not a stack trace.
    if (err instanceof CohortError) throw err;
    throw new CohortError('E_STORE', `${path} has no readable ledger: ${(err as Error).message}`, { cause: err });
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
  const s = readStored(path, size, { keep: seq });
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
    canonical: s.canonical!,
    proof: s.tree.inclusionProof(seq - 1, at).map(b64),
    checkpoint: noteAt(s, at),
  };
}

/** The consistency proof from the tree of `from` leaves to the tree of `size` (default: the latest checkpoint's). */
export function proveConsistency(path: string, from: number, size?: number): LedgerProof {
  const s = readStored(path, size, { also: [from] });
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
