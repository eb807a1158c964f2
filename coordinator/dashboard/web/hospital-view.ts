/** One hospital's page: ε the ledger charged it in each job, against its budget where the coordinator knows it (it never does). */
import type { HospitalPageView } from '../../../core/dashboard/index.ts';
import { fmt, h, main, pill, table } from './dom.ts';
import { api } from './fetch-api.ts';
import type { View } from './view.ts';

export function hospitalView(name: string): View {
  const box = h('section', { id: 'hospital' });
  main.replaceChildren(h('h2', {}, 'Hospital ', h('code', {}, name)), box);
  return {
    key: `hospital/${name}`,
    async refresh() {
      const v = await api<HospitalPageView>(`/api/hospitals/${encodeURIComponent(name)}`);
      box.replaceChildren(
        h(
          'p',
          { id: 'hospital-budget', class: 'muted' },
          // The budget lives in the hospital's own database (client/budget-store.ts); the coordinator's ledger has none.
          'Budget: not known to the coordinator. The hospital keeps its own budget and refuses jobs that would exceed it: ',
          h('code', {}, 'cohort budget show'),
          ' at the hospital has it.',
        ),
        h('h3', {}, 'ε spent per job (from the ledger)'),
        v.jobs.length === 0
          ? h('p', { class: 'muted' }, 'No ε charged in any job you can see.')
          : table(
              ['job', 'status', 'unit', 'rounds charged', 'ε spent', 'job target ε', 'δ'],
              v.jobs.map((j) => [
                h('a', { href: `#/job/${encodeURIComponent(j.jobId)}` }, j.jobId),
                pill(j.status),
                j.unit,
                j.rounds,
                fmt(j.epsilon, 4),
                j.target.epsilon,
                j.target.delta,
              ]),
              [3, 4, 5, 6],
            ),
        h('h3', {}, 'Total across jobs (basic composition: an upper bound)'),
        v.totals.length === 0
          ? h('p', { class: 'muted' }, '–')
          : table(
              ['unit', 'jobs', 'Σ ε', 'Σ δ'],
              v.totals.map((t) => [t.unit, t.jobs, fmt(t.epsilon, 4), t.delta]),
              [1, 2, 3],
            ),
        h('h3', {}, 'Budget refusals'),
        v.refusals.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : table(
              ['job', 'round', 'code', 'reason'],
              v.refusals.map((r) => [r.jobId, r.round, r.code, r.reason]),
              [1],
            ),
      );
    },
  };
}
