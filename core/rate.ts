/**
 * A token bucket: `ratePerSecond` tokens added continuously, at most `burst`
 * held. Each message takes one; a peer that finds the bucket empty is
 * sending faster than any honest client would, and is disconnected.
 */
import { CohortError } from './errors.ts';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly ratePerSecond: number, private readonly burst: number, now: number) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new CohortError('E_CONFIG_INVALID', `"ratePerSecond" expected a finite number > 0, got ${ratePerSecond}`);
    if (!Number.isInteger(burst) || burst < 1) throw new CohortError('E_CONFIG_INVALID', `"burst" expected an integer >= 1, got ${burst}`);
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token at time `now` (ms); false if none is left. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
