/**
 * The hospital daemon: keeps a connection to the coordinator (reconnecting
 * with jittered exponential backoff), accepts the jobs its dataset can serve,
 * and for each round evaluates the global model on the local test split and
 * trains on the local train split. Only the model delta and aggregate metrics
 * leave this process; records never do.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { CohortError, asCohortError } from '../core/errors.ts';
import { silentLogger, type Logger } from '../core/log.ts';
import type { JobSpec } from '../core/job/spec.ts';
import type { Metrics } from '../core/metrics.ts';
import { paramCount } from '../core/model/spec.ts';
import type { PreparedDataset } from '../core/data/types.ts';
import {
  DEFAULT_MAX_FRAME_BYTES, decodeEnvelope, encodeEnvelope, jobSpecFromWire, metricsFromWire, metricsToWire,
  tensorOf, validateClientName, vectorOf, COORDINATOR_SENDER, type Envelope, type EnvelopeInit,
} from '../proto/codec.ts';
import { evaluateModel, loadTf, trainLocal } from './trainer/index.ts';

export const SOFTWARE = 'cohort-client/0.1.0';

export interface ClientOptions {
  coordinatorUrl: string;
  name: string;
  dataset: PreparedDataset;
  log?: Logger;
  maxFrameBytes?: number;
  /** Reconnect backoff bounds (ms). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Reconnect when the coordinator has sent nothing, not even a ping, for this long. */
  silenceTimeoutMs?: number;
}

export interface ClientRoundEvent {
  jobId: string;
  round: number;
  train: boolean;
  /** The received global model on the local test split. */
  metrics: Metrics;
}

interface ClientEvents {
  connected: [];
  disconnected: [{ code: number; reason: string }];
  joined: [{ jobId: string; spec: JobSpec }];
  declined: [{ jobId: string; code: string; reason: string }];
  round: [ClientRoundEvent];
  roundResult: [{ jobId: string; round: number; metrics: Metrics | null }];
  jobEvent: [{ jobId: string; kind: string; reason: string }];
  coordinatorError: [{ jobId: string; code: string; message: string }];
}

export class ClientDaemon extends EventEmitter<ClientEvents> {
  readonly name: string;
  private readonly log: Logger;
  private readonly jobs = new Map<string, JobSpec>();
  private ws: WebSocket | null = null;
  private seq = 0;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  /** Rounds are handled one at a time, in arrival order. */
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ClientOptions) {
    super();
    this.name = validateClientName(opts.name);
    this.log = (opts.log ?? silentLogger).child({ component: 'client', hospital: this.name });
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'client stopping');
        setTimeout(() => { ws.terminate(); resolve(); }, 1000).unref();
      });
    }
    await this.work.catch(() => undefined);
  }

  private connect(): void {
    const ws = new WebSocket(this.opts.coordinatorUrl, { maxPayload: this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, perMessageDeflate: false });
    this.ws = ws;
    this.seq = 0;
    // The coordinator pings every 15 s; silence far longer than that means a dead link.
    const heard = () => {
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      this.silenceTimer = setTimeout(() => {
        this.log.warn({ silentMs: this.opts.silenceTimeoutMs ?? 45_000 }, 'coordinator silent: reconnecting');
        ws.terminate();
      }, this.opts.silenceTimeoutMs ?? 45_000);
      this.silenceTimer.unref();
    };
    ws.on('ping', heard);
    ws.on('open', () => {
      heard();
      const d = this.opts.dataset;
      this.send({
        hello: {
          name: this.name,
          software: SOFTWARE,
          datasets: [{ schemaId: d.schemaId, features: [...d.features], label: d.label, numTrain: d.train.n, numTest: d.test.n }],
        },
      });
    });
    ws.on('message', (data, isBinary) => {
      heard();
      try {
        if (!isBinary) throw new CohortError('E_WIRE_NOT_BINARY');
        const env = decodeEnvelope(data as Buffer, this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
        if (env.sender !== COORDINATOR_SENDER) throw new CohortError('E_WIRE_FIELD', 'frame not from the coordinator');
        this.onFrame(env);
      } catch (err) {
        const e = asCohortError(err);
        this.log.warn({ code: e.code }, `bad frame from coordinator: ${e.message}`);
        ws.close(e.closeCode ?? 1002, e.code);
      }
    });
    ws.on('error', (err) => this.log.warn({ err: err.message }, 'connection error'));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      this.emit('disconnected', { code, reason: reason.toString() });
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.opts.backoffMinMs ?? 200;
    const max = this.opts.backoffMaxMs ?? 10_000;
    // Full jitter (AWS architecture blog): spreads a fleet's reconnects after a coordinator restart.
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempt++);
    this.log.info({ delayMs: Math.round(delay), attempt: this.attempt }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Sends on the current connection, or only on `via` when given: a round's
   * results must not leak onto a later connection, where the round is gone.
   */
  private send(env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>, via?: WebSocket): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || (via && via !== ws)) return;
    ws.send(encodeEnvelope({ ...env, sender: this.name, seq: ++this.seq }));
  }

  private onFrame(env: Envelope): void {
    switch (env.body) {
      case 'welcome':
        this.attempt = 0;
        this.log.info({ coordinator: env.welcome?.coordinatorId }, 'connected');
        this.emit('connected');
        return;
      case 'jobOffer':
        this.onOffer(env);
        return;
      case 'roundConfig': {
        const spec = this.jobs.get(env.jobId);
        if (!spec) throw new CohortError('E_UNKNOWN_JOB', `round for unknown job ${env.jobId}`);
        const weights = vectorOf(env.roundConfig?.weights, paramCount(spec.model));
        const cfg = { jobId: env.jobId, round: env.round, train: env.roundConfig?.train ?? false, seed: env.roundConfig?.seed ?? 0, weights, via: this.ws! };
        this.work = this.work.then(() => this.runRound(spec, cfg)).catch((err) => {
          const e = asCohortError(err);
          this.log.error({ job: cfg.jobId, round: cfg.round, code: e.code, err: e.code === 'E_INTERNAL' ? e.cause : undefined }, 'round failed locally');
          this.send({ jobId: cfg.jobId, round: cfg.round, error: { code: e.code, message: e.code === 'E_INTERNAL' ? 'local training failed' : e.message } }, cfg.via);
        });
        return;
      }
      case 'roundResult':
        this.emit('roundResult', { jobId: env.jobId, round: env.round, metrics: env.roundResult?.metrics ? metricsFromWire(env.roundResult.metrics) : null });
        return;
      case 'jobEvent': {
        const kind = ['UNSPECIFIED', 'STARTED', 'COMPLETED', 'FAILED', 'CANCELLED'][env.jobEvent?.kind ?? 0] ?? 'UNSPECIFIED';
        this.log.info({ job: env.jobId, kind, reason: env.jobEvent?.reason }, 'job event');
        if (kind !== 'STARTED') this.jobs.delete(env.jobId);
        this.emit('jobEvent', { jobId: env.jobId, kind, reason: env.jobEvent?.reason ?? '' });
        return;
      }
      case 'error':
        this.log.warn({ job: env.jobId, round: env.round, code: env.error?.code }, `coordinator error: ${env.error?.message ?? ''}`);
        this.emit('coordinatorError', { jobId: env.jobId, code: env.error?.code ?? '', message: env.error?.message ?? '' });
        return;
      default:
        throw new CohortError('E_WIRE_UNEXPECTED', `"${env.body}" is not sent by a coordinator`);
    }
  }

  private onOffer(env: Envelope): void {
    let spec: JobSpec;
    try {
      spec = jobSpecFromWire(env.jobOffer?.spec);
      const d = this.opts.dataset;
      const same = spec.label === d.label && spec.features.length === d.features.length && spec.features.every((f, i) => f === d.features[i]);
      if (!same) throw new CohortError('E_JOB_FEATURES', `job needs features [${spec.features.join(', ')}] -> ${spec.label}; this dataset provides [${d.features.join(', ')}] -> ${d.label}`);
    } catch (err) {
      const e = asCohortError(err);
      this.log.info({ job: env.jobId, code: e.code }, `declining job: ${e.message}`);
      this.send({ jobId: env.jobId, declineJob: { code: e.code, reason: e.message } });
      this.emit('declined', { jobId: env.jobId, code: e.code, reason: e.message });
      return;
    }
    this.jobs.set(env.jobId, spec);
    this.log.info({ job: env.jobId, strategy: spec.strategy.name, rounds: spec.rounds }, 'joining job');
    this.send({ jobId: env.jobId, joinJob: {} });
    this.emit('joined', { jobId: env.jobId, spec });
  }

  private async runRound(spec: JobSpec, cfg: { jobId: string; round: number; train: boolean; seed: number; weights: Float32Array; via: WebSocket }): Promise<void> {
    if (cfg.via !== this.ws) return; // the connection that asked is gone, and so is its round
    const { tf } = await loadTf(this.log);
    const d = this.opts.dataset;
    const metrics = await evaluateModel(tf, spec.model, cfg.weights, d.test);
    this.send({ jobId: cfg.jobId, round: cfg.round, evaluation: { metrics: metricsToWire(metrics) } }, cfg.via);
    this.emit('round', { jobId: cfg.jobId, round: cfg.round, train: cfg.train, metrics });
    if (!cfg.train) return;
    const out = await trainLocal(tf, { spec: spec.model, local: spec.local, weights: cfg.weights, data: d.train, seed: cfg.seed });
    this.log.debug({ job: cfg.jobId, round: cfg.round, steps: out.steps, loss: out.loss }, 'local training done');
    this.send({ jobId: cfg.jobId, round: cfg.round, update: { delta: tensorOf(out.delta), numExamples: out.numExamples, trainLoss: out.loss, steps: out.steps } }, cfg.via);
  }
}
