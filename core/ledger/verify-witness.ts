/**
 * The witnesses' side of a tree audit: which roots the hospitals cosigned.
 * Cosignatures come from the coordinator's table (a size, no root: the
 * auditor supplies the root) and from notes the witnesses kept (`cohort
 * client checkpoint`: the coordinator's signed checkpoint with the witness's
 * cosignature line, C2SP signed-note). A cosignature is judged against the
 * tree's root at its size first, then against the other roots the
 * coordinator is known to have signed at that size; verify-tree.ts turns a
 * cosigned root that is not the tree's into a split-view failure.
 */
import {
  checkpointBody,
  cosignatureOf,
  hospitalOfWitness,
  openCheckpoint,
  parseNote,
  verifyCosignature,
  witnessName,
  type Checkpoint,
} from './checkpoint.ts';
import type { Hash } from './merkle.ts';
import type { Failures } from './verify-failures.ts';

/** A hospital's identity key in force at entry `seq` (core/ledger/grants.ts keyAt), or undefined if it had none. */
export type KeyAt = (hospital: string, seq: number) => Uint8Array | undefined;

/** The tree's root at a size: 'beyond' past the rows, null where it cannot be recomputed (before a saved frontier). */
export type RootAt = (size: number) => Hash | 'beyond' | null;

export interface CosignedRoots {
  /**
   * Per size, per root (base64): the hospitals whose valid cosignature covers
   * that root (an empty set for a root the coordinator signed that nobody
   * cosigned). A witness cosigns only a root the coordinator signed, so two
   * roots at one size mean the coordinator signed two trees of that size.
   */
  bySize: Map<number, Map<string, Set<string>>>;
  /** The valid cosignatures of the tree's own root. */
  matching: { hospital: string; size: number }[];
}

interface CosignInput {
  origin: string;
  coordinatorKey: Uint8Array;
  /** A hospital's key in force at a tree size (the entries up to it set it: verify.ts keysAt), or undefined. */
  keyAt: KeyAt;
  rootAt: RootAt;
  treeSize: number;
  /** Roots the coordinator signed, by size (from verified checkpoint notes). */
  signed: ReadonlyMap<number, Hash[]>;
  cosignatures?: readonly { witness: string; size: number; timestamp: number; signature: Uint8Array }[] | undefined;
  witnessNotes?: readonly string[] | undefined;
}

const b64 = (h: Hash) => Buffer.from(h).toString('base64');

class Collector {
  readonly out: CosignedRoots = { bySize: new Map(), matching: [] };
  constructor(
    private readonly o: CosignInput,
    private readonly failures: Failures,
  ) {}

  /** A root the coordinator signed at `size`. */
  signed(size: number, root: Hash): void {
    this.rootsAt(size).set(b64(root), this.rootsAt(size).get(b64(root)) ?? new Set());
  }

  private rootsAt(size: number): Map<string, Set<string>> {
    let byRoot = this.out.bySize.get(size);
    if (!byRoot) this.out.bySize.set(size, (byRoot = new Map()));
    return byRoot;
  }

  /** A valid cosignature of `root` at `size` by `hospital`. */
  record(hospital: string, size: number, root: Hash, via: string): void {
    const tree = this.o.rootAt(size);
    if (tree === 'beyond') {
      this.failures.add(
        size,
        'checkpoint-mismatch',
        `${hospital} cosigned a checkpoint of size ${size} (${via}), but the ledger holds ${this.o.treeSize} entries (truncated)`,
      );
      return;
    }
    const byRoot = this.rootsAt(size);
    const key = b64(root);
    byRoot.set(key, (byRoot.get(key) ?? new Set()).add(hospital));
    if (tree !== null && b64(tree) === key) this.out.matching.push({ hospital, size });
  }
}

/**
 * Every cosignature given, verified: witness notes first (their roots, signed
 * by the coordinator, are candidates for the stored cosignatures too), then
 * the stored ones.
 */
export function cosignedRoots(o: CosignInput, failures: Failures): CosignedRoots {
  const c = new Collector(o, failures);
  const signed = new Map<number, Hash[]>([...o.signed].map(([s, rs]) => [s, [...rs]]));
  for (const [i, note] of (o.witnessNotes ?? []).entries()) {
    const cp = readWitnessNote(note, i + 1, o, c, failures);
    if (cp) signed.set(cp.size, [...(signed.get(cp.size) ?? []), cp.root]);
  }
  for (const [size, roots] of signed) for (const r of roots) c.signed(size, r);
  for (const s of o.cosignatures ?? []) {
    const key = o.keyAt(s.witness, s.size);
    if (!key) {
      failures.add(
        s.size,
        'bad-cosignature',
        `a cosignature of size ${s.size} by ${s.witness}, who held no key known at that size`,
      );
      continue;
    }
    const tree = o.rootAt(s.size);
    // Before a saved frontier: checked by the audit that saved it.
    if (tree === null) continue;
    const candidates = [...(tree === 'beyond' ? [] : [tree]), ...(signed.get(s.size) ?? [])];
    const cosig = { name: witnessName(s.witness), timestamp: s.timestamp, signature: s.signature };
    const root = candidates.find((r) =>
      verifyCosignature(checkpointBody({ origin: o.origin, size: s.size, root: r }), cosig, key),
    );
    if (root) c.record(s.witness, s.size, root, 'stored cosignature');
    else
      failures.add(
        s.size,
        'bad-cosignature',
        `${s.witness}'s stored cosignature of size ${s.size} verifies over no checkpoint of that size${tree === 'beyond' ? ` (the ledger holds ${o.treeSize} entries)` : ''}`,
      );
  }
  return c.out;
}

/** A witness's note: the coordinator's checkpoint and one or more cosignature lines, each verified. */
function readWitnessNote(note: string, n: number, o: CosignInput, c: Collector, failures: Failures): Checkpoint | null {
  const cp = openCheckpoint(note, o.origin, o.coordinatorKey);
  if (!cp) {
    failures.add(null, 'bad-checkpoint', `witness note ${n} is not a checkpoint signed by the coordinator key`);
    return null;
  }
  // openCheckpoint parsed it: it parses again without throwing.
  const { body, signatures } = parseNote(note);
  let lines = 0;
  for (const line of signatures) {
    const hospital = hospitalOfWitness(line.name);
    if (hospital === null) continue;
    lines++;
    const key = o.keyAt(hospital, cp.size);
    const cosig = key ? cosignatureOf(line, key) : null;
    if (key && cosig && verifyCosignature(body, cosig, key)) c.record(hospital, cp.size, cp.root, `witness note ${n}`);
    else
      failures.add(
        cp.size,
        'bad-cosignature',
        `witness note ${n}: the cosignature by ${line.name} does not verify under ${key ? `${hospital}'s key at size ${cp.size}` : 'any known hospital key'}`,
      );
  }
  if (lines === 0)
    failures.add(cp.size, 'bad-cosignature', `witness note ${n} carries no cosignature by a cohort witness`);
  return cp;
}
