/** The two list pages: the jobs (a researcher sees only their own) and the hospitals with their dropouts. */
import type { HospitalsView, JobView } from '../../../core/dashboard/index.ts';
import type { MeView } from '../api.ts';
import { h, hospitalHref, main, pill, table, time } from './dom.ts';
import { api } from './fetch-api.ts';
import type { View } from './view.ts';

export function jobsView(role: MeView['role']): View {
  const box = h('section', { id: 'jobs' });
  main.replaceChildren(h('h2', {}, role === 'researcher' ? 'Your jobs' : 'Jobs'), box);
  return {
    key: 'jobs',
    async refresh() {
      const jobs = await api<JobView[]>('/api/jobs');
      box.replaceChildren(
        jobs.length === 0
          ? h('p', { class: 'muted' }, 'No jobs yet.')
          : table(
              ['job', 'owner', 'status', 'rounds', 'current', 'phase', 'strategy', 'privacy target', 'participants'],
              jobs.map((j) => [
                h('a', { href: `#/job/${encodeURIComponent(j.id)}` }, j.id),
                j.owner ?? '(operator)',
                pill(j.status),
                `${j.completedRounds} / ${j.rounds}`,
                j.currentRound ?? '–',
                j.phase,
                j.strategy,
                j.privacy ? `ε ${j.privacy.epsilon}, δ ${j.privacy.delta} (${j.privacy.unit})` : 'none',
                j.participants.join(', '),
              ]),
              [3],
            ),
      );
    },
  };
}

export function hospitalsPage(role: MeView['role']): View {
  const box = h('section', { id: 'hospitals' });
  main.replaceChildren(h('h2', {}, 'Hospitals'), box);
  return {
    key: 'hospitals',
    async refresh() {
      const v = await api<HospitalsView>('/api/hospitals');
      box.replaceChildren(
        table(
          ['hospital', 'connected', 'since', 'last seen', 'rounds', 'dropped'],
          v.hospitals.map((x) => [
            h('a', { href: hospitalHref(x.name) }, x.name),
            pill(x.connected ? 'yes' : 'no'),
            time(x.connectedAt),
            time(x.lastSeen),
            x.rounds,
            x.dropped,
          ]),
          [4, 5],
        ),
        h('h2', {}, 'Dropouts per phase'),
        h(
          'p',
          { class: 'muted' },
          role === 'researcher' ? 'Over the rounds of your jobs.' : 'Over the rounds of all jobs.',
        ),
        table(
          Object.keys(v.dropoutsByPhase),
          [Object.values(v.dropoutsByPhase)],
          Object.keys(v.dropoutsByPhase).map((_, i) => i),
        ),
      );
    },
  };
}
