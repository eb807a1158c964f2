/** `cohort secagg params`: the secure-aggregation parameters a round of N hospitals gets (core/secagg/params.ts). */
import type { Command } from 'commander';

export function registerSecAgg(_program: Command): void {
  // Filled in by the parameter-search work (issue 14).
}
