/**
 * How every schema-checked input names what is wrong with it: each zod issue
 * as `"field.path": problem`, joined with "; ", and the one parse-or-throw
 * that turns them into a typed error.
 */
import type { z } from 'zod';
import { CohortError, type ErrorCode } from './errors.ts';
import { printable } from './printable.ts';

/**
 * The issues as one line. Paths and messages can quote the input (an
 * unknown key, a bad value), which may come from a peer: control and format
 * characters in them are made spaces, so the line is safe in a log or on a
 * terminal (core/printable.ts).
 */
export function formatIssues(err: z.ZodError): string {
  return printable(err.issues.map((i) => `"${i.path.join('.') || '(root)'}": ${i.message}`).join('; '));
}

/** `input` parsed by `schema`, or a CohortError with `code` naming each bad field path (after `prefix`, if given). */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, code: ErrorCode, prefix = ''): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new CohortError(code, `${prefix}${formatIssues(r.error)}`);
  return r.data;
}
