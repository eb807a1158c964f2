/**
 * The SecAgg+ neighbour graph: who shares keys and pairwise masks with whom.
 *
 * Bell, Bonawitz, Gascón, Lepoint, Raykova, "Secure Single-Server Aggregation
 * with (Poly)Logarithmic Overhead", CCS 2020, §3 (GenerateGraph): a Harary
 * graph H_{k,n} — the n nodes on a cycle, each joined to the k/2 nearest on
 * either side — laid over a uniformly random permutation of the clients. The
 * permutation is what the security analysis rests on (core/secagg/params.ts):
 * it makes each client's neighbourhood a uniform k-subset of the others, and
 * the corrupt or dropped clients a uniformly placed set on the cycle.
 *
 * Server and clients each derive the graph from the round's public seed, so
 * everything below is part of the wire protocol and must not change without a
 * protocol version bump:
 *   1. sort the names (JavaScript's default UTF-16 code-unit order);
 *   2. keystream = AES-256-CTR(key = HKDF-SHA256(seed, salt = empty,
 *      info = GRAPH_INFO, 32 bytes), iv = GRAPH_IV) over zero bytes, read as
 *      little-endian uint32 words (the seed is agreed by the clients,
 *      seed.ts, and keys the rotation too: HKDF gives each use its own key);
 *   3. Fisher–Yates (Knuth, TAOCP vol. 2, Algorithm 3.4.2P): for i = n−1 … 1
 *      swap positions i and j, j uniform in [0, i] by rejection sampling
 *      (draw w; retry while w ≥ 2^32 − (2^32 mod (i+1)); j = w mod (i+1));
 *   4. the client at position p neighbours positions p ± 1 … p ± k/2 (mod n).
 * Google's reference implementation builds the same shape
 * (google-parfait/federated-compute, fcp/secagg/server/
 * secret_sharing_harary_graph.h). Its graph lists a self-edge; this one lists
 * neighbours only, and each client keeps one share of its own secrets
 * besides (client.ts), so either way a secret has k + 1 holders, which the
 * parameter search counts (params.ts).
 */
import { createCipheriv } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { hkdf } from './kdf.ts';

export const GRAPH_SEED_BYTES = 32;

/**
 * Largest adjacency (n × degree entries) this module will build. The complete
 * graph of 5,800 clients is about this size; a larger request is a
 * configuration mistake, not something to allocate gigabytes for.
 */
export const MAX_ADJACENCY_ENTRIES = 2 ** 25;

/** Fixed CTR nonce (the key is single-use per seed; the nonce only needs to be fixed). */
const GRAPH_IV = Buffer.from('cohort/graph/v2\u0000', 'latin1');
/** HKDF info of the permutation key: separates it from the rotation's key (rotation.ts) under the same seed. */
const GRAPH_INFO = new TextEncoder().encode('cohort/secagg/v2/graph');

/**
 * The neighbours of every client, each list sorted, the map in sorted name
 * order. k ≥ n − 1 gives the complete graph. Below that k must be even: an
 * odd-degree Harary graph needs diameter chords and exists only for even n,
 * and the connectivity bound in params.ts (two runs of k/2 removed nodes) is
 * for the even construction, as in Bell et al. and Google's implementation.
 */
export function neighbourGraph(clients: readonly string[], k: number, seed: Uint8Array): Map<string, string[]> {
  const sorted = checkedClients(clients);
  const n = sorted.length;
  if (!Number.isInteger(k) || k < 1)
    throw new CohortError('E_SECAGG_PARAMS', `graph degree must be an integer >= 1, got ${k}`);
  if (!(seed instanceof Uint8Array) || seed.length !== GRAPH_SEED_BYTES) {
    throw new CohortError('E_SECAGG_PARAMS', `graph seed must be a ${GRAPH_SEED_BYTES}-byte Uint8Array`);
  }
  const degree = Math.min(k, n - 1);
  if (n * degree > MAX_ADJACENCY_ENTRIES) {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `a degree-${degree} graph on ${n} clients exceeds ${MAX_ADJACENCY_ENTRIES} adjacency entries`,
    );
  }
  if (degree === n - 1) return new Map(sorted.map((c) => [c, sorted.filter((v) => v !== c)]));
  if (k % 2 !== 0)
    throw new CohortError('E_SECAGG_PARAMS', `graph degree must be even below n - 1 = ${n - 1}, got ${k}`);

  const ring = permute(sorted, seed);
  const half = k / 2;
  const graph = new Map<string, string[]>(sorted.map((c) => [c, []]));
  ring.forEach((c, p) => {
    const mine = graph.get(c)!;
    // k ≤ n − 2 keeps the 2·(k/2) positions distinct, so every degree is exactly k.
    for (let d = 1; d <= half; d++) mine.push(ring[(p + d) % n]!, ring[(p - d + n) % n]!);
    mine.sort();
  });
  return graph;
}

function checkedClients(clients: readonly string[]): string[] {
  if (!Array.isArray(clients) || clients.length === 0)
    throw new CohortError('E_SECAGG_PARAMS', 'the graph needs at least one client');
  if (clients.some((c) => typeof c !== 'string'))
    throw new CohortError('E_SECAGG_PARAMS', 'client names must be strings');
  const sorted = [...clients].sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new CohortError('E_SECAGG_PARAMS', `client "${sorted[i]}" appears twice`);
  }
  return sorted;
}

/** Steps 2–3 of the module comment: the seed-determined uniform permutation. */
function permute(sorted: readonly string[], seed: Uint8Array): string[] {
  const ring = [...sorted];
  const next = keystreamWords(seed);
  for (let i = ring.length - 1; i > 0; i--) {
    const j = uniformBelow(i + 1, next);
    const t = ring[i]!;
    ring[i] = ring[j]!;
    ring[j] = t;
  }
  return ring;
}

/** Unbiased: `w mod bound` over the largest multiple of `bound` that fits in 32 bits. */
function uniformBelow(bound: number, next: () => number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const w = next();
    if (w < limit) return w % bound;
  }
}

function keystreamWords(seed: Uint8Array): () => number {
  const key = hkdf(seed, new Uint8Array(0), GRAPH_INFO, GRAPH_SEED_BYTES);
  const cipher = createCipheriv('aes-256-ctr', key, GRAPH_IV);
  key.fill(0);
  const zeros = Buffer.alloc(4096);
  let block = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at === block.length) {
      block = cipher.update(zeros);
      at = 0;
    }
    const w = block.readUInt32LE(at);
    at += 4;
    return w;
  };
}
