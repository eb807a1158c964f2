/**
 * What part of the ledger a reader may have (the `ledger.read` action of
 * core/auth/policy.ts). Auditors and admins read every entry; a hospital reads
 * its own ledger: the entries that name it (its spends, refusals, grants and
 * denials) and the job-created / job-ended entries of jobs it took part in.
 * Entries are sealed whole, so an entry is given whole or not at all.
 */
import { z } from 'zod';
import type { LedgerEntry, SealedEntry } from './types.ts';

/** Largest page of entries one reply carries, by count and by canonical text. */
export const LEDGER_PAGE_ENTRIES = 1000;
export const LEDGER_PAGE_CHARS = 4 * 1024 * 1024;

export interface LedgerPage {
  entries: SealedEntry[];
  /** More entries follow: ask again after `lastSeq`. */
  more: boolean;
  /** The last seq this page covered (of the whole ledger, not only the entries given). */
  lastSeq: number;
}

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));

/** A `ledger.read` reply as a reader validates it: the page, the receipts of its entries, the sealing key. */
export const ledgerPageReplySchema = z.object({
  coordinatorKey: hex(64),
  scope: z.enum(['all', 'own']),
  entries: z
    .array(z.strictObject({ seq: z.number().int().min(1), canonical: z.string(), hash: hex(64), signature: hex(128) }))
    .max(LEDGER_PAGE_ENTRIES),
  receipts: z.array(z.strictObject({ seq: z.number().int().min(1), hospital: z.string(), signature: hex(128) })),
  more: z.boolean(),
  lastSeq: z.number().int().min(0),
});
export type LedgerPageReply = z.output<typeof ledgerPageReplySchema>;

type Parsed = Pick<LedgerEntry, 'kind' | 'jobId'> & { body: Record<string, unknown> };

/** Whether an entry names `hospital` itself (not only its job). */
function names(e: Parsed, hospital: string): boolean {
  const b = e.body;
  switch (e.kind) {
    case 'round':
      return Array.isArray(b['participants']) && (b['participants'] as unknown[]).includes(hospital);
    case 'budget-refusal':
      return b['hospital'] === hospital;
    case 'role-grant':
    case 'access-denial':
      return b['subject'] === hospital;
    default:
      return false;
  }
}

/** The entries of `entries` that name `hospital` itself, parsed: a quoted-name scan first, so most need no parse. */
function naming(entries: readonly SealedEntry[], hospital: string): Map<number, Parsed> {
  const needle = JSON.stringify(hospital);
  const out = new Map<number, Parsed>();
  for (const s of entries) {
    if (!s.canonical.includes(needle)) continue;
    const e = JSON.parse(s.canonical) as Parsed;
    if (names(e, hospital)) out.set(s.seq, e);
  }
  return out;
}

function jobsIn(named: ReadonlyMap<number, Parsed>): Set<string> {
  const jobs = new Set<string>();
  for (const e of named.values()) if (e.jobId && (e.kind === 'round' || e.kind === 'budget-refusal')) jobs.add(e.jobId);
  return jobs;
}

/**
 * The entries of `all` (in seq order) that concern `hospital`: those naming
 * it, and the created/ended entries of the jobs it took part in.
 */
export function entriesConcerning(all: readonly SealedEntry[], hospital: string): SealedEntry[] {
  const named = naming(all, hospital);
  return concerning(all, named, jobsIn(named));
}

/**
 * The entries of `candidates` (seq order) that concern `hospital`, given
 * `jobs`, the jobs it took part in across the whole ledger: a job's created
 * entry comes before its rounds, so they cannot be told from one page of the
 * ledger alone (the coordinator finds them with SQLite: ledger-tables.ts
 * hospitalJobs). Candidates that only mention its name are left out.
 */
export function ownEntries(
  candidates: readonly SealedEntry[],
  hospital: string,
  jobs: ReadonlySet<string>,
): SealedEntry[] {
  return concerning(candidates, naming(candidates, hospital), jobs);
}

/** The entries of `entries` in `named` (parsed, by seq), and the created/ended entries of `jobs`. */
function concerning(
  entries: readonly SealedEntry[],
  named: ReadonlyMap<number, Parsed>,
  jobs: ReadonlySet<string>,
): SealedEntry[] {
  return entries.filter((s) => {
    if (named.has(s.seq)) return true;
    if (jobs.size === 0 || !s.canonical.includes('"job-')) return false;
    const j = JSON.parse(s.canonical) as Parsed;
    return (j.kind === 'job-created' || j.kind === 'job-ended') && jobs.has(j.jobId);
  });
}

/**
 * Why a reader should not take `page`, asked for after `afterSeq`: it goes
 * backwards or, saying there is more, does not move (a coordinator could
 * otherwise keep a reader asking forever). Null when it moves forward.
 */
export function pageProblem(page: Pick<LedgerPage, 'entries' | 'more' | 'lastSeq'>, afterSeq: number): string | null {
  if (page.entries.some((e) => e.seq <= afterSeq) || page.lastSeq < afterSeq)
    return `the page after seq ${afterSeq} goes backwards`;
  if (page.more && page.lastSeq === afterSeq)
    return `the page after seq ${afterSeq} says there is more but does not move`;
  return null;
}

/** One page of `entries` (seq order, already scoped) after `afterSeq`, within the page limits. */
export function pageOf(entries: readonly SealedEntry[], afterSeq: number, lastSeqOfLedger: number): LedgerPage {
  const out: SealedEntry[] = [];
  let chars = 0;
  for (const s of entries) {
    if (s.seq <= afterSeq) continue;
    if (out.length === LEDGER_PAGE_ENTRIES || (out.length > 0 && chars + s.canonical.length > LEDGER_PAGE_CHARS)) {
      return { entries: out, more: true, lastSeq: out.at(-1)!.seq };
    }
    out.push(s);
    chars += s.canonical.length;
  }
  return { entries: out, more: false, lastSeq: Math.max(afterSeq, lastSeqOfLedger) };
}
