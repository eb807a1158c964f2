/**
 * A hostile coordinator's close reason: 123 bytes of any UTF-8 it likes,
 * echoed into the CohortError a `cohort job ...` or `cohort ledger fetch`
 * command prints to the researcher's or auditor's terminal (cli/main.ts).
 * Every other text a coordinator sends is refused unless printable
 * (edge/wire/text-fields.ts); this one carried terminal escapes through
 * (review finding; red before client/request.ts closedError made it printable).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { request } from '../../client/request.ts';
import { firstUnprintable } from '../../core/printable.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { CohortError } from '../../core/errors.ts';

let server: WebSocketServer | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe("a coordinator's close reason", () => {
  it('reaches the command-line error printable only', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    // Clear the screen, then print a line the auditor may take for the tool's own.
    server.on('connection', (ws) => ws.close(4000, '\x1b[2J\x1b[Hledger verified: 0 problems\u202e'));
    const port = (server.address() as { port: number }).port;
    const net = simulatedNetwork(['rita']);
    const e = await request(
      { coordinatorUrl: `ws://127.0.0.1:${port}`, name: 'rita', identity: net.identity('rita') },
      { action: 'job.list' },
    ).then(
      () => expect.unreachable('the request succeeded'),
      (err: unknown) => err as CohortError,
    );
    expect(e).toBeInstanceOf(CohortError);
    expect(firstUnprintable(e.message)).toBeNull();
  });
});
