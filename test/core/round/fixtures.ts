/**
 * The job specs and effect filters the JobMachine tests share: a one-feature
 * plaintext job (the machine's own logic, no secure stage) and a two-feature
 * job with secure aggregation, resolved for a network of a given size.
 */
import type { JobEffect } from '../../../core/round/job.ts';
import { parseJobSpec, type JobSpec, type JobSpecInput } from '../../../core/job/spec.ts';
import { resolveJob } from '../../../core/job/privacy.ts';

/** Plaintext rounds over one feature (weights: kernel [1, 1] + bias [1]); test/core/secagg drives the secure stage. */
export const plainJobInput = {
  name: 't',
  model: { inputDim: 1, layers: [{ units: 1, activation: 'sigmoid' }] },
  features: ['x'],
  label: 'y',
  rounds: 2,
  minClients: 2,
  targetClients: 3,
  roundTimeoutMs: 1000,
  joinWaitMs: 500,
  secureAggregation: { enabled: false },
} satisfies JobSpecInput;

/**
 * One round of secure aggregation over two features, three to four
 * hospitals, resolved (threshold, colluders assumed) for a network of
 * `networkSize` hospitals.
 */
export function secureJob(networkSize: number): JobSpec {
  return resolveJob(
    parseJobSpec({
      name: 's',
      model: { inputDim: 2, layers: [{ units: 1, activation: 'sigmoid' }] },
      features: ['a', 'b'],
      label: 'y',
      rounds: 1,
      minClients: 3,
      targetClients: 4,
      roundTimeoutMs: 1000,
      strategy: { name: 'fedavg' },
    }),
    networkSize,
  );
}

export const sends = (fx: JobEffect[]) => fx.filter((e) => e.type === 'send') as Extract<JobEffect, { type: 'send' }>[];

/** The effects of one type. */
export const of = <T extends JobEffect['type']>(fx: JobEffect[], t: T) =>
  fx.filter((e) => e.type === t) as Extract<JobEffect, { type: T }>[];
