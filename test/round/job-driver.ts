/**
 * Plays hospitals' secure-aggregation clients against a JobMachine in memory:
 * every `send` effect is answered at once by the addressed client, whose
 * masked input is whatever `inputFor` returns (null: it stays silent, to be
 * dropped at the phase deadline). No sockets, so a round runs at full speed.
 */
import type { JobEffect, JobMachine, SecAggConfig } from '../../core/round/job.ts';
import type { SecureInput } from '../../core/round/secure-input.ts';
import { SecAggClient, openSession, type ClientMessage, type Identity, type Session } from '../../core/secagg/index.ts';
import type { CohortError } from '../../core/errors.ts';

export type InputFor = (client: string, session: Session) => Uint32Array | null;

export function jobDriver(m: JobMachine, codec: SecureInput, ids: ReadonlyMap<string, Identity>, inputFor: InputFor, clock: () => number) {
  const clients = new Map<string, SecAggClient>();
  const log: JobEffect[] = [];
  const rejected: CohortError[] = [];
  const sends = (fx: JobEffect[]) => fx.filter((e) => e.type === 'send') as Extract<JobEffect, { type: 'send' }>[];
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
      if ('roundConfig' in body) {
        if (!body.roundConfig.train) continue;
        const p = body.roundConfig.secagg as SecAggConfig;
        const c = new SecAggClient(openSession({ jobId: m.jobId, round, ...p, vectorLength: codec.vectorLength }), to, ids.get(to)!);
        clients.set(to, c);
        submit({ secaggAdvertise: c.advertise() });
      } else if ('secaggKeys' in body) submit({ secaggShares: clients.get(to)!.onKeys(body.secaggKeys) });
      else if ('secaggSharesRelay' in body) {
        const c = clients.get(to)!;
        c.onShares(body.secaggSharesRelay);
        const input = inputFor(to, c.session);
        if (input) submit({ secaggMaskedInput: c.maskInput(input) });
      } else if ('secaggSurvivors' in body) submit({ secaggConsistency: clients.get(to)!.onSurvivors(body.secaggSurvivors) });
      else if ('secaggUnmaskRequest' in body) submit({ secaggUnmask: clients.get(to)!.onUnmaskRequest(body.secaggUnmaskRequest) });
    }
  };
  return { deliver, log, rejected };
}
