/**
 * `cohort client inspect` for an image dataset: images per split and class,
 * the model input they become, what was done to DICOM headers (with how many
 * did not state Burned In Annotation), and every file not used, by reason.
 * Counts only: no file name, no pixel, no header value.
 */
import Table from 'cli-table3';
import type { ImageDataset } from './images.ts';

export function formatImageInspect(d: ImageDataset): string {
  const r = d.report;
  const { height, width, channels } = d.shape;
  const out: string[] = [
    `image schema ${d.schemaId}: ${r.rowsRead} images read, ${r.rowsUsed} used; model input ${height}x${width}x${channels} (${channels === 1 ? 'grey' : 'RGB'})`,
    `what the intake does: ${r.columns[0]?.action ?? ''}`,
  ];
  // The DICOM header column (images.ts): files read as DICOM, and how many of them left Burned In Annotation unstated.
  for (const c of r.columns.slice(1))
    out.push(
      `DICOM headers: ${c.values} files used were DICOM, ${c.action}; ${c.missing} of them did not state Burned In Annotation (0028,0301), so text burned into their pixels cannot be ruled out`,
    );
  const t = new Table({ head: ['split', ...d.classes, 'total'] });
  for (const [name, s] of Object.entries(classCounts(d))) t.push([name, ...s, s.reduce((a, b) => a + b, 0)]);
  out.push(`images per split and class:\n${t.toString()}`);
  out.push(counts('images rejected', r.recordsRejected));
  out.push(counts('files not used (not images of the layout)', r.recordsIgnored ?? {}));
  return `${out.join('\n')}\n`;
}

/** Images per class (in class order) for each split. */
export function classCounts(d: ImageDataset): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, s] of Object.entries(d.splits)) {
    const c = new Array<number>(d.classes.length).fill(0);
    for (const y of s.y) c[y]!++;
    out[name] = c;
  }
  return out;
}

function counts(title: string, m: Readonly<Record<string, number>>): string {
  const e = Object.entries(m);
  if (e.length === 0) return `${title}: none`;
  const t = new Table({ head: ['reason', 'count'] });
  for (const [k, v] of e.sort()) t.push([k, v]);
  return `${title}:\n${t.toString()}`;
}
