import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { errorCode } from '../../helpers/errors.ts';
import { GRAPH_SEED_BYTES, neighbourGraph } from '../../../core/secagg/graph.ts';

const code = errorCode;

const names = (n: number) => Array.from({ length: n }, (_, i) => `h${String(i).padStart(3, '0')}`);
const seedOf = (byte: number) => new Uint8Array(GRAPH_SEED_BYTES).fill(byte);
const counting = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Every structural invariant of a simple undirected degree-`degree` graph on exactly `clients`; returns the violations. */
function violations(g: Map<string, string[]>, clients: readonly string[], degree: number): string[] {
  const out: string[] = [];
  if (JSON.stringify([...g.keys()]) !== JSON.stringify([...clients].sort()))
    out.push('keys are not the sorted clients');
  const sets = new Map([...g].map(([u, vs]) => [u, new Set(vs)]));
  for (const [u, vs] of g) {
    if (vs.length !== degree) out.push(`${u} has ${vs.length} neighbours`);
    if (sets.get(u)!.size !== vs.length) out.push(`${u} lists a neighbour twice`);
    if (sets.get(u)!.has(u)) out.push(`${u} neighbours itself`);
    if (vs.some((v, i) => i > 0 && vs[i - 1]! > v)) out.push(`${u}'s list is unsorted`);
    for (const v of vs) if (!sets.get(v)?.has(u)) out.push(`${u} -> ${v} has no way back`);
  }
  return out;
}

const expectRegular = (g: Map<string, string[]>, clients: readonly string[], degree: number) =>
  expect(violations(g, clients, degree)).toEqual([]);

const shuffled = <T>(xs: readonly T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomBytes(4).readUInt32LE(0) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

describe('neighbourGraph (Harary H_{k,n} on a seeded permutation, Bell et al. CCS 2020 §3)', () => {
  it('pins the wire-format vector: 8 clients, seed 00 01 … 1f', () => {
    // Server and clients derive the graph independently; any change here is a protocol break.
    // Protocol v2 keys the permutation with HKDF-SHA256(seed, "", "cohort/secagg/v2/graph"). The
    // expected graphs were computed outside this code: Python's hmac (RFC 5869 by hand), `openssl
    // enc -aes-256-ctr` for the keystream, and the Fisher-Yates of the module comment.
    const clients = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(Object.fromEntries(neighbourGraph(clients, 2, counting))).toEqual({
      a: ['c', 'e'],
      b: ['c', 'g'],
      c: ['a', 'b'],
      d: ['g', 'h'],
      e: ['a', 'f'],
      f: ['e', 'h'],
      g: ['b', 'd'],
      h: ['d', 'f'],
    });
    expect(Object.fromEntries(neighbourGraph(clients, 4, counting))).toEqual({
      a: ['b', 'c', 'e', 'f'],
      b: ['a', 'c', 'd', 'g'],
      c: ['a', 'b', 'e', 'g'],
      d: ['b', 'f', 'g', 'h'],
      e: ['a', 'c', 'f', 'h'],
      f: ['a', 'd', 'e', 'h'],
      g: ['b', 'c', 'd', 'h'],
      h: ['d', 'e', 'f', 'g'],
    });
  });

  it('is k-regular, symmetric and loop-free', () => {
    // Neighbours k by number of clients n.
    for (const [n, k] of Object.entries({ 2: 1, 3: 2, 5: 2, 30: 10, 100: 12, 101: 16, 1000: 52 })) {
      const clients = names(Number(n));
      expectRegular(neighbourGraph(clients, k, randomBytes(32)), clients, Math.min(k, clients.length - 1));
    }
  });

  it('is the k/2-th power of a cycle: following one neighbour per step visits everyone', () => {
    // H_{2,n} is a single n-cycle; a union of shorter cycles would mean a broken permutation.
    const clients = names(50);
    const g = neighbourGraph(clients, 2, randomBytes(32));
    const seen = new Set<string>([clients[0]!]);
    let [prev, at] = [clients[0]!, g.get(clients[0]!)![0]!];
    while (at !== clients[0]) {
      seen.add(at);
      const next = g.get(at)!.find((v) => v !== prev)!;
      [prev, at] = [at, next];
    }
    expect(seen.size).toBe(50);
  });

  it('depends only on the seed and the set of names', () => {
    const clients = names(64);
    const seed = randomBytes(32);
    const g = neighbourGraph(clients, 8, seed);
    expect(neighbourGraph(clients, 8, Uint8Array.from(seed))).toEqual(g);
    expect(neighbourGraph(shuffled(clients), 8, seed)).toEqual(g);
    expect(neighbourGraph([...clients].reverse(), 8, seed)).toEqual(g);
  });

  it('gives different graphs for different seeds', () => {
    const clients = names(50);
    const graphs = [seedOf(0), seedOf(1), counting, randomBytes(32), randomBytes(32)].map((s) =>
      JSON.stringify([...neighbourGraph(clients, 4, s)]),
    );
    expect(new Set(graphs).size).toBe(graphs.length);
  });

  it('draws the permutation uniformly: the three 4-cycles on 4 clients are equally likely', () => {
    // H_{2,4} is a 4-cycle; each of the 3 distinct 4-cycles is hit by 8 of the 24 permutations.
    const clients = names(4);
    const counts = new Map<string, number>();
    const runs = 3000;
    for (let i = 0; i < runs; i++) {
      const key = JSON.stringify(neighbourGraph(clients, 2, randomBytes(32)).get(clients[0]!));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(3);
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - runs / 3) ** 2 / (runs / 3), 0);
    // 2 degrees of freedom: the 99.99th percentile is 18.4.
    expect(chi2).toBeLessThan(18.4);
  });

  it('is the complete graph when k >= n - 1, whatever the parity of k', () => {
    const clients = names(7);
    for (const k of [6, 7, 8, 100]) {
      const g = neighbourGraph(clients, k, randomBytes(32));
      expectRegular(g, clients, 6);
      for (const c of clients) expect(g.get(c)).toEqual(clients.filter((v) => v !== c));
    }
    expect(Object.fromEntries(neighbourGraph(['solo'], 4, counting))).toEqual({ solo: [] });
  });

  it('holds its invariants for every n in [2, 300] and even k (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 1, max: 150 }).map((h) => 2 * h),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (n, k, seed) => {
          const clients = names(n);
          const g = neighbourGraph(clients, k, seed);
          expectRegular(g, clients, Math.min(k, n - 1));
          expect(neighbourGraph(shuffled(clients), k, seed)).toEqual(g);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects bad inputs with E_SECAGG_PARAMS', () => {
    const clients = names(10);
    const seed = randomBytes(32);
    expect(code(() => neighbourGraph(['a', 'b', 'a'], 2, seed))).toBe('E_SECAGG_PARAMS');
    expect(code(() => neighbourGraph([], 2, seed))).toBe('E_SECAGG_PARAMS');
    expect(code(() => neighbourGraph(['a', 7 as unknown as string], 2, seed))).toBe('E_SECAGG_PARAMS');
    for (const k of [0, -2, 1.5, Number.NaN, Infinity])
      expect(code(() => neighbourGraph(clients, k, seed))).toBe('E_SECAGG_PARAMS');
    for (const k of [1, 3, 7]) expect(code(() => neighbourGraph(clients, k, seed))).toBe('E_SECAGG_PARAMS'); // odd, below n - 1
    for (const s of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0)])
      expect(code(() => neighbourGraph(clients, 2, s))).toBe('E_SECAGG_PARAMS');
    expect(code(() => neighbourGraph(clients, 2, Array.from(seed) as unknown as Uint8Array))).toBe('E_SECAGG_PARAMS');
    expect(code(() => neighbourGraph(clients, 2, 'x'.repeat(32) as unknown as Uint8Array))).toBe('E_SECAGG_PARAMS');
  });

  it('refuses adjacency beyond its size limit instead of allocating it', () => {
    expect(code(() => neighbourGraph(names(6000), 5999, seedOf(3)))).toBe('E_SECAGG_PARAMS');
  });
});
