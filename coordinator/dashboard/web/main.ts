/**
 * The dashboard page: plain DOM and uPlot, bundled by esbuild into
 * ../public/app.js (npm run build:dashboard). Everything shown comes from the
 * per-role JSON API; the server's event stream only says when to look again.
 * Text goes into the page through textContent only, never as HTML (dom.ts).
 * This module is the page's session: login, routing between the views
 * (lists.ts, job-view.ts, hospital-view.ts, ledger-view.ts) and live refreshes.
 */
import type { MeView } from '../api.ts';
import { h, main, time } from './dom.ts';
import { api, Unauthorized } from './fetch-api.ts';
import { hospitalView } from './hospital-view.ts';
import { jobDetailView } from './job-view.ts';
import { ledgerPage } from './ledger-view.ts';
import { hospitalsPage, jobsView } from './lists.ts';
import { redeemLink } from './login.ts';
import type { View } from './view.ts';

let me: MeView | null = null;
let current: View | null = null;

function route(): View {
  const hash = location.hash.replace(/^#\/?/, '');
  const job = /^job\/(.+)$/.exec(hash);
  if (job) return jobDetailView(decodeURIComponent(job[1]!));
  const hospital = /^hospital\/(.+)$/.exec(hash);
  if (hospital && me!.views.hospitals) return hospitalView(decodeURIComponent(hospital[1]!));
  if (hash === 'hospitals' && me!.views.hospitals) return hospitalsPage(me!.role);
  if (hash === 'ledger' && me!.views.ledger) return ledgerPage();
  return jobsView(me!.role);
}

function renderNav(): void {
  const tabs: [string, string][] = [
    ['jobs', 'Jobs'],
    ...(me!.views.hospitals ? [['hospitals', 'Hospitals'] as [string, string]] : []),
    ...(me!.views.ledger ? [['ledger', 'Ledger'] as [string, string]] : []),
  ];
  const at = location.hash.replace(/^#\/?/, '').split('/')[0] || 'jobs';
  document.getElementById('nav')!.replaceChildren(
    ...tabs.map(([k, label]) =>
      h(
        'a',
        {
          href: `#/${k}`,
          class: at === k || (at === 'job' && k === 'jobs') || (at === 'hospital' && k === 'hospitals') ? 'active' : '',
        },
        label,
      ),
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

async function start(): Promise<void> {
  const code = /^#code=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1];
  if (code) {
    // The code leaves the address bar (and history) before anything else happens.
    history.replaceState(null, '', `${location.pathname}#/jobs`);
    if ((await redeemLink(code)) === 'failed') {
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
