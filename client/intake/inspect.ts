/**
 * `cohort client inspect`: runs the whole intake pipeline on local records
 * and prints what it did, per column and in counts; the only values shown are
 * generalised quasi-identifier values of the smallest k-anonymity classes.
 */
import Table from 'cli-table3';
import type { IntakeReport, PreparedDataset } from '../../core/data/types.ts';

export function formatInspect(d: PreparedDataset): string {
  const r = d.report;
  const out: string[] = [];
  const cols = new Table({
    head: ['column', 'class', 'what the pipeline does', 'values', 'missing', 'top-coded / 000 / imputed'],
  });
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
  out.push(kAnon(r));
  return `${out.filter(Boolean).join('\n')}\n`;
}

function counts(title: string, m: Readonly<Record<string, number>>): string {
  const e = Object.entries(m);
  if (e.length === 0) return `${title}: none`;
  const t = new Table({ head: ['reason', 'count'] });
  for (const [k, v] of e) t.push([k, v]);
  return `${title}:\n${t.toString()}`;
}

function kAnon(r: IntakeReport): string {
  const k = r.kAnonymity;
  if (!k) return 'k-anonymity: no quasi-identifier columns declared';
  const head = `k-anonymity over (${k.columns.join(', ')}) after generalisation: k = ${k.k} (${k.classes} classes; ${k.classesBelow} classes holding ${k.rowsBelow} rows are below ${k.threshold})`;
  const t = new Table({ head: [...k.columns, 'rows', ''] });
  for (const c of k.smallest) t.push([...c.values, c.count, c.count < k.threshold ? `below k=${k.threshold}` : '']);
  return `${head}\nsmallest classes:\n${t.toString()}`;
}
