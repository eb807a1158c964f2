/**
 * How many API reads one dashboard session may make: a token bucket per
 * session (core/rate.ts). Every API handler runs synchronously on the
 * coordinator's event loop (SQLite through better-sqlite3), so no two
 * requests are ever in flight at once and a cap on in-flight requests would
 * bound nothing; what one session can make the coordinator do is bounded by
 * how often it may ask. The page asks once per "change" event, which the
 * server sends at most every DEFAULT_POLL_MS (250 ms), and coalesces changes
 * that arrive during a refresh (web/main.ts): an open tab asks at most 4 times
 * a second, so the rate leaves room for two busy tabs and the burst for
 * navigating; a script past it gets 429 E_RATE_LIMIT until a token comes back.
 */
import { TokenBucket } from '../../core/rate.ts';
import type { Session } from './sessions.ts';

/** API reads a session may make per second, sustained. */
export const API_READS_PER_SECOND = 8;
/** API reads a session may make at once after being idle. */
export const API_READ_BURST = 16;

export class SessionRequestBudget {
  // Keyed by the session object itself: a session that ends or expires leaves the table, and its bucket with it.
  private readonly buckets = new WeakMap<Session, TokenBucket>();

  constructor(
    private readonly ratePerSecond = API_READS_PER_SECOND,
    private readonly burst = API_READ_BURST,
  ) {}

  /** Takes one read from the session's budget at `now` (ms); false, taking none, when it is spent. */
  take(session: Session, now: number): boolean {
    let b = this.buckets.get(session);
    if (!b) {
      b = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(session, b);
    }
    return b.take(now);
  }
}
