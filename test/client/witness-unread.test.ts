/**
 * A witness never cosigns past the ledger it has read. The coordinator picks
 * the checkpoint it answers ledger.prove with, so it can answer with a tree
 * larger than the hospital's catch-up reached, holding at a position the
 * hospital has not read an entry about it: another text than the one it
 * serves the hospital later (a split view of one entry), or one charging it
 * other than it charged itself. Cosigning that tree would vouch for an entry
 * the hospital never checked, and the copy served later, below the cosigned
 * size, would never be proved. The real LedgerSync of h1 is fed by a lying
 * coordinator the test plays (witness-harness.ts).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import { leafHash } from '../../core/ledger/merkle.ts';
import type { Fixture } from '../core/ledger/fixture.ts';
import { ME, swapped, view, witnessing, type View, honestView, witnessFixture } from './witness-harness.ts';

let f: Fixture;
/** Seqs of the entries recording h1's spend. */
let own: number[];
beforeAll(() => ({ f, own } = witnessFixture()));
const honest = (size?: number) => honestView(f, size);
const codes = (w: ReturnType<typeof witnessing>) => w.logs.map((l) => l.code).filter(Boolean);
const rootHex = (root: Uint8Array | null | undefined) => Buffer.from(root ?? []).toString('hex');
/** The seqs every ledger.prove the hospital sent asked an inclusion proof of. */
const asked = (w: ReturnType<typeof witnessing>) =>
  new Set(w.sent.flatMap((e) => (e.request?.action === 'ledger.prove' ? (e.request.seqs ?? []) : [])));

/**
 * The coordinator's tree holds, at h1's entry `at`, another entry (`change`
 * edits it); its pages stop before `at` (`readTo`), and its proofs are of
 * that tree, whose checkpoint covers the whole ledger.
 */
function ahead(at: number, readTo: number, change: (e: LedgerEntry) => LedgerEntry) {
  const lying = view(swapped(f.entries, at, f.coordinator, change), f.coordinator);
  const shown: View = view(f.entries.slice(0, readTo), f.coordinator, lying.prove);
  return { lying, shown };
}

describe('a witness shown a checkpoint past the ledger it has read', () => {
  it('never cosigns a tree holding another copy of an entry of its own it had not read, and finds the split view when that entry comes', () => {
    const n = own[5]!;
    const at = own[6]!;
    const { lying, shown } = ahead(at, n, (e) => ({ ...e, at: e.at + 1 }));
    const w = witnessing(f);
    w.connect(shown);
    // Its catch-up ended at n, the signed checkpoint is past it, and reading again still ends at n: refused.
    expect(w.cosignatures()).toEqual([]);
    expect(w.events).toEqual([{ size: lying.tree.size, cosigned: false, code: 'E_LEDGER_CHECKPOINT' }]);
    // The coordinator now serves h1 the honest entry at `at`, and still proves from the tree holding the other.
    w.announce(view(f.entries, f.coordinator, lying.prove));
    expect(w.ledger.leaf(at)).toEqual(leafHash(f.entries[at - 1]!.canonical));
    expect(w.ledger.leaf(at)).not.toEqual(lying.tree.leaf(at - 1));
    expect(w.cosignatures().filter((c) => rootHex(c.root) === rootHex(lying.tree.root()))).toEqual([]);
    expect(codes(w)).toContain('E_LEDGER_SPLIT_VIEW');
    expect(w.events.at(-1)).toMatchObject({ cosigned: false, code: 'E_LEDGER_SPLIT_VIEW' });
  });

  it('never cosigns a tree holding an entry that charges it otherwise than it charged, before it has read and checked it', () => {
    const n = own[5]!;
    const at = own[6]!;
    const doubled = (e: LedgerEntry): LedgerEntry => {
      const body = e.body as RoundBody;
      const spends = body.spends.map((s) =>
        s.hospital === ME ? { ...s, cumulativeEpsilon: s.cumulativeEpsilon * 2 } : s,
      );
      return { ...e, body: { ...body, spends } };
    };
    const { lying, shown } = ahead(at, n, doubled);
    const w = witnessing(f);
    w.connect(shown);
    expect(w.cosignatures()).toEqual([]);
    // Served later, the entry disagrees with h1's charges: no checkpoint covering it is cosigned.
    w.announce(lying);
    expect(w.ledger.entries().find((e) => e.seq === at)!.problem).toMatch(/states epsilon/);
    expect(w.cosignatures()).toEqual([]);
    expect(w.events.at(-1)).toEqual({ size: lying.tree.size, cosigned: false, code: 'E_LEDGER_MISMATCH' });
  });

  it('when the ledger grew between its read and its proof, reads on and proves every entry of its own before cosigning', () => {
    const n = own[5]!;
    const w = witnessing(f);
    w.sync.welcome(f.coordinator.publicKey);
    w.serve(honest(n), ['ledger.read']); // the catch-up ends at n; the ledger grows before the prove is answered
    w.serve(honest());
    expect(w.cosignatures().map((c) => c.size)).toEqual([f.entries.length]);
    expect(own.filter((s) => !asked(w).has(s))).toEqual([]);
    expect(w.ledger.syncedThrough()).toBe(f.entries.length);
    expect(codes(w)).toEqual([]);
    expect(w.events).toEqual([{ size: f.entries.length, cosigned: true, code: null }]);
  });
});
