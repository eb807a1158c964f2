/**
 * A map that keeps what was used last and forgets the rest: the least
 * recently used entry leaves first, one at a time, once the entries' total
 * weight would pass the limit (a Map keeps insertion order; a hit is moved to
 * the end). One at a time matters: emptying the whole map when full would
 * let a peer offering thousands of distinct keys make every key in use be
 * computed again, each time its junk filled the map.
 *
 * The weight of an entry is 1 unless `weigh` says otherwise (bytes, for
 * caches of arrays). An entry heavier than the whole limit is not kept.
 * Values are shared between callers: what a cache hands out must be treated
 * as read-only.
 */
export class Lru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private total = 0;

  constructor(
    readonly limit: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  /** The value kept for `key`, now the most recently used; undefined if none. */
  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Keeps `value` under `key` as the most recently used, forgetting the least recently used until it fits. */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.limit) return;
    for (const [k, e] of this.entries) {
      if (this.total + weight <= this.limit) break;
      this.entries.delete(k);
      this.total -= e.weight;
    }
    this.entries.set(key, { value, weight });
    this.total += weight;
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.total -= e.weight;
  }

  /** The value kept for `key`, or `make()`'s, kept. */
  getOrSet(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The kept entries' total weight. */
  get weight(): number {
    return this.total;
  }
}
