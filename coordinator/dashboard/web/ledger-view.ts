/**
 * The ledger page (operators and auditors): the server's latest verification
 * of the chain and where the next one stands (it runs in the server's verifier
 * thread, incrementally), the latest entries, and their receipts.
 */
import type { LedgerView } from '../api.ts';
import { fmt, h, main, table, time, type Child } from './dom.ts';
import { api } from './fetch-api.ts';
import type { View } from './view.ts';

type Verify = LedgerView['verify'];
type Row = LedgerView['rows'][number];

export function ledgerPage(): View {
  const status = h('div', { id: 'verify-status', class: 'status' }, 'Verifying…');
  const detail = h('p', { id: 'verify-detail', class: 'muted' });
  const entries = h('div', { id: 'ledger-entries', class: 'scroll' });
  const receipts = h('div', { id: 'receipts', class: 'scroll' });
  main.replaceChildren(
    h('h2', {}, 'Privacy ledger'),
    status,
    detail,
    h('h2', {}, 'Entries'),
    entries,
    h('h2', {}, 'Receipts'),
    receipts,
  );
  return {
    key: 'ledger',
    async refresh() {
      const v = await api<LedgerView>('/api/ledger');
      const r = v.verify;
      if (r.verifiedThrough === null) {
        // No verification has completed yet: neither verified nor failed.
        status.className = 'status';
        delete status.dataset.ok;
        status.textContent = r.error ? `Ledger not verified: ${r.error.code}: ${r.error.message}` : 'Verifying…';
      } else {
        status.className = `status ${r.ok ? 'ok' : 'failed'}`;
        status.dataset.ok = String(r.ok);
        status.textContent = verifyLine(r);
      }
      detail.dataset.pending = String(r.pending);
      detail.textContent = detailLine(r);
      entries.replaceChildren(entryTable(v.rows, new Set(r.failures.map((f) => f.seq))));
      receipts.replaceChildren(receiptTable(v.receipts));
    },
  };
}

function verifyLine(r: Verify): string {
  const first = r.failures[0];
  return r.ok
    ? `Chain verified: ${r.entries} entries, ${r.receiptsVerified} receipts, ${r.spendsRecomputed} ε values recomputed; head #${r.head?.seq ?? 0} ${r.head?.hash.slice(0, 16) ?? ''}…`
    : `Ledger FAILED at entry ${first?.seq ?? '–'}: ${first?.code}: ${first?.message}${r.failures.length > 1 ? ` (and ${r.failures.length - 1} more)` : ''}`;
}

/** How the report was made and how current it is: incremental or full, the last full pass, what is still running. */
function detailLine(r: Verify): string {
  const parts: string[] = [];
  if (r.verifiedThrough !== null)
    parts.push(
      r.mode === 'incremental'
        ? `through entry #${r.verifiedThrough}, entries after #${r.from} checked incrementally`
        : `through entry #${r.verifiedThrough}, every entry checked`,
    );
  if (r.fullAt !== null) parts.push(`last full pass ${time(r.fullAt)}`);
  const extra: [number | undefined, string][] = [
    [r.checkpointsVerified, 'checkpoints'],
    [r.cosignaturesVerified, 'cosignatures'],
    [r.spendsWitnessed, 'spends witnessed'],
  ];
  for (const [n, what] of extra) if (n !== undefined) parts.push(`${n} ${what}`);
  if (r.pending) parts.push('verifying the latest changes…');
  if (r.error && r.verifiedThrough !== null) parts.push(`verifier error: ${r.error.code}: ${r.error.message}`);
  return parts.join('; ');
}

/** The entries, newest first; those at a failed seq are marked. */
function entryTable(all: readonly Row[], bad: ReadonlySet<number | null>): HTMLElement {
  const rows = [...all].reverse();
  return table(
    ['seq', 'time', 'kind', 'job', 'round', 'hospital', 'ε', 'cumulative ε', 'bound', 'receipt', 'hash'],
    rows.map(entryCells),
    [0, 4, 6, 7],
    (i) => (bad.has(rows[i]!.seq) ? 'bad' : ''),
  );
}

function entryCells(x: Row): Child[] {
  return 'at' in x
    ? [
        x.seq,
        x.at.slice(11, 19),
        x.kind,
        x.jobId,
        x.round || '',
        x.hospital,
        fmt(x.epsilon, 4),
        fmt(x.cumulativeEpsilon, 4),
        x.bound,
        x.receipted === null ? '' : x.receipted ? 'yes' : 'no',
        h('code', {}, x.hash.slice(0, 12)),
      ]
    : [x.seq, '', 'unreadable', '', '', '', '', '', '', '', h('code', {}, x.hash.slice(0, 12))];
}

/** Each receipted entry, newest first, with the hospitals that receipted it. */
function receiptTable(all: LedgerView['receipts']): HTMLElement {
  const bySeq = new Map<number, string[]>();
  for (const x of all) bySeq.set(x.seq, [...(bySeq.get(x.seq) ?? []), x.hospital]);
  return table(
    ['entry', 'receipted by'],
    [...bySeq].reverse().map(([seq, hs]) => [seq, hs.join(', ')]),
    [0],
  );
}
