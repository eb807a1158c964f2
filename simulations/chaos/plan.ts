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
/** Five crashes and three link faults, at most two clients lost per round. */
export const MIN_CHAOS_ROUNDS = 4;

export function chaosPlan(o: PlanOptions): Fault[] {
  const n = o.clients.length;
  if (n < MIN_CHAOS_CLIENTS)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `the chaos run needs at least ${MIN_CHAOS_CLIENTS} clients (two may be lost in one round), got ${n}`,
    );
  if (!Number.isInteger(o.rounds) || o.rounds < MIN_CHAOS_ROUNDS)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `the chaos run needs at least ${MIN_CHAOS_ROUNDS} rounds, got ${o.rounds}`,
    );
  const rng = seededRng(o.seed);
  const pick = () => o.clients[Math.floor(rng.float() * n)]!;
  // One crash per phase, five different clients (a client just restarted may miss the next round), spread over the rounds.
  const shuffled = [...o.clients];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const crashers = shuffled.slice(0, SECAGG_PHASES.length);
  const faults: Fault[] = SECAGG_PHASES.map((phase, i) => ({
    kind: 'client-crash',
    client: crashers[i]!,
    round: 1 + (i % o.rounds),
    phase,
  }));
  const lostIn = (round: number) =>
    new Set(faults.flatMap((f) => ('client' in f && 'round' in f && f.round === round ? [f.client] : [])));
  // Each link fault goes to the first round from a seeded start that has lost fewer than two clients, to a client not lost there.
  const slot = (): [number, string] => {
    const start = Math.floor(rng.float() * o.rounds);
    for (let k = 0; k < o.rounds; k++) {
      const round = 1 + ((start + k) % o.rounds);
      const lost = lostIn(round);
      if (lost.size >= 2) continue;
      let c = pick();
      while (lost.has(c)) c = pick();
      return [round, c];
    }
    throw new CohortError('E_CONFIG_INVALID', `no room for another fault in ${o.rounds} rounds`);
  };
  const [stallRound, stalled] = slot();
  faults.push({ kind: 'network-stall', client: stalled, round: stallRound, ms: 3_000 });
  const [cutRound, cut] = slot();
  faults.push({ kind: 'network-cut', client: cut, round: cutRound });
  const [restartRound, restarted] = slot();
  faults.push({ kind: 'client-restart', client: restarted, round: restartRound });
  faults.push({ kind: 'coordinator-kill', round: Math.ceil(o.rounds / 2) });
  faults.push({ kind: 'garbage', round: 1 + Math.floor(rng.float() * o.rounds), frames: 2_000 });
  const skewed = pick();
  let slow = pick();
  while (slow === skewed) slow = pick();
  faults.push({ kind: 'clock-skew', client: skewed, skewMs: 90_000 });
  faults.push({ kind: 'slow-client', client: slow, latencyMs: 40 });
  return faults;
}
