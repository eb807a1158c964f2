/**
 * Options validated once, at the edge (STYLE: configuration is data): a zod
 * schema fills in the defaults and bounds every field, and a refusal is one
 * E_CONFIG_INVALID naming each field that is wrong.
 */
import { z } from 'zod';
import { CohortError } from './errors.ts';

/**
 * `input` parsed by `schema`. A field is named as `label "field"`, or by
 * `names[field]` when given (a CLI passes its flags' names, so the message
 * names what the user typed).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  label: string,
  input: z.input<S>,
  names: Readonly<Record<string, string>> = {},
): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new CohortError(
    'E_CONFIG_INVALID',
    r.error.issues
      .map((i) => {
        const field = i.path.join('.');
        return `${names[field] ?? `${label} "${field}"`}: ${i.message}`;
      })
      .join('; '),
  );
}

/** An integer option bounded to [min, max], `fallback` when absent: the shape of most numeric limits. */
export function intOption(min: number, max: number, fallback: number) {
  return z.number().int().min(min).max(max).default(fallback);
}
