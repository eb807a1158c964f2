/**
 * A researcher's `job.list` is served on the event loop that serves every
 * hospital. Its cost must depend on what the researcher may see (its own
 * jobs), not on every job any researcher ever stored: otherwise one
 * researcher's accumulated jobs (up to 2 MiB of spec each, kept forever once
 * ended) make every other researcher's listing, and each of its own, parse
 * them all on the main thread.
 * Review finding (researcherreview); the listing still has no page cap (a
 * researcher's own history), which needs a request field.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { Requests, type RequestDeps } from '../../coordinator/requests.ts';
import type { Peer } from '../../coordinator/peer.ts';
import type { Envelope } from '../../edge/wire/codec.ts';
import { silentLogger } from '../../edge/log.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-job-list-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("job.list's cost on the event loop", () => {
  it("parses none of another researcher's job specs", () => {
    const store = new CoordinatorStore(join(dir, 'c.db'));
    const OTHERS = 40;
    for (let i = 0; i < OTHERS; i++) {
      const spec = parseJobSpec(syntheticJob({ name: `bobjob${i}` }));
      store.createJob(`bobjob${i}-00`, spec, new Float32Array(4), i, undefined, 'bob');
    }
    store.createJob(
      'alicejob-00',
      parseJobSpec(syntheticJob({ name: 'alicejob' })),
      new Float32Array(4),
      99,
      undefined,
      'alice',
    );

    const sent: unknown[] = [];
    const peer = { name: 'alice', role: 'researcher', log: silentLogger, send: (e: unknown) => sent.push(e) };
    const requests = new Requests({ store, log: silentLogger, recordDenial: () => {} } as unknown as RequestDeps);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      requests.handle(peer as unknown as Peer, { request: { id: 1, action: 'job.list' } } as unknown as Envelope);
      const othersParsed = parse.mock.calls.filter(([s]) => typeof s === 'string' && s.includes('"bobjob')).length;
      expect(othersParsed).toBe(0);
    } finally {
      parse.mockRestore();
      store.close();
    }
    const reply = (sent[0] as { reply: { json: string } }).reply;
    const listed = JSON.parse(reply.json) as { id: string }[];
    expect(listed.map((j) => j.id)).toEqual(['alicejob-00']);
  });
});
