/** One job's page: its summary, training curves, privacy spent against its target, and dropouts per round and phase. */
import type { JobView, PrivacyView } from '../../../core/dashboard/index.ts';
import type { JobDetailView } from '../api.ts';
import { lineChart, metricLines, type Line } from './charts.ts';
import { fmt, h, hospitalHref, main, pill, table, type Child } from './dom.ts';
import { api } from './fetch-api.ts';
import type { View } from './view.ts';

interface Chart {
  el: HTMLElement;
  card: HTMLElement;
}

/** The elements a job's page refreshes. */
interface JobPage {
  summary: HTMLElement;
  loss: Chart;
  acc: Chart;
  auc: Chart;
  eps: Chart;
  remaining: HTMLElement;
  /** Says when the charts of a long job were sampled. */
  sampled: HTMLElement;
  dropouts: HTMLElement;
}

const DROPOUT_HEAD = [
  'round',
  'kind',
  'participants',
  'update',
  'advertise',
  'reveal',
  'share',
  'masked',
  'consistency',
  'unmask',
];

export function jobDetailView(id: string): View {
  const page = drawJobPage(id);
  return {
    key: `job/${id}`,
    async refresh() {
      const d = await api<JobDetailView>(`/api/jobs/${encodeURIComponent(id)}`);
      page.summary.replaceChildren(...summary(d.job, d.participants));
      const c = d.curves;
      lineChart(
        page.loss.el,
        'loss',
        c.x,
        [...metricLines(c, 'loss'), { label: 'train loss', values: c.trainLoss, dash: [4, 4] }],
        'loss',
      );
      lineChart(page.acc.el, 'accuracy', c.x, metricLines(c, 'accuracy'), 'accuracy');
      lineChart(page.auc.el, 'auc', c.x, metricLines(c, 'auc'), 'AUC');
      privacy(page, d.privacy);
      page.sampled.replaceChildren(sampledNote(d));
      page.dropouts.replaceChildren(...dropouts(d.dropouts, d.dropoutsLeftOut));
    },
  };
}

function chart(key: string, title: string): Chart {
  const el = h('div', { id: `chart-${key}`, class: 'chart' });
  return { el, card: h('div', { class: 'card' }, h('h3', {}, title), el) };
}

/** The page's frame, empty until the first refresh fills it. */
function drawJobPage(id: string): JobPage {
  const page: JobPage = {
    summary: h('dl', { class: 'summary' }),
    loss: chart('loss', 'Loss (test, and mean local training loss)'),
    acc: chart('accuracy', 'Accuracy (test)'),
    auc: chart('auc', 'ROC AUC (test)'),
    eps: chart('epsilon', "Privacy: cumulative ε per hospital against the job's target"),
    remaining: h('div', { id: 'remaining' }),
    sampled: h('p', { id: 'sampled', class: 'muted' }),
    dropouts: h('div', { id: 'dropouts' }),
  };
  main.replaceChildren(
    h('h2', {}, 'Job ', h('code', {}, id)),
    page.summary,
    h('h2', {}, 'Training curves'),
    h(
      'p',
      { class: 'muted' },
      "Round r shows the model that round r started from, evaluated on each hospital's test split and pooled.",
    ),
    page.sampled,
    h('div', { class: 'charts' }, page.loss.card, page.acc.card, page.auc.card),
    h('h2', {}, 'Privacy'),
    h(
      'div',
      { class: 'charts' },
      page.eps.card,
      h(
        'div',
        { class: 'card' },
        h('h3', { id: 'remaining-title' }, "Left of the job's target (job target − spent)"),
        h(
          'p',
          { class: 'muted' },
          "The job's ε target less what the ledger charged each hospital for this job. A hospital's own privacy " +
            'budget is kept by the hospital, not the coordinator: see its hospital page.',
        ),
        page.remaining,
      ),
    ),
    h('h2', {}, 'Dropouts per round and phase'),
    page.dropouts,
  );
  return page;
}

/** The job's terms and state, as the rows of a description list. */
function summary(j: JobView, participants: JobDetailView['participants']): HTMLElement[] {
  const row = (k: string, v: Child) => [h('dt', {}, k), h('dd', {}, v)];
  return [
    ...row('status', pill(j.status)),
    ...row('owner', j.owner ?? '(operator)'),
    ...row(
      'rounds',
      `${j.completedRounds} of ${j.rounds} training rounds completed${j.evaluated ? ', final evaluation done' : ''}`,
    ),
    ...row('current round', j.currentRound === null ? '–' : `${j.currentRound} (${j.phase})`),
    ...row('strategy', j.strategy),
    ...row('secure aggregation', j.secureAggregation ? 'on' : 'off'),
    ...row(
      'privacy target',
      j.privacy ? `ε ${j.privacy.epsilon} at δ ${j.privacy.delta}, per ${j.privacy.unit}` : 'none',
    ),
    ...(j.privacy ? [...row('adjacency', j.privacy.adjacency), ...row('holds if', j.privacy.trust)] : []),
    ...row('participants', participantList(participants)),
    ...(j.reason ? row('reason', j.reason) : []),
  ];
}

/** Each participant, linked to its hospital page; one that spent ε and left is marked dropped. */
function participantList(ps: JobDetailView['participants']): Child {
  if (ps.length === 0) return '–';
  return h(
    'span',
    { id: 'participants' },
    ...ps.flatMap((p, i) => [
      i > 0 ? ', ' : '',
      h('a', { href: hospitalHref(p.name), 'data-dropped': String(p.dropped) }, p.name),
      p.dropped ? h('span', { class: 'pill dropped' }, 'dropped') : '',
    ]),
  );
}

/** Cumulative ε per hospital against the target, and what each has left. */
function privacy(page: JobPage, p: PrivacyView): void {
  const lines: Line[] = Object.entries(p.hospitals).map(([name, values]) => ({ label: name, values }));
  if (p.target)
    lines.push({ label: `target ε ${p.target.epsilon}`, values: p.x.map(() => p.target!.epsilon), dash: [6, 4] });
  lineChart(page.eps.el, 'epsilon', p.x, lines, 'ε');
  page.remaining.replaceChildren(
    p.remaining.length === 0
      ? h('p', { class: 'muted' }, p.target ? 'Nothing spent yet.' : 'This job has no privacy target.')
      : table(
          ['hospital', 'rounds charged', 'ε spent', 'job target − spent'],
          p.remaining.map((r) => [
            h('a', { href: hospitalHref(r.hospital) }, r.hospital),
            r.rounds,
            fmt(r.spent, 4),
            fmt(r.remaining, 4),
          ]),
          [1, 2, 3],
        ),
  );
}

/** How many rounds the charts were sampled from, when they were (the server draws at most MAX_CHART_POINTS). */
function sampledNote(d: JobDetailView): string {
  const shown = [
    [d.curves.x.length, d.sampledFrom.rounds, 'rounds'],
    [d.privacy.x.length, d.sampledFrom.roundEntries, 'ledger round entries'],
  ] as const;
  return shown
    .filter(([n, of]) => n < of)
    .map(([n, of, what]) => `Charts show ${n} evenly spaced of ${of} ${what}, the first and the latest included.`)
    .join(' ');
}

/** Per completed round, the latest: how many took part, and how many dropped before each phase. */
function dropouts(rows: JobDetailView['dropouts'], leftOut: number): HTMLElement[] {
  if (rows.length === 0) return [h('p', { class: 'muted' }, 'No completed rounds yet.')];
  const note = h('p', { class: 'muted' }, `The latest ${rows.length} rounds; ${leftOut} earlier ones not listed.`);
  return [
    ...(leftOut > 0 ? [note] : []),
    table(
      DROPOUT_HEAD,
      rows.map((r) => [
        r.round,
        r.kind,
        r.participants,
        r.update,
        r.advertise,
        r.reveal,
        r.share,
        r.masked,
        r.consistency,
        r.unmask,
      ]),
      [0, 2, 3, 4, 5, 6, 7, 8, 9],
    ),
  ];
}
