import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  canonicalJson,
  entriesConcerning,
  ownEntries,
  pageOf,
  pageProblem,
  LEDGER_PAGE_ENTRIES,
} from '../../../core/ledger/index.ts';
import type { LedgerEntry, SealedEntry } from '../../../core/ledger/types.ts';

// Scoping reads only the canonical text; seals are checked by the reader (test/coordinator/roles.test.ts).
const seal = (seq: number, kind: LedgerEntry['kind'], jobId: string, body: Record<string, unknown>): SealedEntry => ({
  seq,
  canonical: canonicalJson({
    seq,
    at: seq,
    kind,
    jobId,
    round: kind === 'round' ? seq : 0,
    body,
    prevHash: '0'.repeat(64),
  }),
  hash: '',
  signature: '',
});

// A small ledger: h1 and h2 train job A, h3 is refused in job B, h4 is only enrolled; "h1x" shares a prefix with h1.
const ledger: SealedEntry[] = [
  seal(1, 'role-grant', '', { subject: 'h1', role: 'hospital', granted: true, publicKey: 'a'.repeat(64) }),
  seal(2, 'role-grant', '', { subject: 'h4', role: 'hospital', granted: true, publicKey: 'b'.repeat(64) }),
  seal(3, 'job-created', 'A', { specHash: 'c'.repeat(64), spec: { name: 'A' }, modelHash: 'd'.repeat(64) }),
  seal(4, 'job-created', 'B', { specHash: 'c'.repeat(64), spec: { name: 'B', note: 'h1' }, modelHash: 'd'.repeat(64) }),
  seal(5, 'round', 'A', { participants: ['h1', 'h2'], survivors: ['h1', 'h2'], spends: [] }),
  seal(6, 'budget-refusal', 'B', { hospital: 'h3', code: 'E_BUDGET_EXCEEDED', reason: '' }),
  seal(7, 'access-denial', 'B', { subject: 'h1x', role: 'hospital', action: 'job.join', reason: '' }),
  seal(8, 'job-ended', 'A', { status: 'completed', reason: '', rounds: 1, modelHash: 'd'.repeat(64) }),
  seal(9, 'job-ended', 'B', { status: 'failed', reason: '', rounds: 0, modelHash: 'd'.repeat(64) }),
];
const seqs = (h: string) => entriesConcerning(ledger, h).map((e) => e.seq);

describe('entriesConcerning: a hospital reads its own ledger', () => {
  it('gives the entries naming it and the created/ended entries of its jobs, nothing else', () => {
    expect(seqs('h1')).toEqual([1, 3, 5, 8]); // not job B's, though B's spec text mentions "h1"
    expect(seqs('h2')).toEqual([3, 5, 8]);
    expect(seqs('h3')).toEqual([4, 6, 9]);
    expect(seqs('h4')).toEqual([2]);
    expect(seqs('h1x')).toEqual([7]);
    expect(seqs('nobody')).toEqual([]);
  });
});

describe("ownEntries: the same scope from a text search, the jobs' boundary entries and the hospital's jobs", () => {
  const jobsOf: Record<string, string[]> = { h1: ['A'], h2: ['A'], h3: ['B'] };
  it('equals entriesConcerning for every hospital, leaving out candidates that only mention its name', () => {
    for (const h of ['h1', 'h2', 'h3', 'h4', 'h1x', 'nobody']) {
      const jobs = new Set(jobsOf[h] ?? []);
      // What the coordinator's query returns: entries holding the quoted name, and the boundary entries of its jobs.
      const candidates = ledger.filter(
        (e) =>
          e.canonical.includes(JSON.stringify(h)) ||
          (jobs.has((JSON.parse(e.canonical) as LedgerEntry).jobId) &&
            /"kind":"job-(created|ended)"/.test(e.canonical)),
      );
      expect(ownEntries(candidates, h, jobs).map((e) => e.seq)).toEqual(seqs(h));
    }
  });

  it('gives the same entries page by page as over the whole ledger', () => {
    const jobs = new Set(['A']);
    const pages = [ledger.slice(0, 4), ledger.slice(4)].flatMap((page) => ownEntries(page, 'h1', jobs));
    expect(pages.map((e) => e.seq)).toEqual(seqs('h1'));
  });
});

describe('pageProblem', () => {
  it('takes a page that moves forward, refuses one that goes back or claims more without moving', () => {
    const e = (seq: number) => ({ seq, canonical: '{}', hash: '', signature: '' });
    expect(pageProblem({ entries: [e(5), e(6)], more: true, lastSeq: 6 }, 4)).toBeNull();
    expect(pageProblem({ entries: [], more: false, lastSeq: 4 }, 4)).toBeNull();
    expect(pageProblem({ entries: [e(4)], more: false, lastSeq: 9 }, 4)).toMatch(/goes backwards/);
    expect(pageProblem({ entries: [], more: false, lastSeq: 3 }, 4)).toMatch(/goes backwards/);
    expect(pageProblem({ entries: [], more: true, lastSeq: 4 }, 4)).toMatch(/does not move/);
  });
});

describe('pageOf', () => {
  it('pages cover every entry exactly once, in order, whatever the split point', () => {
    const many = Array.from({ length: 2 * LEDGER_PAGE_ENTRIES + 17 }, (_, i) => ({
      seq: i + 1,
      canonical: canonicalJson({ i }),
      hash: '',
      signature: '',
    }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: many.length }), (start) => {
        const got: number[] = [];
        let after = start;
        for (;;) {
          const p = pageOf(many, after, many.length);
          expect(p.entries.length).toBeLessThanOrEqual(LEDGER_PAGE_ENTRIES);
          got.push(...p.entries.map((e) => e.seq));
          after = p.lastSeq;
          if (!p.more) break;
        }
        expect(got).toEqual(many.slice(start).map((e) => e.seq));
        expect(after).toBe(many.length);
      }),
      { numRuns: 30 },
    );
  });

  it('an oversized entry travels alone rather than never', () => {
    const big = [
      { seq: 1, canonical: 'x'.repeat(5 * 1024 * 1024), hash: '', signature: '' },
      { seq: 2, canonical: '{}', hash: '', signature: '' },
    ];
    const p = pageOf(big, 0, 2);
    expect(p.entries.map((e) => e.seq)).toEqual([1]);
    expect(p.more).toBe(true);
  });
});
