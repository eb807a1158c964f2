import type { RoundRecord } from '../../core/round/job.ts';

/**
 * A committed training round as the coordinator's store takes it: a model of
 * four weights, no server state, no evaluations unless `o` gives them,
 * completed at a fixed instant plus its round number.
 */
export function roundRecord(round: number, participants: readonly string[], o: Partial<RoundRecord> = {}): RoundRecord {
  return {
    round,
    kind: 'train',
    weights: new Float32Array(4),
    serverState: null,
    participants: [...participants],
    dropped: [],
    evaluations: {},
    pooled: null,
    trainLoss: null,
    phaseCounts: null,
    completedAt: 1_700_000_000_000 + round,
    ...o,
  };
}
