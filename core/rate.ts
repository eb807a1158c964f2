/**
 * A token bucket: `ratePerSecond` tokens added continuously, at most `burst`
 * held. Each message takes one (or a byte budget its size); a peer that
 * finds the bucket empty is sending faster than any honest client would, and
 * is disconnected.
 */
import { CohortError } from './errors.ts';

/** Throws E_CONFIG_INVALID, naming the options, unless `ratePerSecond` and `burst` make a token bucket. */
export function checkBucket(
  ratePerSecond: number,
  burst: number,
  names = { rate: 'ratePerSecond', burst: 'burst' },
): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new CohortError('E_CONFIG_INVALID', `"${names.rate}" expected a finite number > 0, got ${ratePerSecond}`);
  if (!Number.isInteger(burst) || burst < 1)
    throw new CohortError('E_CONFIG_INVALID', `"${names.burst}" expected an integer >= 1, got ${burst}`);
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    checkBucket(ratePerSecond, burst);
    this.tokens = burst;
    this.last = now;
  }

  /** Takes `cost` tokens (default one) at time `now` (ms); false, taking none, if fewer are left. */
  take(now: number, cost = 1): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
