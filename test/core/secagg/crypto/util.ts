/** Helpers shared by the secagg crypto tests. */
import { CohortError } from '../../../../core/errors.ts';

/** Hex (whitespace ignored, as printed in RFCs) to a plain Uint8Array. */
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The CohortError code `f` throws, undefined if it returns, or a marker for any other throw. */
export const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof CohortError ? e.code : `not a CohortError: ${String(e)}`;
  }
  return undefined;
};

/** Values of the wrong type for a byte-array parameter, as an untyped caller could pass them. */
export const NOT_BYTES: unknown[] = [
  undefined,
  null,
  0,
  'a'.repeat(32),
  Array(32).fill(0),
  { length: 32 },
  new ArrayBuffer(32),
  new Uint16Array(16),
];
