/** `cohort roster`: the network's hospitals and their identity keys, signed by the hospitals (core/roster/). */
import type { Command } from 'commander';

export function registerRoster(_program: Command): void {
  // Filled in by the roster work (issue 14).
}
