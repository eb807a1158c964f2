/**
 * `cohort job status` as a person reads it: the job's state and reason, its
 * rounds, and the ε each hospital spent on it as the coordinator's ledger
 * records it. That figure is the coordinator's account: each hospital's own
 * budget database is authoritative for what it spent (`cohort budget show`
 * there). `--json` prints the reply as it is.
 */
import type { Command } from 'commander';
import type { ConnectionFlags } from '../client/connection-options.ts';
import { guaranteeLine } from '../core/job/guarantee.ts';

type TextTableFn = typeof import('../edge/text-table.ts').textTable;

export const STATUS_HELP =
  "a job's status, its rounds, and the epsilon each hospital spent on it as the coordinator's ledger records it (each hospital's own budget database is authoritative: cohort budget show)";

/** `job status <job-id> [--json]` on `cmd`, asking with `ask`. */
export function registerStatus(
  cmd: Command,
  ask: (o: ConnectionFlags, jobId: string) => Promise<{ json: unknown }>,
): void {
  cmd
    .argument('<job-id>')
    .option('--json', "machine-readable output (the coordinator's reply as it is)", false)
    .action(async (id: string, o: ConnectionFlags & { json: boolean }) => {
      const status = (await ask(o, id)).json as JobStatusReply;
      if (o.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      // Loaded on use: `job status --help` must not pay for the table package.
      const { textTable } = await import('../edge/text-table.ts');
      process.stdout.write(renderJobStatus(status, textTable));
    });
}

/** One round of the `job.status` reply. */
interface RoundRow {
  round: number;
  kind: string;
  participants: number;
  dropped: number;
}

/** The `job.status` reply (coordinator/requests.ts), as far as it is printed here. */
interface JobStatusReply {
  id: string;
  name: string | null;
  owner: string | null;
  status: string;
  reason: string;
  /** Training rounds done, at most the planned ones (core/round/progress.ts); `evaluated` once the final evaluation ran. */
  completedRounds: number;
  evaluated?: boolean;
  roundsPlanned?: number | null;
  rounds: RoundRow[];
  strategy: string | null;
  secureAggregation: boolean | null;
  privacy: { unit: string; epsilon: number; delta: number } | null;
  problem?: string;
  /** Each hospital's rounds charged and ε spent, from the coordinator's ledger. */
  spent?: { hospital: string; rounds: number; epsilon: number }[];
}

const SPEND_SOURCE =
  "as recorded in the coordinator's ledger; each hospital's own budget database is authoritative (cohort budget show --state <file.db>, at the hospital)";

/** The guarantee line of a privacy unit; a unit this client does not know (the reply is the coordinator's) has none. */
function epsilonMeaning(unit: string): string {
  return unit === 'record' || unit === 'hospital'
    ? `${unit}-level epsilon: ${guaranteeLine(unit)}`
    : `epsilon of an unknown privacy unit: no guarantee is known for it`;
}

function renderJobStatus(reply: JobStatusReply, textTable: TextTableFn): string {
  const r = reply;
  const lines: string[] = [];
  lines.push(`job ${r.id}${r.name ? ` (${r.name})` : ''}: ${r.status}${r.owner ? `, submitted by ${r.owner}` : ''}`);
  if (r.reason) lines.push(`reason: ${r.reason}`);
  if (r.problem) lines.push(`problem: ${r.problem}`);
  const privacy = r.privacy
    ? `${r.privacy.unit}-level differential privacy, target epsilon ${r.privacy.epsilon} at delta ${r.privacy.delta}`
    : 'no differential privacy';
  lines.push(`strategy ${r.strategy ?? '-'}, secure aggregation ${r.secureAggregation ? 'on' : 'off'}, ${privacy}`);
  // What the epsilon means and whom it trusts, beside it, as everywhere a DP job's epsilon is printed (core/job/guarantee.ts).
  if (r.privacy) lines.push(epsilonMeaning(r.privacy.unit));
  const rows = Array.isArray(r.rounds) ? r.rounds : [];
  const planned = r.roundsPlanned;
  const evaluated = r.evaluated ? ', final model evaluated' : '';
  lines.push(
    `rounds completed: ${r.completedRounds}${typeof planned === 'number' ? ` of ${planned}` : ''}${evaluated}`,
  );
  if (rows.length) {
    const t = textTable(['round', 'kind', 'participants', 'dropped']);
    for (const x of rows) t.push([x.round, x.kind, x.participants, x.dropped]);
    lines.push(t.toString());
  }
  const spent = r.spent ?? [];
  if (spent.length) {
    lines.push(`epsilon spent per hospital, ${SPEND_SOURCE}:`);
    const t = textTable(['hospital', 'rounds charged', 'epsilon spent', ...(r.privacy ? ['of target'] : [])]);
    for (const s of spent)
      t.push([s.hospital, s.rounds, s.epsilon.toFixed(4), ...(r.privacy ? [String(r.privacy.epsilon)] : [])]);
    lines.push(t.toString());
  } else if (r.privacy) lines.push(`epsilon spent per hospital: none charged yet (${SPEND_SOURCE})`);
  return `${lines.join('\n')}\n`;
}
