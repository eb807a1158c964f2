/**
 * `cohort dashboard login`: proves your enrolled identity to the coordinator
 * (the signed-challenge handshake) and prints a one-time URL that logs this
 * browser into the web dashboard in your role.
 */
import type { Command } from 'commander';
import { request } from '../client/request.ts';
import {
  connectionOf as connection,
  withConnectionOptions as connectionOptions,
  type ConnectionFlags as Common,
} from '../client/connection-options.ts';

export function registerDashboard(program: Command): void {
  const cmd = program
    .command('dashboard')
    .description('the web dashboard served by the coordinator (--dashboard-port)');
  connectionOptions(
    cmd
      .command('login')
      .description('get a one-time login URL for the dashboard (valid 2 minutes, once; the session lasts 15 minutes)'),
  )
    .option('--json', 'print {url, expiresAt} as JSON', false)
    .action(async (o: Common & { json: boolean }) => {
      const r = (await request(connection(o), { action: 'dashboard.login' })).json as {
        url: string;
        expiresAt: number;
      };
      process.stdout.write(
        o.json ? `${JSON.stringify(r)}\n` : `Open this URL within 2 minutes (it works once):\n${r.url}\n`,
      );
    });
}
