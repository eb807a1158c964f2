/**
 * How strong a shared bearer token must be (the auditors' `ledger serve`
 * token, the dashboard's metrics token). Nobody types these: they are made by
 * a random generator (`openssl rand -hex 32`) and stay in a file, so the rule
 * can ask for what only a random string has. The strength is estimated from
 * the token alone, as the smaller of two figures: its length times the
 * Shannon entropy of its own character frequencies (a small alphabet scores
 * low), and the bits of its DEFLATE compression (a repeated part scores low).
 * It is an estimate, not a proof of randomness (a spelled-out alphabet
 * passes), but a random token clears it by far and a short, repeated or
 * few-letter one does not: of 10,000 `openssl rand -hex 32` tokens the lowest
 * scored 224 bits, of `openssl rand -base64 32`, 193; 'a' * 64 scores 0,
 * 'abcd' * 16, 72.
 */
import { deflateRawSync } from 'node:zlib';
import { CohortError, type ErrorCode } from '../errors.ts';

/** Shortest token accepted, in characters. */
export const MIN_TOKEN_LENGTH = 32;
/** Least estimated strength accepted, in bits. */
export const MIN_TOKEN_BITS = 128;

/** The estimated strength of `token` in bits: min(length × Shannon entropy per character, 8 × its raw DEFLATE length). */
export function tokenBits(token: string): number {
  const counts = new Map<string, number>();
  const chars = [...token];
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  return Math.min(chars.length * perChar, 8 * deflateRawSync(Buffer.from(token), { level: 9 }).length);
}

/** Why `token` may not serve as a bearer token, or null if it may. */
export function tokenWeakness(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) return `shorter than ${MIN_TOKEN_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'not printable ASCII without spaces';
  const bits = tokenBits(token);
  if (bits < MIN_TOKEN_BITS)
    return `too predictable (about ${Math.floor(bits)} bits estimated, under ${MIN_TOKEN_BITS}): use a random one, e.g. openssl rand -hex 32`;
  return null;
}

/**
 * The one check of a bearer token, wherever it comes from (a token file, or
 * a caller of serveLedger or the dashboard): throws CohortError(`code`),
 * "`what` is <why>", unless it is strong enough (tokenWeakness).
 */
export function requireStrongToken(token: string, what: string, code: ErrorCode = 'E_CONFIG_INVALID'): void {
  const weak = tokenWeakness(token);
  if (weak) throw new CohortError(code, `${what} is ${weak}`);
}
