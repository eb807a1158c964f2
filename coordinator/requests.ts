/**
 * Researchers', auditors', admins' and hospitals' requests (submit, list,
 * status, cancel, pause, resume, download, ledger pages and proofs, dashboard login), each
 * checked against the policy table (core/auth/policy.ts) before anything is
 * read or changed. A refusal is an error frame naming the request; the
 * connection stays.
 */
import { roundProgress } from '../core/round/progress.ts';
import { ACTIONS, POLICY, VIEW_ACTIONS, denial, type Action, type Role } from '../core/auth/policy.ts';
import { CohortError, asCohortError } from '../core/errors.ts';
import type { Logger } from '../edge/log.ts';
import { tensorOf, type Envelope } from '../edge/wire/codec.ts';
import type { JobRegistry } from './job-registry.ts';
import type { Peer } from './peer.ts';
import type { JobListing } from './job-rows.ts';
import type { JobHospitalSpend } from './ledger.ts';
import type { CoordinatorStore } from './store.ts';

export interface RequestDeps {
  store: CoordinatorStore;
  jobs: JobRegistry;
  log: Logger;
  /** A researcher's submission, prepared off the event loop; resolves to its job id. */
  submit: (owner: string, specJson: string) => Promise<string>;
  /** A page of the ledger as the peer may read it (ledger-pages.ts). */
  ledgerPage: (peer: Peer, afterSeq: number, jobId: string) => unknown;
  /** The `ledger.prove` reply (coordinator/ledger-tree.ts); E_LEDGER_PROOF for a request out of range. */
  ledgerProof: (fromSize: number, seqs: readonly number[]) => unknown;
  /** A dashboard session for `who`, or null when this coordinator serves no dashboard. */
  dashboardLogin: ((who: string, role: Role) => unknown) | null;
  /** Each hospital's rounds charged and ε spent in a job, as the coordinator's ledger records them (ledger.ts hospitalSpend). */
  hospitalSpend: (jobId: string) => JobHospitalSpend[];
  /** Records a denial in the ledger (connections.ts recordDenial). */
  recordDenial: (peer: Peer, action: string, jobId: string, reason: string) => void;
}

/** One request being answered: who asks, what, and how to answer. */
interface Asked {
  peer: Peer;
  who: string;
  action: Action;
  jobId: string;
  reply: (json: unknown, model?: Float32Array) => void;
  /** Throws E_FORBIDDEN (recorded once) unless the policy lets the peer do this to a job of `owner`. */
  check: (owner?: string | null) => void;
}

export class Requests {
  constructor(private readonly d: RequestDeps) {}

  handle(peer: Peer, env: Envelope): void {
    const r = env.request!;
    const id = r.id ?? 0;
    const action = r.action as Action;
    if (!(ACTIONS as readonly string[]).includes(action) || action === 'job.join' || VIEW_ACTIONS.includes(action))
      throw new CohortError('E_WIRE_FIELD', `unknown request action "${r.action}"`);
    const jobId = r.jobId ?? '';
    const refuse = (err: unknown) => {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.d.log.error({ err }, 'internal error in a request');
      peer.log.info({ action, job: r.jobId, code: e.code }, 'request refused');
      peer.send({ jobId, error: { code: e.code, message: `request ${id}: ${e.message}` } });
    };
    const asked: Asked = {
      peer,
      who: peer.name!,
      action,
      jobId,
      reply: (json, model) =>
        peer.send({ jobId, reply: { id, json: JSON.stringify(json), ...(model ? { model: tensorOf(model) } : {}) } }),
      check: (owner) => {
        const no = denial(peer.role, peer.name!, action, owner);
        if (!no) return;
        this.d.recordDenial(peer, action, jobId, no);
        throw new CohortError('E_FORBIDDEN', no);
      },
    };
    try {
      if (action === 'job.submit') {
        asked.check();
        // Parsed and calibrated in a worker thread: this loop serves everyone else meanwhile, and the reply follows.
        this.d
          .submit(asked.who, r.specJson ?? '')
          .then((submitted) => asked.reply({ jobId: submitted }))
          .catch(refuse);
        return;
      }
      if (!this.general(asked, r)) this.onJob(asked);
    } catch (err) {
      refuse(err);
    }
  }

  /** The requests that name no job of their own (dashboard login, job list, ledger pages and proofs); false for the others. */
  private general(a: Asked, r: NonNullable<Envelope['request']>): boolean {
    switch (a.action) {
      case 'dashboard.login':
        a.check();
        if (!this.d.dashboardLogin)
          throw new CohortError(
            'E_CONFIG_INVALID',
            'this coordinator serves no dashboard (start it with --dashboard-port)',
          );
        a.reply(this.d.dashboardLogin(a.who, a.peer.role));
        return true;
      case 'job.list': {
        a.check();
        // A researcher's listing reads its own rows only: another's jobs cost it nothing on this loop.
        const mine = POLICY['job.list'][a.peer.role] === 'own';
        a.reply(this.d.store.listJobs(mine ? a.who : undefined).map(jobSummary));
        return true;
      }
      case 'ledger.read':
        a.check();
        a.reply(this.d.ledgerPage(a.peer, r.afterSeq ?? 0, a.jobId));
        return true;
      case 'ledger.prove':
        a.check();
        // At most LEDGER_PROVE_SEQS seqs (the wire scan refuses more), each proof O(log n) hashes.
        a.reply(this.d.ledgerProof(r.fromSize ?? 0, r.seqs ?? []));
        return true;
      default:
        return false;
    }
  }

  /** A request about one job: status, cancel, pause, resume or download, by its owner or a role that may. */
  private onJob(a: Asked): void {
    // The listing, not the model: a job whose row does not load can still be seen and cancelled.
    const job = this.d.store.jobListing(a.jobId);
    // An unknown job and someone else's job answer alike: ids are not disclosed to those who may not see them.
    a.check(job ? job.owner : '\u0000');
    if (!job) throw new CohortError('E_UNKNOWN_JOB', `no job ${a.jobId}`);
    const jobs = this.d.jobs;
    switch (a.action) {
      case 'job.status':
        // The ledger's charges, hospital by hospital: the researcher's view of privacy spent (ledger.read stays closed to researchers).
        a.reply({
          ...jobSummary(job),
          // `rounds` here is the list of rounds run; the planned count moves beside it.
          roundsPlanned: job.spec?.rounds ?? null,
          rounds: this.roundsOf(job.id),
          spent: this.d.hospitalSpend(job.id),
        });
        return;
      case 'job.cancel':
        jobs.cancel(job.id, `cancelled by ${a.who}`);
        a.reply({ jobId: job.id, status: 'cancelled' });
        return;
      case 'job.pause':
        jobs.pause(job.id, `paused by ${a.who}`);
        a.reply({ jobId: job.id, status: jobs.state(job.id)!.status });
        return;
      case 'job.resume':
        jobs.resume(job.id, `resumed by ${a.who}`);
        a.reply({ jobId: job.id, status: jobs.state(job.id)!.status });
        return;
      default: {
        const state = jobs.state(job.id)!; // job.download: a job that is not live reads its model from the database, once
        // The resolved spec goes with the weights: the model download needs its layers, features and task.
        a.reply({ jobId: job.id, completedRounds: state.completedRounds, spec: job.spec }, state.weights);
      }
    }
  }

  private roundsOf(jobId: string) {
    return this.d.store.rounds(jobId).map((x) => ({
      round: x.round,
      kind: x.kind,
      participants: x.participants.length,
      dropped: x.dropped.length,
      pooled: x.pooled,
    }));
  }
}

/** What researchers and auditors see of a job: metadata, never weights. A spec that does not read back leaves its fields null and says why. */
function jobSummary(j: JobListing) {
  const s = j.spec;
  return {
    id: j.id,
    name: s?.name ?? null,
    owner: j.owner,
    status: j.status,
    reason: j.reason,
    ...(s ? roundProgress(j.completedRounds, s.rounds) : { completedRounds: j.completedRounds }),
    rounds: s?.rounds ?? null,
    strategy: s?.strategy.name ?? null,
    secureAggregation: s?.secureAggregation.enabled ?? null,
    privacy: s?.privacy ? { unit: s.privacy.unit, epsilon: s.privacy.epsilon, delta: s.privacy.delta } : null,
    ...(j.specProblem ? { problem: j.specProblem } : {}),
  };
}
