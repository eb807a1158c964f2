/**
 * A live coordinator with its dashboard, enrolled people (researchers rita and
 * rob, auditor aud, admin ada) and hospital daemons, for the dashboard's API
 * and browser tests. `login` goes through the real path: a signed-challenge
 * Request for a login code, then the code traded for a session cookie. The
 * hospitals, connected or waiting, signed the roster the coordinator
 * publishes, and each is enrolled under its roster key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coordinator, CoordinatorOptions } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { request, type RequestBody } from '../../client/request.ts';
import type { Identity } from '../../core/secagg/index.ts';
import type { Role } from '../../core/auth/policy.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { enrolledCoordinator } from './enroll.ts';
import { RECORD_DP } from './privacy.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { CoordinatorMetrics } from '../../coordinator/dashboard/metrics.ts';
import { DashboardServer, type DashboardOptions } from '../../coordinator/dashboard/server.ts';
import { silentLogger, type Logger } from '../../edge/log.ts';

export const METRICS_TOKEN = randomBytes(32).toString('hex');
const PEOPLE: Record<string, Role> = { rita: 'researcher', rob: 'researcher', aud: 'auditor', ada: 'admin' };

export interface Fixture {
  coordinator: Coordinator;
  dir: string;
  db: string;
  port: number;
  dashboard: string;
  ids: Record<string, Identity>;
  as(name: string, body: RequestBody): ReturnType<typeof request>;
  /** A login URL for `name` (what `cohort dashboard login` prints). */
  loginUrl(name: string): Promise<string>;
  /** Logged in over HTTP: the session cookie. */
  cookie(name: string): Promise<string>;
  /** Starts the daemon of a hospital named in `waiting`. */
  startHospital(name: string): void;
  /** Submits a job as `name` (a researcher) and returns its id. */
  submit(name: string, overrides?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** `hospitals` connect at once; `waiting` are enrolled and connect on startHospital. */
export async function startFixture(
  o: { hospitals?: string[]; waiting?: string[]; coordinator?: Partial<CoordinatorOptions> } = {},
): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-dashboard-'));
  const db = join(dir, 'c.db');
  const hospitals = o.hospitals ?? ['h1', 'h2'];
  const all = [...hospitals, ...(o.waiting ?? [])];
  const net = simulatedNetwork(all);
  const { coordinator, port, ids } = await enrolledCoordinator({
    dbPath: db,
    people: { ...PEOPLE, ...Object.fromEntries(all.map((h) => [h, 'hospital'] as const)) },
    net,
    options: { dashboard: { metricsToken: METRICS_TOKEN, pollMs: 50 }, ...o.coordinator },
  });
  // Each hospital keeps a budget: a DP job is declined without one.
  const budgets = all.map((h) => {
    const b = new BudgetStore(join(dir, `${h}.db`));
    b.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: 'pld' });
    return b;
  });
  const daemons = new Map(
    all.map((h, i) => [
      h,
      new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name: h,
        dataset: syntheticDataset(i + 1),
        identity: ids[h]!,
        roster: net.chain,
        budget: budgets[i]!,
      }),
    ]),
  );
  const started: ClientDaemon[] = [];
  const startHospital = (h: string) => {
    started.push(daemons.get(h)!);
    daemons.get(h)!.start();
  };
  hospitals.forEach(startHospital);
  const dashboard = coordinator.dashboardUrl!;
  const as = (name: string, body: RequestBody) =>
    request({ coordinatorUrl: `ws://127.0.0.1:${port}`, name, identity: ids[name]! }, body);
  const loginUrl = async (name: string) =>
    ((await as(name, { action: 'dashboard.login' })).json as { url: string }).url;
  return {
    coordinator,
    dir,
    db,
    port,
    dashboard,
    ids,
    as,
    loginUrl,
    startHospital,
    async cookie(name) {
      return loginCookie(dashboard, await loginUrl(name));
    },
    async submit(name, overrides = {}) {
      const spec = syntheticJob({
        rounds: 2,
        minClients: hospitals.length,
        targetClients: hospitals.length,
        privacy: RECORD_DP,
        ...overrides,
      });
      return ((await as(name, { action: 'job.submit', specJson: JSON.stringify(spec) })).json as { jobId: string })
        .jobId;
    },
    async close() {
      await Promise.all(started.map((d) => d.stop()));
      await coordinator.close();
      for (const b of budgets) b.close();
    },
  };
}

/** Resolves when `jobId` completes (or rejects when it fails). */
/** The session cookie (name=value) a browser gets by opening `url`, a one-time login link of the dashboard at `dashboard`. */
export async function loginCookie(dashboard: string, url: string): Promise<string> {
  const code = new URL(url).hash.replace('#code=', '');
  const res = await fetch(`${dashboard}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dashboard },
    body: JSON.stringify({ code }),
  });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

export function jobDone(c: Coordinator, jobId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    c.on('job', (e) => {
      if (e.jobId !== jobId) return;
      if (e.status === 'completed') resolve();
      else if (e.status === 'failed' || e.status === 'cancelled')
        reject(new Error(`${jobId} ${e.status}: ${e.reason}`));
    });
  });
}

/**
 * A dashboard alone on a fresh, empty coordinator database (no coordinator,
 * nobody logged in), listening; closed by `cleanups`. Its port.
 */
export async function emptyDashboard(
  cleanups: (() => unknown)[],
  o: { log?: Logger; options?: DashboardOptions } = {},
): Promise<number> {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'cohort-dashboard-')), 'c.db');
  new CoordinatorStore(dbPath).close();
  const server = new DashboardServer(
    {
      dbPath,
      snapshot: () => ({ hospitals: [], jobs: {} }),
      metrics: new CoordinatorMetrics(() => 0),
      log: o.log ?? silentLogger,
      now: () => 0,
    },
    o.options ?? {},
  );
  const port = await server.listen();
  cleanups.push(() => server.close());
  return port;
}
