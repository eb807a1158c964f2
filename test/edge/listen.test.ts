import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CohortError } from '../../core/errors.ts';
import { listenOn } from '../../edge/listen.ts';
import { Coordinator } from '../../coordinator/coordinator.ts';

let taken: Server;
let port: number;
beforeAll(async () => {
  taken = createServer();
  port = await listenOn(taken, 0, '127.0.0.1');
});
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

describe('listenOn: every server binds through it', () => {
  it("a port in use is one typed E_LISTEN naming the address, for a library caller too (not Node's raw error)", async () => {
    const err = await listenOn(createServer(), port, '127.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CohortError);
    expect(err).toMatchObject({ code: 'E_LISTEN' });
    expect((err as Error).message).toBe(`cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE)`);
    // The coordinator's own listen, as an embedding program calls it.
    const c = new Coordinator({ dbPath: ':memory:', port, host: '127.0.0.1' });
    try {
      await expect(c.listen()).rejects.toMatchObject({ code: 'E_LISTEN' });
    } finally {
      await c.close();
    }
  });
});
