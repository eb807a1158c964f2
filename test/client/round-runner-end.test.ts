/**
 * A job's end at the hospital (client/round-runner.ts end): its kept
 * record-level DP outputs are forgotten only once its budget reservation is
 * closed. If the close fails (the database busy), the reservation stays open
 * and a round of the job may be offered again; had its kept output been
 * forgotten, a charged round would look as if no output had left and be
 * trained again at no new charge (core/round/hospital-round.ts), a second
 * release unpaid (review finding).
 */
import { describe, expect, it, vi } from 'vitest';
import { RoundRunner } from '../../client/round-runner.ts';
import type { ClientConfig } from '../../client/config.ts';
import { CohortError } from '../../core/errors.ts';
import type { HospitalMachine } from '../../core/round/hospital-machine.ts';
import { silentLogger } from '../../edge/log.ts';

function runner(closeJob: () => unknown) {
  const forgetJob = vi.fn();
  const emit = vi.fn();
  const c = { dataset: { schemaId: 'd' }, budget: { closeJob }, outputs: { forgetJob } } as unknown as ClientConfig;
  const r = new RoundRunner({} as HospitalMachine, c, silentLogger, { send: vi.fn(), terminate: vi.fn(), emit });
  return { r, forgetJob, emit };
}

describe("a job's end at the hospital", () => {
  it('keeps the kept outputs when the reservation could not be closed', async () => {
    const { r, forgetJob } = runner(() => {
      throw new CohortError('E_STORE', 'database is locked');
    });
    await r.run([{ type: 'end', jobId: 'j', why: 'completed' }]);
    expect(forgetJob).not.toHaveBeenCalled();
  });

  it('forgets them once it is closed, or when there was none to close', async () => {
    const closed = runner(() => ({ reservation: { charged: 2 }, released: 1 }));
    await closed.r.run([{ type: 'end', jobId: 'j', why: 'completed' }]);
    expect(closed.forgetJob).toHaveBeenCalledWith('d', 'j');
    expect(closed.emit).toHaveBeenCalledWith(expect.objectContaining({ type: 'reservationClosed', jobId: 'j' }));
    const none = runner(() => null);
    await none.r.run([{ type: 'end', jobId: 'j', why: 'completed' }]);
    expect(none.forgetJob).toHaveBeenCalledWith('d', 'j');
  });
});
