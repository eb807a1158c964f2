import { CohortError } from '../../core/errors.ts';

/** The CohortError code `f` throws; undefined if it returns; a marker string for any other throw. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CohortError ? e.code : `not a CohortError: ${String(e)}`;
  }
  return undefined;
}
