/**
 * The auditor's check of the ledger's Merkle tree (RFC 9162) against what
 * the coordinator signed and the witnesses cosigned: the tree is recomputed
 * from every row's canonical text (leaf i is entry seq i + 1), and then
 *
 * - a stored leaf hash must be leafHash of its row's text (leaf-mismatch);
 * - a checkpoint note must carry the coordinator's signature under the log's
 *   origin (bad-checkpoint), and its root must be the tree's root at its
 *   size, which the rows must reach (checkpoint-mismatch: edited rows, or a
 *   truncated ledger);
 * - a cosignature (C2SP cosignature/v1) is the witness hospital's signature
 *   of the checkpoint body at that size with the tree's root. One that only
 *   verifies over another root of that size (one a checkpoint note or a
 *   witness's note states) proves the coordinator showed that witness
 *   another tree: split-view, naming every witness of each root. One that
 *   verifies over nothing known is bad-cosignature.
 *
 * Only a Frontier is kept (log2 n hashes), with the roots at the sizes the
 * notes and cosignatures name, so the same code runs a full audit and an
 * incremental one that starts from a saved frontier without the old rows.
 * Rows a verified checkpoint covers need no seal check (verify.ts): the
 * checkpoint's signature vouches for their texts.
 */
import { Frontier, leafHash, type Hash } from './merkle.ts';
import { logOrigin, openCheckpoint, parseCheckpointBody, parseNote, type Checkpoint } from './checkpoint.ts';
import type { SealedEntry } from './types.ts';
import { type Failures } from './verify-failures.ts';
import { cosignedRoots, type CosignedRoots, type KeyAt } from './verify-witness.ts';

/** A cosignature as the coordinator stores it: the checkpoint it covers is named by size only. */
export interface StoredCosignature {
  /** The hospital that cosigned (its witness name is witnessName(hospital)). */
  witness: string;
  size: number;
  /** Unix seconds. */
  timestamp: number;
  signature: Uint8Array;
}

/** The right edge of the tree an auditor verified, saved to extend in the next (incremental) audit. */
export interface TreeState {
  size: number;
  /** Frontier.hashes() in standard base64, largest subtree first. */
  frontier: string[];
}

export interface TreeInput {
  rows: readonly SealedEntry[];
  /** Stored leaf hashes in row order (null where a row has none yet). */
  leaves?: readonly (Uint8Array | null | undefined)[] | undefined;
  coordinatorKey: Uint8Array;
  /** Each witness's key in force at a tree size. */
  keyAt: KeyAt;
  checkpoints?: readonly string[] | undefined;
  cosignatures?: readonly StoredCosignature[] | undefined;
  witnessNotes?: readonly string[] | undefined;
  /** The tree the rows extend (an incremental audit); absent for a full one. */
  from?: TreeState | undefined;
}

export interface TreeFindings {
  /** Tree size up to which a verified checkpoint vouches for the rows' texts. */
  covered: number;
  checkpointsVerified: number;
  cosignaturesVerified: number;
  /** Largest checkpoint size each hospital validly cosigned with the tree's root. */
  witnessed: Map<string, number>;
  /** The latest verified checkpoint's size (null when none verified). */
  checkpointSize: number | null;
  /** The tree after the rows (null when the saved frontier was unusable). */
  tree: TreeState | null;
}

/** The findings when the tree cannot be checked: nothing vouched for, no tree to save. */
export function noTreeFindings(): TreeFindings {
  return {
    covered: 0,
    checkpointsVerified: 0,
    cosignaturesVerified: 0,
    witnessed: new Map(),
    checkpointSize: null,
    tree: null,
  };
}

const b64 = (h: Hash) => Buffer.from(h).toString('base64');
const same = (a: Hash, b: Hash) => Buffer.compare(a, b) === 0;

/** The size a note claims, whether or not it verifies (for ordering failures); null if it has none. */
function claimedSize(note: string): number | null {
  try {
    return parseCheckpointBody(parseNote(note).body).size;
  } catch {
    return null;
  }
}

/** Roots of the tree at the sizes wanted, from `start` extended by the rows' leaves. */
export class TreeRoots {
  readonly size: number;
  readonly start: number;
  private readonly roots = new Map<number, Hash>();
  readonly frontier: Frontier;

  constructor(start: Frontier, leaves: readonly Hash[], wanted: ReadonlySet<number>) {
    this.start = start.size;
    const f = start;
    if (wanted.has(f.size)) this.roots.set(f.size, f.root());
    for (const leaf of leaves) {
      f.append(leaf);
      if (wanted.has(f.size)) this.roots.set(f.size, f.root());
    }
    this.frontier = f;
    this.size = f.size;
  }

  /** The root at `size`: 'beyond' past the rows, null before a saved frontier (not recomputable here). */
  at(size: number): Hash | 'beyond' | null {
    if (size > this.size) return 'beyond';
    return this.roots.get(size) ?? null;
  }

  state(): TreeState {
    return { size: this.size, frontier: this.frontier.hashes().map(b64) };
  }
}

/** Each row's leaf hash; a stored leaf that differs is leaf-mismatch. */
function rowLeaves(input: TreeInput, failures: Failures): Hash[] {
  return input.rows.map((row, i) => {
    const leaf = leafHash(typeof row.canonical === 'string' ? row.canonical : '');
    const stored = input.leaves?.[i];
    if (stored !== null && stored !== undefined && !(stored instanceof Uint8Array && same(stored, leaf)))
      failures.add(row.seq, 'leaf-mismatch', `entry ${row.seq}: stored leaf hash is not the leaf hash of its text`);
    return leaf;
  });
}

/** The saved frontier, or null (with a failure) when it cannot be restored. */
function startOf(from: TreeState | undefined, failures: Failures): Frontier | null {
  if (!from) return Frontier.empty();
  try {
    return Frontier.restore(
      from.size,
      from.frontier.map((h) => new Uint8Array(Buffer.from(h, 'base64'))),
    );
  } catch (err) {
    failures.add(from.size, 'head-mismatch', `the saved tree is not a frontier: ${(err as Error).message}`);
    return null;
  }
}

/**
 * Checks the tree against its checkpoints and cosignatures. Failures go to
 * `failures`, findings that are not failures to `notes`.
 */
export function checkTree(input: TreeInput, failures: Failures, notes: string[]): TreeFindings {
  const leaves = rowLeaves(input, failures);
  const start = startOf(input.from, failures);
  if (!start) return noTreeFindings();
  const checkpoints = input.checkpoints ?? [];
  const witnessNotes = input.witnessNotes ?? [];
  const wanted = new Set<number>([
    ...[...checkpoints, ...witnessNotes].map(claimedSize).filter((s): s is number => s !== null),
    ...(input.cosignatures ?? []).map((c) => c.size),
  ]);
  const roots = new TreeRoots(start, leaves, wanted);
  const origin = logOrigin(input.coordinatorKey);
  const signed = checkCheckpoints(checkpoints, origin, input.coordinatorKey, roots, failures);
  const cosigned = cosignedRoots(
    {
      origin,
      coordinatorKey: input.coordinatorKey,
      keyAt: input.keyAt,
      rootAt: (size) => roots.at(size),
      treeSize: roots.size,
      signed: signed.roots,
      cosignatures: input.cosignatures,
      witnessNotes,
    },
    failures,
  );
  reportSplitViews(cosigned, roots, failures);
  const witnessed = new Map<string, number>();
  for (const { hospital, size } of cosigned.matching)
    witnessed.set(hospital, Math.max(witnessed.get(hospital) ?? 0, size));
  coverageNotes(signed, roots, checkpoints.length, notes);
  return {
    covered: signed.covered,
    checkpointsVerified: signed.verified,
    cosignaturesVerified: cosigned.matching.length,
    witnessed,
    checkpointSize: signed.latest,
    tree: roots.state(),
  };
}

interface SignedCheckpoints {
  verified: number;
  /** Largest size whose signed root is the tree's root. */
  covered: number;
  /** Largest verified size (matching or not). */
  latest: number | null;
  /** Every root the coordinator signed, by size: what a cosignature may have covered instead of the tree's. */
  roots: Map<number, Hash[]>;
}

/** Each note: signed by the coordinator (bad-checkpoint), and its root the tree's at its size (checkpoint-mismatch). */
function checkCheckpoints(
  notes: readonly string[],
  origin: string,
  key: Uint8Array,
  roots: TreeRoots,
  failures: Failures,
): SignedCheckpoints {
  const out: SignedCheckpoints = { verified: 0, covered: 0, latest: null, roots: new Map() };
  for (const note of notes) {
    const c = openCheckpoint(note, origin, key);
    if (!c) {
      const size = claimedSize(note);
      failures.add(
        size,
        'bad-checkpoint',
        `a checkpoint (size ${size ?? 'unreadable'}) is not a note signed by the coordinator key under ${origin.slice(0, 30)}…`,
      );
      continue;
    }
    out.roots.set(c.size, [...(out.roots.get(c.size) ?? []), c.root]);
    out.latest = Math.max(out.latest ?? 0, c.size);
    if (matchesTree(c, roots, failures, 'the checkpoint')) {
      out.verified++;
      out.covered = Math.max(out.covered, c.size);
    }
  }
  return out;
}

/**
 * Whether a signed checkpoint's root is the tree's root at its size. A size
 * past the rows is a truncated ledger; a size before a saved frontier is not
 * recomputable here (false, no failure: the audit that saved it checked it).
 */
export function matchesTree(c: Checkpoint, roots: TreeRoots, failures: Failures, what: string): boolean {
  const root = roots.at(c.size);
  if (root === 'beyond') {
    failures.add(
      c.size,
      'checkpoint-mismatch',
      `${what} of size ${c.size} covers entries the ledger does not hold (it holds ${roots.size}: truncated)`,
    );
    return false;
  }
  if (root === null) return false;
  if (same(root, c.root)) return true;
  failures.add(
    c.size,
    'checkpoint-mismatch',
    `${what} of size ${c.size} has root ${b64(c.root).slice(0, 12)}…, the tree of the stored rows ${b64(root).slice(0, 12)}… (an entry up to ${c.size} was changed)`,
  );
  return false;
}

/**
 * Two roots at one size, signed by the coordinator or cosigned by a witness
 * (who cosigns only what the coordinator signed): the coordinator showed
 * different trees of that size (split-view), whichever one the rows hold.
 * One signed root that is not the rows' is an edit, checkpoint-mismatch.
 */
function reportSplitViews(cosigned: CosignedRoots, roots: TreeRoots, failures: Failures): void {
  for (const [size, byRoot] of cosigned.bySize) {
    if (byRoot.size < 2) continue;
    const tree = roots.at(size);
    const ledger = tree instanceof Uint8Array ? b64(tree) : null;
    const views = [...byRoot]
      .map(([root, ws]) => {
        const who = ws.size > 0 ? `cosigned by ${[...ws].sort().join(', ')}` : 'signed, cosigned by nobody given';
        return `root ${root.slice(0, 12)}…${root === ledger ? " (the ledger's)" : ''} ${who}`;
      })
      .join('; ');
    failures.add(size, 'split-view', `at size ${size} the coordinator signed different trees: ${views}`);
  }
}

function coverageNotes(signed: SignedCheckpoints, roots: TreeRoots, given: number, notes: string[]): void {
  if (roots.size === roots.start) return;
  if (given === 0) {
    notes.push(
      'no checkpoint of the Merkle tree was given (a chain-format ledger, converted when the coordinator next opens it): every entry was checked by its seal',
    );
    return;
  }
  if (signed.latest !== null && signed.latest < roots.size)
    notes.push(
      `entries ${signed.latest + 1} to ${roots.size} are after the latest checkpoint (size ${signed.latest}): they were checked by their seals`,
    );
}
