/**
 * `cohort client inspect`: runs the whole intake pipeline on local records
 * and prints what it did, per column and in counts, and why the data would be
 * refused (or is suspect). No value of a record is shown: k-anonymity is given
 * as class sizes, never a class's values.
 */
import { textTable } from '../../edge/text-table.ts';
import type { IntakeReport, PreparedDataset } from '../../core/data/types.ts';

export function formatInspect(d: PreparedDataset): string {
  const r = d.report;
  const out: string[] = [];
  const cols = textTable([
    'column',
    'class',
    'what the pipeline does',
    'values',
    'missing',
    'top-coded / 000 / imputed',
  ]);
  for (const c of r.columns) cols.push([c.name, c.kind, c.action, c.values, c.missing, c.special]);
  out.push(
    `schema ${d.schemaId}: ${r.rowsRead} rows read, ${r.rowsUsed} used (train ${d.train.n}, test ${d.test.n}); ${d.features.length} model inputs -> ${d.label}`,
  );
  out.push(cols.toString());
  out.push(
    counts('rows dropped', r.rowsDropped),
    counts('records rejected by the reader', r.recordsRejected),
    counts('values rejected (cell treated as missing)', r.valuesRejected),
  );
  if (r.recordsIgnored && Object.keys(r.recordsIgnored).length)
    out.push(counts('records not used (not declared)', r.recordsIgnored));
  out.push(kAnon(r), findings(r));
  return `${out.filter(Boolean).join('\n')}\n`;
}

function counts(title: string, m: Readonly<Record<string, number>>): string {
  const e = Object.entries(m);
  if (e.length === 0) return `${title}: none`;
  const t = textTable(['reason', 'count']);
  for (const [k, v] of e) t.push([k, v]);
  return `${title}:\n${t.toString()}`;
}

function kAnon(r: IntakeReport): string {
  const k = r.kAnonymity;
  if (!k) return 'k-anonymity: no quasi-identifier columns declared';
  const head = `k-anonymity over (${k.columns.join(', ')}) after generalisation: k = ${k.k} (${k.classes} classes; ${k.classesBelow} classes holding ${k.rowsBelow} rows are below ${k.threshold})`;
  const without = textTable(['left out of the class', 'k']);
  for (const c of k.columns) without.push([c, k.kWithout[c] ?? '']);
  return `${head}\nsmallest class sizes: ${k.smallest.join(', ')}\n${without.toString()}`;
}

/** The same findings as E_DATA_UNTRAINABLE's message (refusals) and the warnings beside them. */
function findings(r: IntakeReport): string {
  const t = r.trainability;
  if (!t) return '';
  const list = (title: string, fs: readonly { message: string }[]) =>
    `${title}:\n${fs.map((f) => `  - ${f.message}`).join('\n')}`;
  return [
    t.refusals.length
      ? list('refused (E_DATA_UNTRAINABLE): client start will not train on this data', t.refusals)
      : 'refusals (E_DATA_UNTRAINABLE): none',
    t.warnings.length ? list('warnings (the data trains)', t.warnings) : 'warnings: none',
  ].join('\n');
}
