/**
 * The chaos run's fault schedule: a pure function of (clients, rounds, seed),
 * so a failing run is reproduced by its seed. Every secure-aggregation phase
 * gets a client killed before it; the coordinator is SIGKILLed once between
 * aggregating a round and committing it; links stall and are cut; a client is
 * restarted; one runs with a skewed clock and one behind a slow link for the
 * whole run; a stranger sends garbage frames. At most two clients are lost in
 * any one round, so each round can still complete.
 */
import { CohortError } from '../../core/errors.ts';
import { seededRng } from '../../core/rng.ts';

export const SECAGG_PHASES = ['advertise', 'share', 'masked', 'consistency', 'unmask'] as const;
export type Phase = (typeof SECAGG_PHASES)[number];

export type Fault =
  /** The client process SIGKILLs itself just before this phase of this round; the harness restarts it. */
  | { kind: 'client-crash'; client: string; round: number; phase: Phase }
  /** The coordinator SIGKILLs itself after aggregating this round and before committing it; the harness restarts it. */
  | { kind: 'coordinator-kill'; round: number }
  /** The client's link holds every byte for `ms` once this round is open. */
  | { kind: 'network-stall'; client: string; round: number; ms: number }
  /** The client's link is cut (both sockets destroyed) once this round is open. */
  | { kind: 'network-cut'; client: string; round: number }
  /** The client is stopped (SIGTERM) once this round is open and started again at once. */
  | { kind: 'client-restart'; client: string; round: number }
  /** The client's clock runs `skewMs` ahead for the whole run (within the handshake's tolerance). */
  | { kind: 'clock-skew'; client: string; skewMs: number }
  /** Every chunk on the client's link is delayed by `latencyMs` for the whole run. */
  | { kind: 'slow-client'; client: string; latencyMs: number }
  /** A stranger connects and sends `frames` random and corrupted frames once this round is open. */
  | { kind: 'garbage'; round: number; frames: number };

export interface PlanOptions {
  clients: readonly string[];
  rounds: number;
  seed: number;
}

export const MIN_CHAOS_CLIENTS = 6;
export const MIN_CHAOS_ROUNDS = 3;

export function chaosPlan(o: PlanOptions): Fault[] {
  const n = o.clients.length;
  if (n < MIN_CHAOS_CLIENTS) throw new CohortError('E_CONFIG_INVALID', `the chaos run needs at least ${MIN_CHAOS_CLIENTS} clients (two may be lost in one round), got ${n}`);
  if (!Number.isInteger(o.rounds) || o.rounds < MIN_CHAOS_ROUNDS) throw new CohortError('E_CONFIG_INVALID', `the chaos run needs at least ${MIN_CHAOS_ROUNDS} rounds, got ${o.rounds}`);
  const rng = seededRng(o.seed);
  const pick = () => o.clients[Math.floor(rng.float() * n)]!;
  // One crash per phase, spread over the rounds.
  const faults: Fault[] = SECAGG_PHASES.map((phase, i) => ({ kind: 'client-crash', client: pick(), round: 1 + (i % o.rounds), phase }));
  const lostIn = (round: number) => new Set(faults.flatMap((f) => ('client' in f && 'round' in f && f.round === round ? [f.client] : [])));
  // A second client lost in a round must be another one, and no round loses more than two.
  const another = (round: number) => {
    const lost = lostIn(round);
    if (lost.size >= 2) return null;
    let c = pick();
    while (lost.has(c)) c = pick();
    return c;
  };
  const at = (k: number) => 1 + ((k + Math.floor(rng.float() * o.rounds)) % o.rounds);
  const linkFaults: [Fault['kind'], number][] = [['network-stall', at(1)], ['network-cut', at(2)], ['client-restart', at(3)]];
  for (const [kind, round] of linkFaults) {
    const client = another(round);
    if (!client) continue;
    faults.push(kind === 'network-stall' ? { kind, client, round, ms: 3_000 } : { kind: kind as 'network-cut' | 'client-restart', client, round });
  }
  faults.push({ kind: 'coordinator-kill', round: Math.ceil(o.rounds / 2) });
  faults.push({ kind: 'garbage', round: at(4), frames: 2_000 });
  const skewed = pick();
  let slow = pick();
  while (slow === skewed) slow = pick();
  faults.push({ kind: 'clock-skew', client: skewed, skewMs: 90_000 });
  faults.push({ kind: 'slow-client', client: slow, latencyMs: 40 });
  return faults;
}
