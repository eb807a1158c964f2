/**
 * Text a peer sends ends up in logs, in the coordinator's database and on a
 * researcher's or operator's terminal. Control and format characters (ANSI
 * escapes that recolour or rewrite a terminal line, bidi overrides that show
 * text in another order than it reads, zero-width marks) have no place in
 * it: honest senders replace them (encodeEnvelope, edge/wire/codec.ts), and
 * receivers refuse a frame that carries one (E_WIRE_FIELD).
 */
// Every control (Cc) and format (Cf) character but the zero-width non-joiner and joiner (U+200C, U+200D), which
// Persian, Indic scripts and emoji need in ordinary words and which neither reorder text nor rewrite a terminal.
const UNPRINTABLE = /(?![\u200c\u200d])[\p{Cc}\p{Cf}]/u;
const UNPRINTABLE_ALL = /(?![\u200c\u200d])[\p{Cc}\p{Cf}]/gu;

/** True when `s` holds no control or format character (ZWNJ and ZWJ aside). */
export function isPrintable(s: string): boolean {
  return !UNPRINTABLE.test(s);
}

/** The first control or format character of `s` (its index and code point), or null: for an error that names it. */
export function firstUnprintable(s: string): { index: number; codePoint: number } | null {
  const m = UNPRINTABLE.exec(s);
  return m ? { index: m.index, codePoint: m[0].codePointAt(0)! } : null;
}

/** `s` with each control or format character made a space. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE_ALL, ' ');
}

/** `s` printable and cut to `max` characters, ending in "…" when cut: a peer's text as it may be sent or shown. */
export function clipPrintable(s: string, max: number): string {
  const t = printable(s);
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
