/**
 * How every schema-checked input names what is wrong with it: each zod issue
 * as `"field.path": problem`, joined with "; ", and the one parse-or-throw
 * that turns them into a typed error.
 */
import type { z } from 'zod';
import { CohortError, type ErrorCode } from './errors.ts';

export function formatIssues(err: z.ZodError): string {
  return err.issues.map((i) => `"${i.path.join('.') || '(root)'}": ${i.message}`).join('; ');
}

/** `input` parsed by `schema`, or a CohortError with `code` naming each bad field path (after `prefix`, if given). */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, code: ErrorCode, prefix = ''): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new CohortError(code, `${prefix}${formatIssues(r.error)}`);
  return r.data;
}
