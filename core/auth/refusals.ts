/**
 * Which budget refusals and declines one live job's ledger takes. A hospital's
 * "no" becomes a signed ledger entry, so it is taken only from the hospital
 * concerned and about something that happened: a decline (round 0) of a job
 * the coordinator offered it, or a refusal of the round the coordinator last
 * sent it (a refusal comes back for that round's config, so an older round's
 * is stale and a later one's does not exist yet); each one once. Pure: the
 * coordinator reports offers and round configs as it sends them, and asks.
 * Memory: one name per hospital offered the job, one round number per
 * hospital sent a round, one key per entry taken (at most rounds + 1 per
 * hospital).
 */
import { CohortError } from '../errors.ts';

export type RefusalVerdict =
  /** Record it. */
  | 'record'
  /** Already recorded: no second entry. */
  | 'repeat'
  /** The job was never offered to this hospital. */
  | 'not-offered'
  /** This round was not the last one sent to this hospital. */
  | 'not-sent';

export class RefusalGate {
  private readonly offered = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private readonly taken = new Set<string>();

  /** The job was offered to `hospital`. */
  offer(hospital: string): void {
    this.offered.add(hospital);
  }

  /** Round `round` was sent to `hospital`. */
  sent(hospital: string, round: number): void {
    this.lastSent.set(hospital, round);
  }

  /** Throws E_NOT_PARTICIPANT unless job `jobId` (this gate's) was offered to `hospital`: what a join, decline or refusal from anyone else gets. */
  requireOffered(jobId: string, hospital: string): void {
    if (!this.offered.has(hospital))
      throw new CohortError('E_NOT_PARTICIPANT', `job ${jobId} was not offered to ${hospital}`);
  }

  /**
   * Whether `hospital` saying no to `round` (0: the whole job, at its offer)
   * goes into the ledger; a 'record' verdict is remembered, so the same no
   * is a 'repeat' after it.
   */
  admit(hospital: string, round: number): RefusalVerdict {
    if (!this.offered.has(hospital)) return 'not-offered';
    if (round !== 0 && this.lastSent.get(hospital) !== round) return 'not-sent';
    const key = `${hospital}/${round}`;
    if (this.taken.has(key)) return 'repeat';
    this.taken.add(key);
    return 'record';
  }
}
