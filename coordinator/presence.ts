/**
 * Which hospitals the coordinator has seen since it started, for the
 * dashboard (Coordinator.snapshot) and the connected-hospitals gauge:
 * bounded at MAX_SEEN, the oldest disconnected hospital first out.
 */
import type { HospitalPresence } from '../core/dashboard/index.ts';

/** Most hospitals remembered. */
export const MAX_SEEN = 10_000;

export class Presence {
  /** Ordered by last change: a hospital is re-inserted when it connects or leaves. */
  private readonly seen = new Map<string, HospitalPresence>();

  constructor(private readonly now: () => number) {}

  /** A hospital connected (`connected`) or left. */
  saw(name: string, connected: boolean): void {
    const now = this.now();
    const prev = this.seen.get(name);
    this.seen.delete(name); // re-inserted last: the map stays ordered by last change
    this.seen.set(name, { name, connected, connectedAt: connected ? now : (prev?.connectedAt ?? null), lastSeen: now });
    for (const [n, h] of this.seen) {
      if (this.seen.size <= MAX_SEEN) break;
      if (!h.connected) this.seen.delete(n);
    }
  }

  /** A frame arrived from a connected hospital. */
  heard(name: string): void {
    const seen = this.seen.get(name);
    if (seen) seen.lastSeen = this.now();
  }

  get connected(): number {
    let n = 0;
    for (const h of this.seen.values()) if (h.connected) n++;
    return n;
  }

  /** Copies, so the dashboard cannot change them. */
  list(): HospitalPresence[] {
    return [...this.seen.values()].map((h) => ({ ...h }));
  }
}
