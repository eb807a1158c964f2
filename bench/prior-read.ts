/**
 * What obtaining each hospital's earlier mechanisms costs the coordinator at
 * a round of a long job (`CoordinatorLedger.priorMechanisms`, read when an
 * attempt starts and again at its commit): the running per-job spend,
 * against re-reading and parsing the job's whole ledger as before (issue
 * 17), at round EARLY and at round LATE of one job, in one run. The running
 * spend should cost the same at both (ratio ~1); the re-read grows with the
 * rounds, so a job's total grew with their square.
 *
 * The job's round entries are sealed here with made-up figures (ten
 * hospitals a round, record-level DP-SGD): pricing them is the accountant's
 * cost, measured above in commit-pricing.ts, not the read's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CoordinatorLedger } from '../coordinator/ledger.ts';
import { CoordinatorStore } from '../coordinator/store.ts';
import { sealEntry } from '../core/ledger/index.ts';
import type { LedgerEntry, RoundBody } from '../core/ledger/types.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import { ed25519KeyPair } from '../core/secagg/index.ts';
import { rereadJobMechanisms } from '../test/helpers/reread-ledger.ts';

export interface PriorReadResult {
  early: number;
  late: number;
  hospitals: number;
  /** Microseconds a read, running spend (current with the ledger), at round early and at round late. */
  runningEarlyUs: number;
  runningLateUs: number;
  /** Microseconds a read, the whole job's ledger re-read and parsed, at the same rounds. */
  rereadEarlyUs: number;
  rereadLateUs: number;
  runningRatio: number;
  rereadRatio: number;
}

const JOB = 'bench-job';
const MECHANISM = { kind: 'sampled-gaussian' as const, q: 0.01, sigma: 1.1, steps: 25 } satisfies Mechanism;

function roundBody(hospitals: string[]): RoundBody {
  return {
    unit: 'record',
    delta: 1e-5,
    accountant: 'pld',
    clip: 1,
    noiseMultiplier: MECHANISM.sigma,
    samplingRate: MECHANISM.q,
    stepsPerRound: MECHANISM.steps,
    bits: 32,
    participants: hospitals,
    survivors: hospitals,
    modelHash: 'ab'.repeat(32),
    spends: hospitals.map((hospital) => ({
      hospital,
      mechanism: { ...MECHANISM },
      epsilon: 0.1,
      rdpEpsilon: 0.1,
      pldEpsilon: 0.1,
      cumulativeEpsilon: 1,
      cumulativeRdpEpsilon: 1,
      cumulativePldEpsilon: 1,
      bound: 'pld',
    })),
  };
}

/** Microseconds a call: the best mean of five batches (the least disturbed by the rest of the machine). */
function timeUs(fn: () => unknown, calls: number): number {
  for (let i = 0; i < calls; i++) fn();
  let best = Infinity;
  for (let batch = 0; batch < 5; batch++) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((performance.now() - t) * 1000) / calls);
  }
  return best;
}

export function benchPriorRead(early = 10, late = 200, hospitals = 10): PriorReadResult {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-prior-'));
  const store = new CoordinatorStore(join(dir, 'c.db'));
  try {
    const identity = ed25519KeyPair();
    const ledger = new CoordinatorLedger(store, identity, Date.now);
    const names = Array.from({ length: hospitals }, (_, i) => `hospital-${i}`);
    const body = roundBody(names);
    let round = 0;
    const advanceTo = (r: number) => {
      for (; round < r;) {
        round++;
        store.appendEntry((seq, prevHash) => {
          const entry: LedgerEntry = { seq, at: Date.now(), kind: 'round', jobId: JOB, round, body, prevHash };
          return sealEntry(entry, identity.secretKey);
        });
      }
      ledger.priorMechanisms(JOB); // catches up with the entries appended here, as a commit's append would
    };
    const measure = () => ({
      running: timeUs(() => ledger.priorMechanisms(JOB), 2000),
      reread: timeUs(() => rereadJobMechanisms(store, JOB), Math.max(20, Math.round(2000 / round))),
    });
    advanceTo(early);
    const atEarly = measure();
    advanceTo(late);
    const atLate = measure();
    return {
      early,
      late,
      hospitals,
      runningEarlyUs: atEarly.running,
      runningLateUs: atLate.running,
      rereadEarlyUs: atEarly.reread,
      rereadLateUs: atLate.reread,
      runningRatio: atLate.running / atEarly.running,
      rereadRatio: atLate.reread / atEarly.reread,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatPriorRead(r: PriorReadResult): string[] {
  const us = (x: number) => `${x.toFixed(1)} µs`;
  return [
    `obtaining each hospital's earlier mechanisms (${r.hospitals} hospitals a round), at round ${r.early} and at round ${r.late}:`,
    `  running spend: ${us(r.runningEarlyUs)} and ${us(r.runningLateUs)}, ratio round ${r.late} / round ${r.early} = ${r.runningRatio.toFixed(2)}`,
    `  re-reading the job's ledger (before): ${us(r.rereadEarlyUs)} and ${us(r.rereadLateUs)}, ratio = ${r.rereadRatio.toFixed(2)}`,
    `  at round ${r.late}, re-read / running spend = ${(r.rereadLateUs / r.runningLateUs).toFixed(0)}`,
  ];
}
