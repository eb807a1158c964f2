/**
 * The coordinator's Prometheus metrics (prom-client), in a registry of its own
 * so several coordinators in one process (tests, simulations) never share
 * counters. Served at the dashboard's /metrics behind a bearer token.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DROPOUT_PHASES, roundDropouts, type RoundRow } from '../../core/dashboard/index.ts';

/** Phases whose durations are observed: plaintext collection and the secure-aggregation phases. */
const TIMED_PHASES = new Set(['collect', 'advertise', 'share', 'masked', 'consistency', 'unmask']);

export class CoordinatorMetrics {
  readonly registry = new Registry();
  private readonly rounds: Counter<'kind'>;
  private readonly failures: Counter;
  private readonly dropouts: Counter<'phase'>;
  private readonly phaseSeconds: Histogram<'phase'>;
  private readonly bytesIn: Counter;
  private readonly bytesOut: Counter;
  /** Per job: the phase it is in and since when. */
  private readonly phases = new Map<string, { phase: string; since: number }>();

  constructor(connectedHospitals: () => number) {
    const registers = [this.registry];
    const counter = <L extends string = string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.rounds = counter(
      'cohort_rounds_completed_total',
      'Rounds completed and committed, by kind (train, evaluate)',
      ['kind'],
    );
    this.failures = counter('cohort_rounds_failed_total', 'Round attempts that failed (too few participants left)');
    this.dropouts = counter(
      'cohort_dropouts_total',
      'Participants lost from completed rounds, by phase (update: plaintext rounds; the rest: secure-aggregation phases)',
      ['phase'],
    );
    this.phaseSeconds = new Histogram({
      name: 'cohort_phase_duration_seconds',
      help: 'Time a job spent in each round phase (collect: plaintext updates or evaluations)',
      labelNames: ['phase'],
      registers,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    });
    this.bytesIn = counter('cohort_bytes_received_total', 'WebSocket frame bytes received from all peers');
    this.bytesOut = counter('cohort_bytes_sent_total', 'WebSocket frame bytes sent to all peers');
    new Gauge({
      name: 'cohort_connected_hospitals',
      help: 'Hospitals connected now',
      registers,
      collect() {
        this.set(connectedHospitals());
      },
    });
    for (const p of DROPOUT_PHASES) this.dropouts.inc({ phase: p }, 0);
  }

  frameIn(bytes: number): void {
    this.bytesIn.inc(bytes);
  }

  frameOut(bytes: number): void {
    this.bytesOut.inc(bytes);
  }

  roundCompleted(r: Pick<RoundRow, 'kind' | 'participants' | 'dropped' | 'phaseCounts'>): void {
    this.rounds.inc({ kind: r.kind });
    const d = roundDropouts(r);
    for (const p of DROPOUT_PHASES) if (d[p] > 0) this.dropouts.inc({ phase: p }, d[p]);
  }

  roundFailed(): void {
    this.failures.inc();
  }

  /** Records that `jobId` is in `phase` at `now`; a change observes how long the previous phase lasted. */
  phase(jobId: string, phase: string, now: number): void {
    const prev = this.phases.get(jobId);
    if (prev?.phase === phase) return;
    if (prev && TIMED_PHASES.has(prev.phase))
      this.phaseSeconds.observe({ phase: prev.phase }, (now - prev.since) / 1000);
    if (phase === 'finished') this.phases.delete(jobId);
    else this.phases.set(jobId, { phase, since: now });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
