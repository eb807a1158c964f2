import { CohortError } from '../../core/errors.ts';

/**
 * The CohortError `f` throws, for tests that check its message or fields as
 * well as its code; any other throw propagates, and a return fails the test.
 */
export function refusal(f: () => unknown): CohortError {
  try {
    f();
  } catch (e) {
    if (e instanceof CohortError) return e;
    throw e;
  }
  throw new Error('expected a CohortError, but it returned');
}
