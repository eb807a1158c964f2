/**
 * Canonical JSON: the JSON Canonicalization Scheme (JCS, RFC 8785) for the
 * values the ledger holds (plain objects, arrays, strings, finite numbers,
 * booleans, null). One value has exactly one text, so a hash or signature of
 * the text is a hash or signature of the value, and an auditor in any
 * language can recompute it.
 *
 * JCS adopts ECMAScript's serializers for primitives (RFC 8785 §3.2.2):
 * strings as JSON.stringify escapes them (§3.2.2.2), numbers as
 * Number.prototype.toString does, which JSON.stringify also uses and which
 * writes -0 as 0 (§3.2.2.3). What JCS adds is sorting object members by the
 * UTF-16 code units of their names (§3.2.3), which is JavaScript's default
 * string order, and refusing what has no I-JSON form: NaN, ±Infinity and
 * lone surrogates (§3.2.2.2, §3.2.2.3).
 */
import { CohortError } from '../errors.ts';

/** Deepest nesting of arrays and objects accepted: far above any entry's, and it stops cycles. */
export const MAX_CANONICAL_DEPTH = 64;

/** A lone surrogate is its own code point under the u flag; a well-formed pair is not in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The RFC 8785 canonical text of `value`. Throws E_LEDGER_ENCODING for
 * undefined (anywhere, including as a member value: JSON.stringify would
 * drop it silently), NaN and ±Infinity, bigint, symbols, functions, typed
 * arrays, class instances and other non-plain objects, sparse arrays,
 * symbol-keyed members, lone surrogates in strings or names, and nesting
 * deeper than MAX_CANONICAL_DEPTH.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0, '$');
}

function write(v: unknown, depth: number, path: string): string {
  switch (typeof v) {
    case 'string':
      return writeString(v, path);
    case 'number':
      if (!Number.isFinite(v)) throw refuse(path, `${String(v)} is not a JSON number`);
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (depth >= MAX_CANONICAL_DEPTH)
        throw refuse(path, `nested deeper than ${MAX_CANONICAL_DEPTH} levels (or a cycle)`);
      return Array.isArray(v) ? writeArray(v, depth + 1, path) : writeObject(v, depth + 1, path);
    default:
      throw refuse(path, `${typeof v} has no JSON form`);
  }
}

function writeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw refuse(path, 'string holds a lone surrogate');
  return JSON.stringify(s);
}

function writeArray(a: readonly unknown[], depth: number, path: string): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (!(i in a)) throw refuse(`${path}[${i}]`, 'sparse array');
    if (i > 0) out += ',';
    out += write(a[i], depth, `${path}[${i}]`);
  }
  return `${out}]`;
}

function writeObject(o: object, depth: number, path: string): string {
  const proto = Object.getPrototypeOf(o) as unknown;
  if (proto !== Object.prototype && proto !== null)
    throw refuse(path, `${o.constructor?.name ?? 'object'} is not a plain object`);
  if (Object.getOwnPropertySymbols(o).length > 0) throw refuse(path, 'symbol-keyed member');
  // Default sort compares UTF-16 code units, exactly RFC 8785 §3.2.3's order.
  const keys = Object.keys(o).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) out += ',';
    out += `${writeString(k, path)}:${write((o as Record<string, unknown>)[k], depth, `${path}.${k}`)}`;
  }
  return `${out}}`;
}

function refuse(path: string, why: string): CohortError {
  return new CohortError('E_LEDGER_ENCODING', `${path.length > 200 ? `${path.slice(0, 200)}…` : path}: ${why}`);
}
