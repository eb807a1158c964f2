/**
 * A request line whose target is no URL (`GET //[ HTTP/1.1`, which Node's
 * parser lets through) is a stranger's bad input, not a fault of the
 * dashboard: it is answered 400 E_HTTP_REQUEST, and nothing is logged at
 * error level (no stack, no internal path), however often it is sent.
 * Before any login, on raw sockets: no client would send such a line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDashboard } from '../../helpers/dashboard-fixture.ts';
import { createLogger } from '../../../edge/log.ts';
import { lineSink } from '../../helpers/capture-outbound.ts';
import { exchange } from '../../helpers/http-socket.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a request target that is no URL', () => {
  it('is answered 400 E_HTTP_REQUEST, and no error is logged', async () => {
    const { lines, sink: destination } = lineSink();
    const port = await emptyDashboard(cleanups, { log: createLogger({ destination, level: 'warn' }) });
    for (const target of ['//[', 'http://[', 'http://a:99999/', '//%zz/api/me']) {
      const answer = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer.split('\r\n')[0], target).toBe('HTTP/1.1 400 Bad Request');
      expect(/\{"code":"(\w+)"/.exec(answer)?.[1], target).toBe('E_HTTP_REQUEST');
    }
    expect(lines).toEqual([]);
  });
});
