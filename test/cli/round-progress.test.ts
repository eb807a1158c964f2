/** cli/round-progress.ts: a simulation's progress counts the training rounds --rounds asked for, then its final evaluation. */
import { describe, expect, it } from 'vitest';
import { progressLine, roundText } from '../../cli/round-progress.ts';

describe('roundText', () => {
  // The coordinator's total for --rounds 2 is 3: two training rounds and the final evaluation.
  it('counts training rounds out of --rounds, and names the last round the final evaluation', () => {
    expect([1, 2, 3].map((r) => roundText(r, 3))).toEqual(['round 1/2', 'round 2/2', 'final evaluation']);
  });

  it('a one-round job: round 1/1, then its final evaluation', () => {
    expect([1, 2].map((r) => roundText(r, 2))).toEqual(['round 1/1', 'final evaluation']);
  });
});

describe('progressLine', () => {
  it('says which model an evaluated round scored: the starting model of a training round, the final model last', () => {
    expect(progressLine('x', 1, 3)).toBe('x: round 1/2\n');
    expect(progressLine('x', 2, 3, 0.5)).toBe("x: round 2/2, pooled accuracy of the round's starting model 0.500\n");
    expect(progressLine('x', 3, 3, 0.75)).toBe('x: final evaluation, pooled accuracy of the final model 0.750\n');
  });

  it('under record-level DP the pooled accuracy is read off noisy counts, and says so', () => {
    expect(progressLine('x', 3, 3, 0.75, 'noisy counts')).toBe(
      'x: final evaluation, pooled accuracy (noisy counts) of the final model 0.750\n',
    );
  });
});
