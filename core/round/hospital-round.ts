/**
 * One round of one job at a hospital, as a stage machine that mirrors the
 * coordinator's (core/round/job.ts): the daemon feeds it what arrives and what
 * its effects gave (an evaluation, a budget's answer, a trained output) and
 * carries out the effects it returns. Stages:
 *
 *   evaluating -> charging (noisy counts) -> training | done
 *   charging (a training round) -> training -> done (plaintext update sent)
 *                                           -> advertised -> revealed -> shared
 *                                              [-> charging (hospital-level DP)]
 *                                              -> masked -> consistent -> done
 *
 * A message in the wrong stage is refused. Nothing is charged before the
 * round's parameters and inputs are checked, nothing is released before it
 * is charged, and a record-level DP round is trained (and charged) once: a
 * retry re-sends its kept output, unless this hospital answered an unmask
 * request at the round (its output may be in a sum then), when it trains and
 * is charged afresh (hospital-session.ts AttemptLog); that fresh output is
 * then the one re-sent, until this hospital answers another unmask request.
 */
import { CohortError, asCohortError } from '../errors.ts';
import { evaluates, type JobSpec } from '../job/spec.ts';
import { releasesEvaluation, roundMechanism, updateWeight } from '../job/privacy.ts';
import { noisyConfusion, type Confusion } from '../privacy/noisy-counts.ts';
import type { Mechanism } from '../privacy/spend.ts';
import type { HospitalSession } from './hospital-session.ts';
import {
  log,
  type BudgetAnswer,
  type EvaluationBody,
  type Evaluated,
  type HospitalBody,
  type HospitalEffect,
  type RoundFacts,
  type RoundInput,
  type SecAggIn,
  type TrainOutput,
} from './hospital-effects.ts';

/**
 * The secure stages, each named for what the hospital last sent and taking
 * one message of the coordinator: the secure-aggregation messages in order.
 */
const TAKEN_IN = {
  secaggCommitments: 'advertised',
  secaggKeys: 'revealed',
  secaggSharesRelay: 'shared',
  secaggSurvivors: 'masked',
  secaggUnmaskRequest: 'consistent',
} as const;

/** The round's stages (see the module comment): the plaintext ones, then the secure ones, then done. */
export type RoundStage = 'evaluating' | 'charging' | 'training' | (typeof TAKEN_IN)[keyof typeof TAKEN_IN] | 'done';

/** What the rounds of one hospital share: its budget settings, and what it trained and answered so far. */
export interface RoundContext {
  budgeted: boolean;
  keepsOutputs: boolean;
  evaluation: 'dp' | 'local';
  checkInputs?: (spec: JobSpec, weights: Float32Array) => void;
  /** Rounds trained or whose evaluation was released (job/round). */
  trained: Set<string>;
  /** What this hospital answered for each evaluated round (job/round): sent again, never recomputed. */
  evaluated: Map<string, EvaluationBody>;
}

/** Two mechanisms equal field for field (a stored one is parsed back from JSON, its keys in any order). */
export function sameMechanism(a: Mechanism | null, b: Mechanism | null): boolean {
  const canon = (m: Mechanism | null) =>
    m === null ? 'null' : JSON.stringify(Object.fromEntries(Object.entries(m).sort(([x], [y]) => (x < y ? -1 : 1))));
  return canon(a) === canon(b);
}

export class HospitalRound {
  private _stage: RoundStage = 'done';
  private charging: 'evaluation' | 'training' | 'input' | null = null;
  private counts: Confusion | null = null;
  private pendingMetrics: Evaluated['metrics'] | null = null;
  private out: TrainOutput | null = null;
  private keep = false;
  /** Trained afresh because this hospital helped unmask the round with its kept output (startTraining). */
  private afresh = false;

  constructor(
    readonly cfg: RoundInput,
    readonly spec: JobSpec,
    private readonly hs: HospitalSession | null,
    private readonly facts: RoundFacts,
    private readonly ctx: RoundContext,
  ) {}

  get stage(): RoundStage {
    return this._stage;
  }

  /** The round runs a secure-aggregation session. */
  get secure(): boolean {
    return this.hs !== null;
  }

  get key(): string {
    return `${this.cfg.jobId}/${this.cfg.round}`;
  }

  /** Starts the round: its evaluation (sent again if answered before), then its training. */
  start(): HospitalEffect[] {
    if (!evaluates(this.spec, this.cfg.round)) return this.startTraining();
    const sent = this.ctx.evaluated.get(this.key);
    if (!sent) {
      this._stage = 'evaluating';
      const { jobId, round, weights } = this.cfg;
      return [{ type: 'evaluate', jobId, round, spec: this.spec, weights }];
    }
    return [
      log(
        'info',
        this.fields(),
        'evaluation asked again: sending the same answer (nothing new is evaluated or released)',
      ),
      this.send({ evaluation: sent }),
      ...this.startTraining(),
    ];
  }

  /**
   * The evaluation of the round's starting model. What leaves depends on the
   * job and the policy: exact metrics without DP; in a record-level DP job
   * noisy counts charged first (policy evaluation "dp") or nothing ("local");
   * in a hospital-level job nothing. The exact figures stay here.
   */
  evaluated(r: Evaluated): HospitalEffect[] {
    this.expect('evaluating', 'an evaluation');
    const p = this.spec.privacy;
    const release = !p || (releasesEvaluation(this.spec) && this.ctx.evaluation === 'dp');
    if (!p) return this.answer(r, { metrics: r.metrics });
    if (!release) return this.answer(r, { withheld: true });
    if (this.facts.charged) {
      // Released before this process started, and the noisy counts were not kept: a second release would be a second draw.
      return [
        log('warn', this.fields(), 'evaluation already released before a restart: withheld this time'),
        ...this.answer(r, { withheld: true }),
      ];
    }
    this.counts = r.counts;
    this.pendingMetrics = r.metrics;
    return this.charge('evaluation');
  }

  /** The budget's answer to the charge this round asked for. */
  charged(a: BudgetAnswer): HospitalEffect[] {
    this.expect('charging', 'a budget answer');
    const purpose = this.charging!;
    this.charging = null;
    if (!a.allowed) return this.refusedCharge(purpose, a.reason);
    const ok = log(
      'info',
      { ...this.fields(), spentEpsilon: a.projected?.epsilon, bound: a.projected?.bound },
      'round charged to the privacy budget',
    );
    if (purpose === 'training') return [ok, ...this.train(this.keep)];
    if (purpose === 'input') return [ok, ...this.maskInput()];
    const noisy = noisyConfusion(this.counts!, this.spec.privacy!.evaluationNoise);
    this.ctx.trained.add(this.key);
    const metrics = this.pendingMetrics!;
    this.counts = this.pendingMetrics = null;
    return [ok, ...this.answer({ metrics, counts: noisy }, { noisy })];
  }

  /** The round's trained output (or the one kept from before a retry). */
  trained(out: TrainOutput): HospitalEffect[] {
    this.expect('training', 'a trained output');
    this.ctx.trained.add(this.key);
    // The daemon kept this fresh output before handing it here: the one that may be in an unmasked sum is gone.
    if (this.afresh) this.hs?.inputRenewed();
    const done = log('debug', { ...this.fields(), steps: out.steps, loss: out.loss }, 'local training done');
    if (!this.hs) {
      this._stage = 'done';
      const update = {
        delta: out.delta,
        numExamples: updateWeight(this.spec, out.numExamples),
        trainLoss: out.loss,
        steps: out.steps,
      };
      return [
        done,
        log('warn', this.fields(), 'secure aggregation is off for this job: sending a plaintext update'),
        this.send({ update }),
      ];
    }
    this.out = out;
    this._stage = 'advertised';
    return [done, this.send({ secaggAdvertise: this.hs.advertise() })];
  }

  /** Steps the round's secure-aggregation session; a failure abandons it (the coordinator drops this hospital). */
  secagg(msg: SecAggIn): HospitalEffect[] {
    const hs = this.hs!;
    try {
      const kind = Object.keys(msg)[0] as keyof typeof TAKEN_IN;
      if (this._stage !== TAKEN_IN[kind])
        throw new CohortError('E_WIRE_UNEXPECTED', `${kind} in stage ${this._stage}: out of order`);
      if ('secaggCommitments' in msg)
        return this.step('revealed', { secaggReveal: hs.onCommitments(msg.secaggCommitments) });
      if ('secaggKeys' in msg) return this.step('shared', { secaggShares: hs.onKeys(msg.secaggKeys) });
      if ('secaggSharesRelay' in msg) {
        hs.onShares(msg.secaggSharesRelay);
        // Hospital-level DP is charged as its noisy input leaves, once per attempt: its noise is fresh each time.
        return this.spec.privacy?.unit === 'hospital' ? this.charge('input') : this.maskInput();
      }
      if ('secaggSurvivors' in msg)
        return this.step('consistent', { secaggConsistency: hs.onSurvivors(msg.secaggSurvivors) });
      const unmask = hs.onUnmaskRequest(msg.secaggUnmaskRequest);
      return this.step('done', { secaggUnmask: unmask });
    } catch (err) {
      const e = asCohortError(err);
      this.forget();
      return [
        log('warn', { ...this.fields(), code: e.code }, `secure aggregation abandoned: ${e.message}`),
        this.send({ error: { code: e.code, message: e.message } }),
      ];
    }
  }

  /** Ends the round here: its session's secrets go. */
  forget(): void {
    this._stage = 'done';
    this.out = null;
    this.hs?.forget();
  }

  private startTraining(): HospitalEffect[] {
    if (!this.cfg.train) {
      this._stage = 'done';
      return [];
    }
    const { spec, facts, ctx } = this;
    const { round } = this.cfg;
    // An invalid job, or weights out of range, must not cost budget before they fail; and neither check reads a record.
    ctx.checkInputs?.(spec, this.cfg.weights);
    // Rounds only move forward: an older round than one already charged comes from a coordinator replaying
    // rounds or restored from a backup, and would be a new mechanism at every replay.
    const latest = ctx.budgeted && spec.privacy ? facts.latest : 0;
    if (round < latest) return this.older(latest);
    const keep = spec.privacy?.unit === 'record' && ctx.budgeted && ctx.keepsOutputs;
    const retried = keep && round === latest && sameMechanism(facts.charged, roundMechanism(spec, round));
    // After this hospital answered an unmask request at the round, its kept output may be in a sum: a second sum
    // over it would differ from the first by the hospitals left out, so the retry trains afresh and is charged.
    const afresh = retried && this.hs?.inputUnmasked === true;
    if (retried && !afresh) {
      if (facts.kept) {
        this._stage = 'training';
        return [
          log('info', this.fields(), "retried round: sending this round's DP output again (no new charge)"),
          ...this.trained(facts.kept),
        ];
      }
      // Charged, but no output from this start was kept: either none was ever made (so none left this
      // hospital: it is kept before it is sent, and only a later round's output replaces it, which
      // the check above rules out) or it was made from other weights: a new mechanism, charged.
      if (!facts.keptAny)
        return [
          log('info', this.fields(), 'retried round: charged before any output left; training it at no new charge'),
          ...this.train(true),
        ];
    }
    this.keep = keep;
    this.afresh = afresh;
    const said = afresh
      ? [
          log(
            'info',
            this.fields(),
            'retried round after this hospital helped unmask it: trained afresh, charged again',
          ),
        ]
      : [];
    // Hospital-level DP is charged when its noisy input leaves (secagg).
    if (spec.privacy?.unit !== 'hospital' && ctx.budgeted && spec.privacy) return [...said, ...this.charge('training')];
    return [...said, ...this.train(keep)];
  }

  private older(latest: number): HospitalEffect[] {
    this._stage = 'done';
    const reason = `round ${this.cfg.round} is older than round ${latest}, which this hospital already trained for this job: refused`;
    return [
      log('warn', { ...this.fields(), latest }, 'round older than one already trained: refused'),
      this.send({ error: { code: 'E_ROUND_MISMATCH', message: reason } }),
      { type: 'refused', jobId: this.cfg.jobId, round: this.cfg.round, reason },
    ];
  }

  private train(keep: boolean): HospitalEffect[] {
    this._stage = 'training';
    const { jobId, round, weights, seed } = this.cfg;
    return [{ type: 'train', jobId, round, spec: this.spec, weights, seed, keep }];
  }

  private charge(purpose: 'evaluation' | 'training' | 'input'): HospitalEffect[] {
    this._stage = 'charging';
    this.charging = purpose;
    const { jobId, round } = this.cfg;
    return [{ type: 'charge', jobId, round, mechanism: roundMechanism(this.spec, round) }];
  }

  private refusedCharge(purpose: 'evaluation' | 'training' | 'input', reason: string): HospitalEffect[] {
    const { jobId, round } = this.cfg;
    const out: HospitalEffect[] = [
      log('warn', { ...this.fields(), reason }, 'round refused by the privacy budget'),
      this.send({ error: { code: 'E_BUDGET_EXCEEDED', message: reason } }),
      { type: 'refused', jobId, round, reason },
    ];
    this.counts = this.pendingMetrics = null;
    if (purpose === 'input') this.forget();
    else this._stage = 'done';
    // A refused release of a round's evaluation leaves its training to the budget's own check.
    return purpose === 'evaluation' ? [...out, ...this.startTraining()] : out;
  }

  private maskInput(): HospitalEffect[] {
    const out = this.out!;
    this.out = null;
    const masked = this.hs!.maskInput(out.delta, updateWeight(this.spec, out.numExamples), out.loss);
    return this.step('masked', { secaggMaskedInput: masked });
  }

  private answer(r: Evaluated, body: EvaluationBody): HospitalEffect[] {
    this.ctx.evaluated.set(this.key, body);
    const sent = 'metrics' in body ? 'exact' : 'noisy' in body ? 'noisy counts' : 'nothing';
    const { jobId, round, train } = this.cfg;
    return [
      { type: 'evaluated', jobId, round, train, metrics: r.metrics, sent },
      this.send({ evaluation: body }),
      ...this.startTraining(),
    ];
  }

  private step(next: RoundStage, body: HospitalBody): HospitalEffect[] {
    if (next === 'done') this.forget();
    this._stage = next;
    return [this.send(body)];
  }

  private send(body: HospitalBody): HospitalEffect {
    return { type: 'send', jobId: this.cfg.jobId, round: this.cfg.round, link: this.cfg.link, body };
  }

  private expect(stage: RoundStage, what: string): void {
    if (this._stage !== stage)
      throw new CohortError(
        'E_ROUND_MISMATCH',
        `${what} for job ${this.cfg.jobId} round ${this.cfg.round} in stage ${this._stage}`,
      );
  }

  private fields(): Record<string, unknown> {
    return { job: this.cfg.jobId, round: this.cfg.round };
  }
}
