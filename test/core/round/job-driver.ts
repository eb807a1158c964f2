/**
 * Plays hospitals against a JobMachine in memory: every `send` effect is
 * answered at once by the addressed hospital. Honest hospitals run the real
 * hospital side (core/round/hospital-session.ts: parameters checked against
 * their own roster and the spec, the input encoded under the agreed seed);
 * a hospital whose `inputFor` returns raw words runs a bare SecAggClient and
 * masks whatever it likes, as a malicious one would. null: it stays silent,
 * to be dropped at the phase deadline. No sockets, so a round runs at full
 * speed.
 */
import type { JobEffect, JobMachine, SecAggConfig } from '../../../core/round/job.ts';
import type { JobSpec } from '../../../core/job/spec.ts';
import { AttemptLog, HospitalSession } from '../../../core/round/hospital-session.ts';
import { secureInput } from '../../../core/round/secure-input.ts';
import { SecAggClient, openSession, type ClientMessage, type Session } from '../../../core/secagg/index.ts';
import type { CohortError } from '../../../core/errors.ts';
import type { SimulatedNetwork } from '../../../simulations/network.ts';

export type Contribution =
  | { delta: Float32Array; numExamples: number; loss: number }
  | { words: (session: Session, seed: Uint8Array) => Uint32Array }
  | null;

export type InputFor = (client: string) => Contribution;

interface Party {
  honest: HospitalSession | null;
  raw: SecAggClient | null;
  input: Contribution;
}

export function jobDriver(
  m: JobMachine,
  spec: JobSpec,
  net: SimulatedNetwork,
  inputFor: InputFor,
  clock: () => number,
) {
  const parties = new Map<string, Party>();
  const attempts = new Map<string, AttemptLog>();
  const log: JobEffect[] = [];
  const rejected: CohortError[] = [];
  /** Typed errors honest hospitals raised, by hospital. */
  const refused = new Map<string, string>();
  const sends = (fx: JobEffect[]) => fx.filter((e) => e.type === 'send') as Extract<JobEffect, { type: 'send' }>[];
  const open = (to: string, round: number, p: SecAggConfig): Party => {
    const input = inputFor(to);
    const offered = { jobId: m.jobId, round, ...p, vectorLength: secureInput(spec).vectorLength };
    if (input && 'words' in input)
      return {
        honest: null,
        raw: new SecAggClient(openSession(offered), to, net.identity(to), net.head.members),
        input,
      };
    const log = attempts.get(to) ?? new AttemptLog();
    attempts.set(to, log);
    const view = { name: to, roster: net.head, numTrain: 1 };
    return {
      honest: HospitalSession.open({ spec, offered, view, identity: net.identity(to), attempts: log }),
      raw: null,
      input,
    };
  };
  const deliver = (effects: JobEffect[]): void => {
    log.push(...effects);
    const queue = [...sends(effects)];
    while (queue.length > 0) {
      const { to, round, body } = queue.shift()!;
      const submit = (msg: ClientMessage) => {
        const r = m.submitSecAgg(to, round, msg, clock());
        if (r.rejected) rejected.push(r.rejected);
        log.push(...r.effects);
        queue.push(...sends(r.effects));
      };
      try {
        if ('roundConfig' in body) {
          if (!body.roundConfig.train) continue;
          const party = open(to, round, body.roundConfig.secagg!);
          parties.set(to, party);
          submit({ secaggAdvertise: (party.honest ?? party.raw!).advertise() });
          continue;
        }
        const party = parties.get(to)!;
        const c = party.honest ?? party.raw!;
        if ('secaggCommitments' in body) submit({ secaggReveal: c.onCommitments(body.secaggCommitments) });
        else if ('secaggKeys' in body) submit({ secaggShares: c.onKeys(body.secaggKeys) });
        else if ('secaggSharesRelay' in body) {
          c.onShares(body.secaggSharesRelay);
          const input = party.input;
          if (!input) continue;
          if ('words' in input)
            submit({ secaggMaskedInput: party.raw!.maskInput(input.words(party.raw!.session, party.raw!.seed)) });
          else submit({ secaggMaskedInput: party.honest!.maskInput(input.delta, input.numExamples, input.loss) });
        } else if ('secaggSurvivors' in body) submit({ secaggConsistency: c.onSurvivors(body.secaggSurvivors) });
        else if ('secaggUnmaskRequest' in body) submit({ secaggUnmask: c.onUnmaskRequest(body.secaggUnmaskRequest) });
      } catch (e) {
        refused.set(to, (e as { code: string }).code);
        log.push(...m.clientAbandoned(to, round, clock()));
      }
    }
  };
  return { deliver, log, rejected, refused };
}
