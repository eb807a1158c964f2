/**
 * The dashboard's cap on sockets held at once (server.ts MAX_CONNECTIONS,
 * here set to 2): a connection past it is closed as it is accepted, unanswered,
 * while those already open, idle as a slow-header stranger's, still get their
 * answers. Raw sockets, so no client pools or reuses a connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDashboard } from '../../helpers/dashboard-fixture.ts';
import { MAX_CONNECTIONS, MAX_EVENT_STREAMS } from '../../../coordinator/dashboard/server.ts';
import { heldSocket, statusLine } from '../../helpers/http-socket.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("the dashboard's connection cap", () => {
  it('closes a connection past the cap, unanswered; those open still get their answers', async () => {
    const port = await emptyDashboard(cleanups, { options: { maxConnections: 2 } });
    const held = [await heldSocket(port, cleanups), await heldSocket(port, cleanups)]; // idle, as slow headers would be
    const past = await heldSocket(port, cleanups);
    await past.closed;
    expect(past.received()).toBe('');
    for (const c of held) expect(await statusLine(c)).toBe('HTTP/1.1 200 OK');
  });

  it('leaves room for every event stream the server allows, and requests beside them', () => {
    expect(MAX_CONNECTIONS).toBeGreaterThan(MAX_EVENT_STREAMS);
  });
});
