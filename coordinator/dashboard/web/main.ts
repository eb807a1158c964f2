/**
 * The dashboard page: plain DOM and uPlot, bundled by esbuild into
 * ../public/app.js (npm run build:dashboard). Everything shown comes from the
 * per-role JSON API; the server's event stream only says when to look again.
 * Text goes into the page through textContent only, never as HTML.
 */
import uPlot from 'uplot';
import type {
  CurvesView,
  HospitalsView,
  JobView,
  MetricSeries,
  PrivacyView,
  Series,
} from '../../../core/dashboard/index.ts';
import type { JobDetailView, LedgerView, MeView } from '../api.ts';

type Child = Node | string | number | null | undefined | false;

function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const main = document.getElementById('main')!;
const PALETTE = [
  '#2457c5',
  '#d9480f',
  '#2b8a3e',
  '#862e9c',
  '#e67700',
  '#0b7285',
  '#c2255c',
  '#5c940d',
  '#364fc7',
  '#a61e4d',
];
const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));
const time = (ms: number | null) => (ms === null ? '–' : new Date(ms).toLocaleTimeString());

class Unauthorized extends Error {}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (res.status === 401) throw new Unauthorized();
  const body = (await res.json()) as T & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${body.code ?? res.status}: ${body.message ?? ''}`);
  return body;
}

// ---- charts ----------------------------------------------------------------

const charts = new Map<string, { plot: uPlot; signature: string }>();

interface Line {
  label: string;
  values: Series;
  width?: number;
  dash?: number[];
}

/** Draws (or updates in place) a line chart in `el`; `data-points` counts the plotted values, for people and tests alike. */
function lineChart(el: HTMLElement, key: string, x: number[], lines: Line[], yLabel: string): void {
  const data = [x, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const signature = lines.map((l) => l.label).join('|');
  const points = lines.filter((l) => !l.dash).reduce((n, l) => n + l.values.filter((v) => v !== null).length, 0);
  el.dataset.points = String(points);
  el.dataset.rounds = String(x.length);
  const existing = charts.get(key);
  if (existing && existing.signature === signature && el.contains(existing.plot.root)) {
    existing.plot.setData(data);
    return;
  }
  existing?.plot.destroy();
  el.replaceChildren();
  const opts: uPlot.Options = {
    width: 560,
    height: 240,
    scales: { x: { time: false } },
    axes: [{ label: 'round' }, { label: yLabel }],
    series: [
      { label: 'round' },
      ...lines.map((l, i) => ({
        label: l.label,
        stroke: l.dash ? '#888' : PALETTE[i % PALETTE.length]!,
        width: l.width ?? 1.5,
        ...(l.dash ? { dash: l.dash } : {}),
        spanGaps: false,
        points: { show: true, size: 5 },
      })),
    ],
  };
  charts.set(key, { plot: new uPlot(opts, data, el), signature });
}

function metricLines(c: CurvesView, pick: keyof MetricSeries): Line[] {
  return [
    { label: 'aggregate', values: c.aggregate[pick], width: 3 },
    ...Object.entries(c.hospitals).map(([name, m]) => ({ label: name, values: m[pick] })),
  ];
}

// ---- views -----------------------------------------------------------------

interface View {
  key: string;
  refresh(): Promise<void>;
}

let me: MeView | null = null;
let current: View | null = null;

function table(
  head: string[],
  rows: Child[][],
  numeric: number[] = [],
  rowClass: (i: number) => string = () => '',
): HTMLElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...head.map((t, i) => h('th', numeric.includes(i) ? { class: 'num' } : {}, t)))),
    h(
      'tbody',
      {},
      ...rows.map((r, ri) =>
        h(
          'tr',
          rowClass(ri) ? { class: rowClass(ri) } : {},
          ...r.map((c, i) => h('td', numeric.includes(i) ? { class: 'num' } : {}, c)),
        ),
      ),
    ),
  );
}

const pill = (text: string) => h('span', { class: `pill ${text}` }, text);

function jobsView(): View {
  const box = h('section', { id: 'jobs' });
  main.replaceChildren(h('h2', {}, me!.role === 'researcher' ? 'Your jobs' : 'Jobs'), box);
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

function jobDetailView(id: string): View {
  const summary = h('dl', { class: 'summary' });
  const chart = (key: string, title: string) => {
    const el = h('div', { id: `chart-${key}`, class: 'chart' });
    return { el, card: h('div', { class: 'card' }, h('h3', {}, title), el) };
  };
  const loss = chart('loss', 'Loss (test, and mean local training loss)');
  const acc = chart('accuracy', 'Accuracy (test)');
  const auc = chart('auc', 'ROC AUC (test)');
  const eps = chart('epsilon', "Privacy: cumulative ε per hospital against the job's target");
  const remaining = h('div', { id: 'remaining' });
  const dropouts = h('div', { id: 'dropouts' });
  main.replaceChildren(
    h('h2', {}, 'Job ', h('code', {}, id)),
    summary,
    h('h2', {}, 'Training curves'),
    h(
      'p',
      { class: 'muted' },
      "Round r shows the model that round r started from, evaluated on each hospital's test split and pooled.",
    ),
    h('div', { class: 'charts' }, loss.card, acc.card, auc.card),
    h('h2', {}, 'Privacy'),
    h('div', { class: 'charts' }, eps.card, h('div', { class: 'card' }, h('h3', {}, 'Budget remaining'), remaining)),
    h('h2', {}, 'Dropouts per round and phase'),
    dropouts,
  );
  return {
    key: `job/${id}`,
    async refresh() {
      const d = await api<JobDetailView>(`/api/jobs/${encodeURIComponent(id)}`);
      const j = d.job;
      const row = (k: string, v: Child) => [h('dt', {}, k), h('dd', {}, v)];
      summary.replaceChildren(
        ...row('status', pill(j.status)),
        ...row('owner', j.owner ?? '(operator)'),
        ...row('rounds', `${j.completedRounds} of ${j.rounds} completed`),
        ...row('current round', j.currentRound === null ? '–' : `${j.currentRound} (${j.phase})`),
        ...row('strategy', j.strategy),
        ...row('secure aggregation', j.secureAggregation ? 'on' : 'off'),
        ...row(
          'privacy target',
          j.privacy ? `ε ${j.privacy.epsilon} at δ ${j.privacy.delta}, per ${j.privacy.unit}` : 'none',
        ),
        ...(j.privacy ? [...row('adjacency', j.privacy.adjacency), ...row('holds if', j.privacy.trust)] : []),
        ...row('participants', j.participants.join(', ') || '–'),
        ...(j.reason ? row('reason', j.reason) : []),
      );
      const c = d.curves;
      lineChart(
        loss.el,
        'loss',
        c.x,
        [...metricLines(c, 'loss'), { label: 'train loss', values: c.trainLoss, dash: [4, 4] }],
        'loss',
      );
      lineChart(acc.el, 'accuracy', c.x, metricLines(c, 'accuracy'), 'accuracy');
      lineChart(auc.el, 'auc', c.x, metricLines(c, 'auc'), 'AUC');
      privacy(d.privacy);
      dropouts.replaceChildren(
        d.dropouts.length === 0
          ? h('p', { class: 'muted' }, 'No completed rounds yet.')
          : table(
              [
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
              ],
              d.dropouts.map((r) => [
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
      );
    },
  };

  function privacy(p: PrivacyView): void {
    const lines: Line[] = Object.entries(p.hospitals).map(([name, values]) => ({ label: name, values }));
    if (p.target)
      lines.push({ label: `target ε ${p.target.epsilon}`, values: p.x.map(() => p.target!.epsilon), dash: [6, 4] });
    lineChart(eps.el, 'epsilon', p.x, lines, 'ε');
    remaining.replaceChildren(
      p.remaining.length === 0
        ? h('p', { class: 'muted' }, p.target ? 'Nothing spent yet.' : 'This job has no privacy target.')
        : table(
            ['hospital', 'rounds charged', 'ε spent', 'ε remaining'],
            p.remaining.map((r) => [r.hospital, r.rounds, fmt(r.spent, 4), fmt(r.remaining, 4)]),
            [1, 2, 3],
          ),
    );
  }
}

function hospitalsPage(): View {
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
            x.name,
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
          me!.role === 'researcher' ? 'Over the rounds of your jobs.' : 'Over the rounds of all jobs.',
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

function ledgerPage(): View {
  const status = h('div', { id: 'verify-status', class: 'status' }, 'Verifying…');
  const entries = h('div', { id: 'ledger-entries', class: 'scroll' });
  const receipts = h('div', { id: 'receipts', class: 'scroll' });
  main.replaceChildren(
    h('h2', {}, 'Privacy ledger'),
    status,
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
      const first = r.failures[0];
      status.className = `status ${r.ok ? 'ok' : 'failed'}`;
      status.dataset.ok = String(r.ok);
      status.textContent = r.ok
        ? `Chain verified: ${r.entries} entries, ${r.receiptsVerified} receipts, ${r.spendsRecomputed} ε values recomputed; head #${r.head?.seq ?? 0} ${r.head?.hash.slice(0, 16) ?? ''}…`
        : `Ledger FAILED at entry ${first?.seq ?? '–'}: ${first?.code}: ${first?.message}${r.failures.length > 1 ? ` (and ${r.failures.length - 1} more)` : ''}`;
      const bad = new Set(r.failures.map((f) => f.seq));
      const rows = [...v.rows].reverse();
      entries.replaceChildren(
        table(
          ['seq', 'time', 'kind', 'job', 'round', 'hospital', 'ε', 'cumulative ε', 'bound', 'receipt', 'hash'],
          rows.map((x) =>
            'at' in x
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
              : [x.seq, '', 'unreadable', '', '', '', '', '', '', '', h('code', {}, x.hash.slice(0, 12))],
          ),
          [0, 4, 6, 7],
          (i) => (bad.has(rows[i]!.seq) ? 'bad' : ''),
        ),
      );
      const bySeq = new Map<number, string[]>();
      for (const x of v.receipts) bySeq.set(x.seq, [...(bySeq.get(x.seq) ?? []), x.hospital]);
      receipts.replaceChildren(
        table(
          ['entry', 'receipted by'],
          [...bySeq].reverse().map(([seq, hs]) => [seq, hs.join(', ')]),
          [0],
        ),
      );
    },
  };
}

// ---- routing, session, live updates ----------------------------------------

function route(): View {
  const hash = location.hash.replace(/^#\/?/, '');
  const job = /^job\/(.+)$/.exec(hash);
  if (job) return jobDetailView(decodeURIComponent(job[1]!));
  if (hash === 'hospitals' && me!.views.hospitals) return hospitalsPage();
  if (hash === 'ledger' && me!.views.ledger) return ledgerPage();
  return jobsView();
}

function renderNav(): void {
  const tabs: [string, string][] = [
    ['jobs', 'Jobs'],
    ...(me!.views.hospitals ? [['hospitals', 'Hospitals'] as [string, string]] : []),
    ...(me!.views.ledger ? [['ledger', 'Ledger'] as [string, string]] : []),
  ];
  const at = location.hash.replace(/^#\/?/, '').split('/')[0] || 'jobs';
  document
    .getElementById('nav')!
    .replaceChildren(
      ...tabs.map(([k, label]) =>
        h('a', { href: `#/${k}`, class: at === k || (at === 'job' && k === 'jobs') ? 'active' : '' }, label),
      ),
    );
}

let refreshing: Promise<void> | null = null;
let again = false;

/** Refreshes the current view; a change arriving meanwhile triggers one more refresh, not a pile of them. */
async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = (async () => {
    try {
      await current?.refresh();
    } catch (err) {
      if (err instanceof Unauthorized) loggedOut('Your session has ended.');
      else main.prepend(h('p', { class: 'status failed' }, String((err as Error).message)));
    }
  })();
  await refreshing;
  refreshing = null;
  if (again) {
    again = false;
    await refresh();
  }
}

function navigate(): void {
  renderNav();
  current = route();
  void refresh();
}

let events: EventSource | null = null;

function listen(): void {
  const live = document.getElementById('live')!;
  events = new EventSource('/api/events');
  events.onopen = () => (live.className = 'live on');
  events.onerror = () => (live.className = 'live off');
  events.addEventListener('change', () => void refresh());
  events.addEventListener('expired', () => loggedOut('Your session has expired.'));
}

function loggedOut(why: string): void {
  events?.close();
  document.getElementById('live')!.className = 'live off';
  document.getElementById('nav')!.replaceChildren();
  document.getElementById('who')!.replaceChildren();
  main.replaceChildren(
    h('h2', {}, why === '' ? 'Not logged in' : why),
    h('p', {}, 'Log in with your enrolled identity: run'),
    h('pre', {}, 'cohort dashboard login --coordinator <url> --name <you> --identity <you.key>'),
    h('p', {}, 'and open the URL it prints (valid for two minutes, once).'),
  );
}

interface Who {
  name: string;
  role: string;
}

/** Trades a login code for a session. The server refuses (409) to switch a browser logged in as someone else unless asked to `replace`. */
async function redeem(code: string, replace: boolean): Promise<'ok' | 'failed' | { current: Who; offered: Who }> {
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(replace ? { code, replace } : { code }),
  });
  if (res.ok) return 'ok';
  if (res.status !== 409) return 'failed';
  const body = (await res.json()) as { current: Who; offered: Who };
  return { current: body.current, offered: body.offered };
}

/** Asks whether to leave the session this browser holds for the identity of a login link; resolves true to switch. */
function confirmSwitch(current: Who, offered: Who): Promise<boolean> {
  return new Promise((resolve) => {
    const stay = h('button', { id: 'login-stay' }, `Stay as ${current.name}`);
    const swap = h('button', { id: 'login-switch' }, `Log in as ${offered.name}`);
    stay.addEventListener('click', () => resolve(false));
    swap.addEventListener('click', () => resolve(true));
    main.replaceChildren(
      h('h2', {}, 'Switch identity?'),
      h(
        'p',
        { id: 'login-conflict' },
        `This browser is logged in as ${current.name} (${current.role}). The link you opened would log it in as ${offered.name} (${offered.role}) instead. Only switch if you ran \`cohort dashboard login\` as ${offered.name} yourself.`,
      ),
      h('p', {}, stay, ' ', swap),
    );
  });
}

async function start(): Promise<void> {
  const code = /^#code=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1];
  if (code) {
    // The code leaves the address bar (and history) before anything else happens.
    history.replaceState(null, '', `${location.pathname}#/jobs`);
    let result = await redeem(code, false).catch(() => 'failed' as const);
    if (typeof result === 'object')
      result = (await confirmSwitch(result.current, result.offered))
        ? await redeem(code, true).catch(() => 'failed' as const)
        : 'ok';
    if (result === 'failed') {
      loggedOut('That login link is used or expired.');
      return;
    }
  }
  try {
    me = await api<MeView>('/api/me');
  } catch {
    loggedOut('');
    return;
  }
  const logout = h('button', { id: 'logout' }, 'Log out');
  logout.addEventListener(
    'click',
    () => void api('/api/logout', { method: 'POST' }).finally(() => loggedOut('Logged out.')),
  );
  document.getElementById('who')!.replaceChildren(`${me.name} (${me.role}) · until ${time(me.expiresAt)}`, logout);
  document.body.dataset.role = me.role;
  window.addEventListener('hashchange', navigate);
  navigate();
  listen();
}

void start();
