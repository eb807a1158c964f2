/**
 * FHIRPath (HL7 FHIRPath N1, http://hl7.org/fhirpath/N1/) for columns a
 * declarative `fhir` source cannot express, through the `fhirpath` package
 * with its R4 model (so choice types such as `value` and `ofType()` work).
 * An expression is compiled once, when the schema is parsed; a bad one is a
 * schema error, never a per-record surprise. Evaluation is synchronous only:
 * functions that would reach a server (resolve(), memberOf(), %terminologies)
 * throw instead, and trace() goes nowhere, so no record reaches a log.
 * The functions whose cost is not bounded by the resource's size are refused
 * at parse (UNBOUNDED): `1.repeat($this + 1)` took 0.8 s a resource before
 * failing, and chained descendants() grow with the square of the resource.
 *
 * The package costs ~80-170 ms to load, a tenth of the client command's
 * start, so it is loaded only for a schema that uses it: loadFhirPathFor()
 * before parsing (fhir-schema.ts's loadDatasetSchema does), and compiling without it is a
 * schema error rather than a silent fallback.
 */
import { CohortError } from '../errors.ts';

/** Longest expression accepted: bounds parse time and what one column may ask of each resource. */
export const MAX_FHIRPATH_LENGTH = 1024;
/** Longest text cell a FHIRPath result may give (as for text values). */
export const MAX_FHIRPATH_CELL = 256;

export type FhirPathFn = (resource: unknown) => unknown[];

type Engine = {
  compile: (expr: string, model: unknown, options: object) => (resource: unknown) => unknown;
  model: unknown;
};
let engine: Engine | undefined;
const compiled = new Map<string, FhirPathFn>();
const OPTIONS = { async: false, traceFn: () => undefined } as const;

/** Loads the FHIRPath engine (once). */
export async function loadFhirPath(): Promise<void> {
  if (engine) return;
  const [fhirpath, r4] = await Promise.all([import('fhirpath'), import('fhirpath/fhir-context/r4')]);
  engine = { compile: fhirpath.default.compile as Engine['compile'], model: r4.default };
}

/** Loads the engine if the (unparsed) schema document has a column with a `fhirpath` source. */
export async function loadFhirPathFor(doc: unknown): Promise<void> {
  const columns = typeof doc === 'object' && doc !== null ? (doc as { columns?: unknown }).columns : undefined;
  const uses =
    Array.isArray(columns) &&
    columns.some((c) => {
      const fhir = typeof c === 'object' && c !== null ? (c as { fhir?: unknown }).fhir : undefined;
      return typeof fhir === 'object' && fhir !== null && 'fhirpath' in fhir;
    });
  if (uses) await loadFhirPath();
}

/** Compiles `expr` (memoised: schema parsing and the table share one compile); throws the parser's error. */
export function compileFhirPath(expr: string): FhirPathFn {
  let fn = compiled.get(expr);
  if (fn) return fn;
  if (!engine)
    throw new CohortError(
      'E_SCHEMA_INVALID',
      'a "fhirpath" source needs the FHIRPath engine: load it first (loadFhirPathFor)',
    );
  const f = engine.compile(expr, engine.model, OPTIONS);
  fn = (resource) => {
    const out = f(resource);
    return Array.isArray(out) ? out : [out];
  };
  // A schema has at most MAX_COLUMNS expressions; the map only avoids compiling each twice.
  if (compiled.size < 4096) compiled.set(expr, fn);
  return fn;
}

/** Functions refused in a schema's expression: each can cost more than one pass over the resource. */
const UNBOUNDED_FHIRPATH = ['repeat', 'aggregate', 'descendants'] as const;
const UNBOUNDED = new RegExp(`\\b(${UNBOUNDED_FHIRPATH.join('|')})\\s*\\(`);

/**
 * The expression as the refusal reads it: string literals emptied, comments made spaces and identifier
 * backticks dropped, in one left-to-right pass (so a quote inside a comment, or a comment marker inside a
 * string, cannot hide a call), so `a.repeat/* *\/(b)` and ``a.`repeat`(b)`` are seen as `a.repeat (b)`.
 */
const TOKENS_THAT_HIDE = /'(?:[^'\\]|\\.)*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*|`/g;
const asRead = (expr: string) =>
  expr.replace(TOKENS_THAT_HIDE, (t) => (t.startsWith("'") ? "''" : t === '`' ? '' : ' '));

/** Why an expression does not compile, in one short line (the parser's message names line and column). */
export function fhirPathError(expr: string): string | undefined {
  // An escape in a delimited identifier (`\u0072epeat`) could spell a refused name: refused outright.
  if (/`[^`]*\\/.test(expr)) return 'an escape inside a `delimited identifier` is refused';
  const unbounded = UNBOUNDED.exec(asRead(expr));
  if (unbounded)
    return `${unbounded[1]}() is refused: its cost is not bounded by the resource's size (use where(), select() or a path)`;
  try {
    compileFhirPath(expr);
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.split('\n')[0]!.slice(0, 200);
  }
}

/**
 * The cell an expression gives for one resource: a single string, number or
 * boolean ("true"/"false"); undefined when the result is empty (no value);
 * "reject" when it is several values, not a primitive, an over-long text, or
 * evaluation threw (e.g. an asynchronous function).
 */
export function fhirPathCell(fn: FhirPathFn, resource: unknown): string | undefined | 'reject' {
  let out: unknown[];
  try {
    out = fn(resource);
  } catch {
    return 'reject';
  }
  if (out.length === 0) return undefined;
  const v = out[0];
  if (out.length > 1) return 'reject';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'reject';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string' && v.length > 0 && v.length <= MAX_FHIRPATH_CELL) return v;
  return 'reject';
}
