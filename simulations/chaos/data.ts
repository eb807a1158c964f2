/** Each chaos-run hospital's table: the harness regenerates it to test the final model on every hospital's test split. */
import type { PreparedDataset } from '../../core/data/types.ts';
import { syntheticDataset } from '../synthetic.ts';

/** Training records per hospital (enough that DP noise does not dominate) and test records (enough to compare runs). */
export const CHAOS_TRAIN = 300;
export const CHAOS_TEST = 200;

export function chaosDataset(seed: number): PreparedDataset {
  return syntheticDataset(seed, CHAOS_TRAIN, CHAOS_TEST);
}
