/**
 * AttemptLog over its store (core/round/hospital-session.ts AttemptStore), as
 * the daemon keeps it in its state database: a restarted hospital is a new
 * machine with a new log over the same store, and it refuses what the old
 * one would have (a replayed attempt; without DP, any later attempt at a
 * round it helped unmask). The unmask mark is stored before the answer is
 * returned, so a store that cannot write it lets no answer out; a mark the
 * store cannot read refuses the round rather than opening it as fresh; and a
 * job's end leaves its mark (test/client/attempt-log-job-end.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { CohortError } from '../../../core/errors.ts';
import type { HospitalMachine } from '../../../core/round/hospital-machine.ts';
import {
  AttemptLog,
  MemoryAttempts,
  type AttemptMark,
  type AttemptStore,
} from '../../../core/round/hospital-session.ts';
import { NO_FACTS } from '../../../core/round/hospital-effects.ts';
import { LyingCoordinator } from '../secagg/adversary.ts';
import { machineFixture } from '../../helpers/hospital-machine.ts';

const { plain, machine: bareMachine, attempt, answer } = machineFixture('attempt-store');

/** Hospital h's machine (no budget: a job without DP is joined) over `attempts`, the job joined. */
function machine(attempts: AttemptLog): HospitalMachine {
  const m = bareMachine({ attempts });
  m.offer({ jobId: 'job', spec: plain, owner: null, endedHere: false, reservedHere: false });
  return m;
}

/** A store whose reads or writes fail as a damaged or full database would (E_STORE). */
class FailingStore extends MemoryAttempts {
  failGet = false;
  failPut: ((m: AttemptMark) => boolean) | null = null;
  override get(jobId: string): AttemptMark | null {
    if (this.failGet) throw new CohortError('E_STORE', 'damaged row');
    return super.get(jobId);
  }
  override put(jobId: string, m: AttemptMark): void {
    if (this.failPut?.(m)) throw new CohortError('E_STORE', 'disk full');
    super.put(jobId, m);
  }
}

describe('a restarted hospital (a new machine over the same attempt store)', () => {
  it('refuses the attempt it opened before, and an older one; opens the next', () => {
    const store: AttemptStore = new MemoryAttempts();
    expect(answer(machine(new AttemptLog(store)).round(attempt(1, 2), NO_FACTS))).toEqual(['opened']);
    const again = machine(new AttemptLog(store));
    expect(answer(again.round(attempt(1, 2), NO_FACTS))).toEqual(['error E_SECAGG_ATTEMPT']);
    expect(answer(again.round(attempt(1, 1), NO_FACTS))).toEqual(['error E_SECAGG_ATTEMPT']);
    expect(answer(again.round(attempt(1, 3), NO_FACTS))).toEqual(['opened']);
  });

  it('without DP, refuses any later attempt at a round it helped unmask (E_SECAGG_ATTEMPT)', () => {
    const store = new MemoryAttempts();
    const before = new AttemptLog(store);
    machine(before).round(attempt(1, 1), NO_FACTS);
    before.unmasking('job', 1);
    const again = machine(new AttemptLog(store));
    expect(answer(again.round(attempt(1, 2), NO_FACTS))).toEqual(['error E_SECAGG_ATTEMPT']);
    // The next round is another input: opened.
    expect(answer(again.round(attempt(2, 1), NO_FACTS))).toEqual(['opened']);
  });

  it('refuses the round when its mark cannot be read (never opens it as fresh)', () => {
    const store = new FailingStore();
    machine(new AttemptLog(store)).round(attempt(1, 1), NO_FACTS);
    store.failGet = true;
    expect(answer(machine(new AttemptLog(store)).round(attempt(1, 2), NO_FACTS))).toEqual(['error E_STORE']);
  });

  it('ends a job without deleting its mark (the mark only refuses more)', () => {
    const store = new FailingStore();
    const m = machine(new AttemptLog(store));
    m.round(attempt(1, 1), NO_FACTS);
    const fx = m.jobEvent('job', 'CANCELLED');
    expect(fx.map((e) => e.type)).toEqual(['end']);
    expect(store.get('job')).toEqual({ round: 1, attempt: 1, unmasked: false });
  });
});

describe('the unmask mark', () => {
  /** Five hospitals each over its own store; attempt 1 run to the unmask request. */
  function toUnmask(stores: Map<string, FailingStore>): LyingCoordinator {
    const sc = new LyingCoordinator({ n: 5 });
    const logs = (sc as unknown as { attempts: Map<string, AttemptLog> }).attempts;
    for (const name of sc.names) {
      stores.set(name, new FailingStore());
      logs.set(name, new AttemptLog(stores.get(name)));
    }
    sc.open();
    sc.runToSurvivors();
    return sc;
  }

  it('is stored before the answer is returned: a store that cannot write it lets no answer out', () => {
    const stores = new Map<string, FailingStore>();
    const sc = toUnmask(stores);
    stores.get('h00')!.failPut = (m) => m.unmasked;
    sc.unmask();
    expect(sc.unmasks.has('h00')).toBe(false);
    expect(sc.refused.get('h00')).toBe('E_STORE');
    for (const name of sc.names.slice(1)) {
      expect(sc.unmasks.has(name)).toBe(true);
      expect(stores.get(name)!.get('job')).toEqual({ round: 1, attempt: 1, unmasked: true });
    }
  });

  it('survives into the restarted hospital, whose later attempt at the round then needs a fresh input', () => {
    const stores = new Map<string, FailingStore>();
    const sc = toUnmask(stores);
    sc.unmask();
    // Restart: every hospital's log is a new one over its store.
    sc.nextSession();
    const logs = (sc as unknown as { attempts: Map<string, AttemptLog> }).attempts;
    for (const name of sc.names) logs.set(name, new AttemptLog(stores.get(name)));
    sc.open(() => sc.honestParams(2));
    // The adversary's spec has no DP: each refuses.
    expect([...sc.refused.values()]).toEqual(sc.names.map(() => 'E_SECAGG_ATTEMPT'));
  });
});
