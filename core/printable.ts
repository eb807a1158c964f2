/**
 * Text a peer sends ends up in logs, in the coordinator's database and on a
 * researcher's or operator's terminal. Control and format characters (ANSI
 * escapes that recolour or rewrite a terminal line, bidi overrides that show
 * text in another order than it reads, zero-width marks) have no place in
 * it: honest senders replace them (encodeEnvelope, edge/wire/codec.ts), and
 * receivers refuse a frame that carries one (E_WIRE_FIELD).
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/u;
const UNPRINTABLE_ALL = /[\p{Cc}\p{Cf}]/gu;

/** True when `s` holds no control (Cc) or format (Cf) character. */
export function isPrintable(s: string): boolean {
  return !UNPRINTABLE.test(s);
}

/** `s` with each control or format character made a space. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE_ALL, ' ');
}
