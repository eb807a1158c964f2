/**
 * Whether a researcher's job can run on the hospitals the coordinator knows:
 * a hospital takes a job only if its dataset offers exactly the job's
 * features, in order, and its label (client/daemon.ts onOffer). Checked at
 * submission, so a typo in a feature name is a clear refusal rather than a
 * job that waits forever. At least one known hospital must fit; the job may
 * still wait for minClients of them to connect (hospitals enrolled later,
 * or not connected yet, are not known here).
 */
import type { JobSpec } from './spec.ts';

/** A dataset a hospital offered in its Hello (names only, never records). */
export interface OfferedDataset {
  hospital: string;
  schemaId: string;
  label: string;
  features: readonly string[];
}

/** Most names quoted in one message. */
const MAX_LISTED = 10;

const list = (names: readonly string[]) =>
  names
    .slice(0, MAX_LISTED)
    .map((n) => JSON.stringify(n))
    .join(', ') + (names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : '');

/** Why no known hospital could train the job, or null if one could. */
export function featureProblem(
  spec: Pick<JobSpec, 'features' | 'label'>,
  offered: readonly OfferedDataset[],
): string | null {
  if (offered.length === 0)
    return "no hospital has offered a dataset yet: there is nothing to check the job's features against";
  const fits = new Set(
    offered
      .filter(
        (d) =>
          d.label === spec.label &&
          d.features.length === spec.features.length &&
          d.features.every((f, i) => f === spec.features[i]),
      )
      .map((d) => d.hospital),
  );
  if (fits.size > 0) return null;
  const hospitals = new Set(offered.map((d) => d.hospital)).size;
  const known = new Set(offered.flatMap((d) => d.features));
  const unknown = spec.features.filter((f) => !known.has(f));
  if (unknown.length > 0)
    return `"features": ${list(unknown)} ${unknown.length === 1 ? 'is' : 'are'} in no hospital's schema (${hospitals} hospitals known)`;
  if (!offered.some((d) => d.label === spec.label))
    return `"label": ${JSON.stringify(spec.label)} is no hospital's label (${hospitals} hospitals known)`;
  const closest = offered.find(
    (d) =>
      d.label === spec.label &&
      d.features.length === spec.features.length &&
      new Set(d.features).size === new Set([...d.features, ...spec.features]).size,
  );
  const order = closest
    ? `; ${closest.hospital} offers these features in another order: ${list(closest.features)}`
    : '';
  return `"features": none of the ${hospitals} known hospitals offers exactly these features, in this order, with this label${order}`;
}
