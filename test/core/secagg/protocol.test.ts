import { describe, it, expect } from 'vitest';
import { drive, expectedSum, names, sameWords, type DropPhase } from './driver.ts';

describe('secure aggregation session (Bonawitz et al. 2017), in memory', () => {
  it('yields exactly the sum of all inputs when nobody drops', () => {
    const r = drive({ n: 6 });
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, names(6)))).toBe(true);
    expect(r.server.counts).toEqual({ advertise: 6, reveal: 6, share: 6, masked: 6, consistency: 6, unmask: 6 });
  });

  it('works in Z_2^k for k < 32', () => {
    const r = drive({ n: 5, bits: 20 });
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, names(5), 20))).toBe(true);
    expect(r.server.sum.every((w) => w < 2 ** 20)).toBe(true);
  });

  const phases: DropPhase[] = ['advertise', 'share', 'masked', 'consistency', 'unmask'];
  // A client lost between committing to the seed and revealing it fails the attempt: completing the seed
  // without its nonce would let the coordinator choose among subsets (core/secagg/seed.ts).
  it('fails the attempt, before any secret is shared, when a committed client does not reveal its seed nonce', () => {
    const all = names(6);
    const r = drive({ n: 6, drops: { reveal: [all[2]!] } });
    expect(r.server.phase).toBe('failed');
    expect(r.server.failure).toMatch(/did not reveal/);
    expect(r.received.some(({ msg }) => 'secaggShares' in msg)).toBe(false);
  });
  for (const phase of phases) {
    it(`tolerates clients that vanish in phase "${phase}"`, () => {
      const all = names(8);
      const gone = [all[1]!, all[6]!];
      const r = drive({ n: 8, threshold: 4, drops: { [phase]: gone } });
      expect(r.server.phase).toBe('done');
      // Inputs count if and only if they were sent: clients lost after masking are still in the sum.
      const inSum = phase === 'consistency' || phase === 'unmask' ? all : all.filter((c) => !gone.includes(c));
      expect([...r.server.survivors]).toEqual(inSum);
      expect(sameWords(r.server.sum, expectedSum(r.inputs, inSum))).toBe(true);
    });
  }

  it('tolerates dropouts in every phase at once in a SecAgg+ graph', () => {
    const all = names(30);
    const r = drive({
      n: 30,
      degree: 10,
      threshold: 5,
      drops: { advertise: [all[0]!], share: [all[7]!], masked: [all[12]!, all[13]!], unmask: [all[20]!] },
    });
    expect(r.server.phase).toBe('done');
    const inSum = all.filter((c) => ![all[0], all[7], all[12], all[13]].includes(c));
    expect(sameWords(r.server.sum, expectedSum(r.inputs, inSum))).toBe(true);
  });

  it('fails cleanly when fewer than t clients remain', () => {
    const all = names(6);
    const r = drive({ n: 6, threshold: 4, drops: { masked: [all[0]!, all[1]!, all[2]!] } });
    expect(r.server.phase).toBe('failed');
    expect(r.server.failure).toMatch(/threshold is 4/);
    expect(() => r.server.sum).toThrow();
  });

  it('never reveals both the self-mask seed and the mask key of one client', () => {
    const all = names(10);
    const r = drive({ n: 10, degree: 6, threshold: 3, drops: { masked: [all[2]!, all[5]!], unmask: [all[8]!] } });
    expect(r.server.phase).toBe('done');
    const seeds = new Set<string>();
    const keys = new Set<string>();
    for (const { msg } of r.received) {
      if (!('secaggUnmask' in msg)) continue;
      for (const s of msg.secaggUnmask.selfMaskShares ?? []) seeds.add(s.name!);
      for (const s of msg.secaggUnmask.keyShares ?? []) keys.add(s.name!);
    }
    expect([...keys].sort()).toEqual([all[2], all[5]]); // dropped after sharing: mask keys only
    for (const owner of seeds) expect(keys.has(owner)).toBe(false);
    expect(seeds.has(all[2]!)).toBe(false);
  });
});
