import type { CoordinatorStore } from '../../coordinator/store.ts';

/**
 * The largest checkpoint size `witness` has cosigned in the coordinator's
 * store (0 for none): a cosignature of size n covers every entry up to n.
 */
export function cosignedSize(store: Pick<CoordinatorStore, 'cosignatures'>, witness: string): number {
  return Math.max(
    0,
    ...store
      .cosignatures()
      .filter((c) => c.witness === witness)
      .map((c) => c.size),
  );
}
