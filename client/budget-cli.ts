/**
 * `cohort budget`: the operator's view of a hospital's budget reservations,
 * and the close of one whose job's end never reached the daemon (it was
 * down when the job ended or failed), which would otherwise hold its
 * untrained rounds against the budget forever. Glue only: the rules are
 * client/budget-store.ts's.
 */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { BudgetStore, type Reservation } from './budget-store.ts';
import type { Mechanism } from '../core/privacy/spend.ts';

export function registerBudget(program: Command): void {
  const cmd = program.command('budget').description("a hospital's privacy-budget reservations: list them, close one whose job ended while the daemon was away");
  cmd
    .command('reservations')
    .description("list the jobs holding a reservation against the budget (an open one's untrained rounds count against it)")
    .requiredOption('--state <file.db>', "the hospital's state database (client start --state)")
    .option('--all', 'closed reservations too', false)
    .option('--json', 'machine-readable output', false)
    .action((o: { state: string; all: boolean; json: boolean }) => {
      const rows = withStore(o.state, (s) => s.reservations({ all: o.all }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows.map(asJson), null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write(o.all ? 'no reservations\n' : 'no open reservations\n');
        return;
      }
      const t = new Table({ head: ['dataset', 'job', 'rounds reserved', 'rounds charged', 'state', 'admitted'] });
      for (const r of rows) t.push([r.dataset, r.jobId, describeAll(r.mechanisms), r.charged, r.open ? 'open' : 'closed', new Date(r.at).toISOString()]);
      process.stdout.write(`${t.toString()}\n`);
    });
  cmd
    .command('close')
    .description("close a job's reservation: its charged rounds stay spent, its untrained rounds are released, and the daemon refuses the job's further rounds and any re-offer")
    .requiredOption('--state <file.db>', "the hospital's state database (client start --state)")
    .requiredOption('--job <id>', 'the job whose reservation to close')
    .option('--dataset <id>', 'the dataset (schema id), when the job holds reservations for several')
    .option('--json', 'machine-readable output', false)
    .action((o: { state: string; job: string; dataset?: string; json: boolean }) => {
      const { reservation: r, released } = withStore(o.state, (s) => s.closeReservation(o.job, o.dataset));
      if (o.json) process.stdout.write(`${JSON.stringify({ ...asJson(r), released }, null, 2)}\n`);
      else process.stdout.write(`closed job ${r.jobId} on dataset ${r.dataset}: ${r.charged} charged round(s) stay spent, ${released} reserved round(s) released\n`);
    });
}

/** Opens the existing budget database (never creating one), runs `fn`, closes it. */
function withStore<T>(path: string, fn: (s: BudgetStore) => T): T {
  const store = new BudgetStore(path, { mustExist: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function asJson(r: Reservation) {
  return { dataset: r.dataset, jobId: r.jobId, mechanisms: r.mechanisms, rounds: r.rounds, charged: r.charged, open: r.open, admittedAt: new Date(r.at).toISOString() };
}

/** "20 × DP-SGD …, 1 × evaluation counts …": runs of equal mechanisms, in order. */
function describeAll(ms: readonly Mechanism[]): string {
  const runs: { text: string; n: number }[] = [];
  for (const m of ms) {
    const text = describe(m);
    const last = runs.at(-1);
    if (last?.text === text) last.n++;
    else runs.push({ text, n: 1 });
  }
  return runs.map((r) => `${r.n} × ${r.text}`).join(', ');
}

function describe(m: Mechanism): string {
  if (m.kind === 'discrete-gaussian') return `evaluation counts, discrete Gaussian sigma ${m.sigma}${m.steps === 1 ? '' : `, ${m.steps} releases`}`;
  if (m.kind === 'sampled-gaussian') return m.q === 1 && m.steps === 1 ? `Gaussian counts, sigma ${m.sigma}` : `DP-SGD q ${m.q}, sigma ${m.sigma}, ${m.steps} steps`;
  return `distributed discrete Gaussian, sigma ${m.sigma}, ${m.clients} clients`;
}
