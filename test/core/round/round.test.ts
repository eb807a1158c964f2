import { describe, it, expect } from 'vitest';
import { Round } from '../../../core/round/round.ts';
import { CohortError } from '../../../core/errors.ts';

const upd = (n = 10) => ({ delta: new Float32Array([1, 2]), numExamples: n, trainLoss: 0.5, steps: 1 });
const metrics = { numExamples: 4, numCorrect: 3, loss: 0.4, accuracy: 0.75, auc: 0.8 };

function errCode(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as CohortError).code;
  }
  return 'none';
}

describe('Round state machine', () => {
  it('completes as soon as every participant answered', () => {
    const r = new Round({ round: 1, kind: 'train', participants: ['a', 'b', 'c'], minClients: 2, deadline: 1000 });
    r.submitUpdate('a', upd());
    r.submitUpdate('b', upd());
    expect(r.status).toBe('open');
    r.submitUpdate('c', upd());
    expect(r.status).toBe('complete');
    expect(r.dropped.size).toBe(0);
  });

  it('drops a straggler at the deadline instead of waiting for it', () => {
    const r = new Round({ round: 1, kind: 'train', participants: ['a', 'b', 'c'], minClients: 2, deadline: 1000 });
    r.submitUpdate('a', upd());
    r.submitUpdate('c', upd());
    r.expire(999);
    expect(r.status).toBe('open');
    r.expire(1000);
    expect(r.status).toBe('complete');
    expect([...r.dropped]).toEqual(['b']);
    expect(errCode(() => r.submitUpdate('b', upd()))).toBe('E_ROUND_MISMATCH');
  });

  it('fails at the deadline below minClients', () => {
    const r = new Round({ round: 3, kind: 'train', participants: ['a', 'b', 'c'], minClients: 2, deadline: 1000 });
    r.submitUpdate('a', upd());
    r.expire(5000);
    expect(r.status).toBe('failed');
    expect(r.failure).toMatch(/deadline/);
  });

  it('completes early when the rest disconnected and enough answered', () => {
    const r = new Round({ round: 1, kind: 'train', participants: ['a', 'b', 'c'], minClients: 2, deadline: 1000 });
    r.submitUpdate('a', upd());
    r.submitUpdate('b', upd());
    r.drop('c');
    expect(r.status).toBe('complete');
    expect([...r.dropped]).toEqual(['c']);
  });

  it('fails early once too few participants remain to reach minClients', () => {
    const r = new Round({ round: 1, kind: 'train', participants: ['a', 'b', 'c'], minClients: 3, deadline: 1000 });
    r.submitUpdate('a', upd());
    r.drop('b');
    expect(r.status).toBe('failed');
  });

  it('keeps an answer from a client that disconnects after sending it', () => {
    const r = new Round({ round: 1, kind: 'train', participants: ['a', 'b'], minClients: 2, deadline: 1000 });
    r.submitUpdate('a', upd());
    r.drop('a');
    expect(r.dropped.size).toBe(0);
    r.submitUpdate('b', upd());
    expect(r.status).toBe('complete');
  });

  it('refuses non-participants, duplicates and bad counts with typed errors', () => {
    const r = new Round({ round: 1, kind: 'train', participants: ['a', 'b'], minClients: 1, deadline: 1000 });
    expect(errCode(() => r.submitUpdate('zed', upd()))).toBe('E_NOT_PARTICIPANT');
    r.submitUpdate('a', upd());
    expect(errCode(() => r.submitUpdate('a', upd()))).toBe('E_DUPLICATE_UPDATE');
    expect(errCode(() => r.submitUpdate('b', upd(0)))).toBe('E_UPDATE_RANGE');
    expect(errCode(() => r.submitUpdate('b', { ...upd(), trainLoss: Number.NaN }))).toBe('E_UPDATE_RANGE');
    expect(r.status).toBe('open');
    expect(r.updates.size).toBe(1);
  });

  it('evaluation rounds count evaluations, refuse updates', () => {
    const r = new Round({ round: 5, kind: 'evaluate', participants: ['a', 'b'], minClients: 1, deadline: 1000 });
    expect(errCode(() => r.submitUpdate('a', upd()))).toBe('E_WIRE_UNEXPECTED');
    r.submitEvaluation('a', metrics);
    expect(errCode(() => r.submitEvaluation('a', metrics))).toBe('E_DUPLICATE_UPDATE');
    r.submitEvaluation('b', metrics);
    expect(r.status).toBe('complete');
  });

  it('cannot start with fewer participants than minClients', () => {
    expect(errCode(() => new Round({ round: 1, kind: 'train', participants: ['a'], minClients: 2, deadline: 1 }))).toBe(
      'E_ROUND_FAILED',
    );
  });
});
