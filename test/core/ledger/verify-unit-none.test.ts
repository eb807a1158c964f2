/**
 * A lying coordinator dropping a round's spend from the ledger by recording
 * that round as one without differential privacy (unit "none", no spends),
 * in a job whose recorded spec has a privacy guarantee, with every later
 * figure of the job recomputed over the shortened history and the chain
 * sealed again under its own key. The round entry is well formed on its own
 * (a no-DP job's rounds look like this), so only the job's recorded spec can
 * show that its round charges nothing although the spec applies a mechanism:
 * without that check the auditor's verification passes, and every hospital's
 * recorded cumulative ε is understated by that round. Likewise a training
 * round relabelled as a round past the job's last (charged the evaluation's
 * cheap release instead of DP-SGD's steps).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, sealEntry, verifyLedger, type VerifyInput } from '../../../core/ledger/index.ts';
import type { LedgerEntry, RoundBody, SealedEntry } from '../../../core/ledger/types.ts';
import { roundMechanism } from '../../../core/job/privacy.ts';
import { buildFixture, hospitalCopy, HOSPITALS, recordSpec, rewriteLedger, type Fixture } from './fixture.ts';

let f: Fixture;
beforeAll(() => {
  f = buildFixture();
}, 60_000);

/** `entries` verified under the coordinator's key with the hospitals' keys (and `more`). */
const verify = (entries: SealedEntry[], more: Partial<VerifyInput> = {}) =>
  verifyLedger({
    entries,
    coordinatorKey: f.coordinator.publicKey,
    receipts: [],
    hospitalKeys: f.hospitalKeys,
    ...more,
  });

/** The ledger re-sealed by the coordinator's key after `edit`, each spend recomputed (fixture.ts rewriteLedger). */
const rewrite = (edit: (e: LedgerEntry) => void) => rewriteLedger(f, f.coordinator.secretKey, edit);

describe('a DP round recorded as a round without DP', () => {
  it("is mechanism-mismatch at that round: the job's spec applies a mechanism it does not charge", () => {
    const target = f.rounds.record[9]!;
    const entries = rewrite((e) => {
      if (e.seq !== target) return;
      const b = e.body as RoundBody;
      Object.assign(b, { unit: 'none', delta: 0, accountant: 'rdp', clip: null, noiseMultiplier: null });
      Object.assign(b, { samplingRate: null, stepsPerRound: null, spends: [] });
    });
    const alone = verify(entries);
    expect(alone.ok).toBe(false);
    expect(alone.failures[0]).toMatchObject({ seq: target, code: 'mechanism-mismatch' });
    // The hospitals' copies, as the coordinator showed them, do not save it either way: the spec must.
    const audited = verify(entries, {
      hospitalLedgers: HOSPITALS.map((h) => ({
        hospital: h,
        entries: hospitalCopy({ ...f, entries }, h),
        receipts: [],
        charges: f.charges.get(h)!,
      })),
    });
    expect(audited.failures.map((x) => [x.seq, x.code])).toContainEqual([target, 'mechanism-mismatch']);
  }, 60_000);

  it('stays valid in a job whose recorded spec has no privacy guarantee (the honest no-DP round)', () => {
    const spec = JSON.parse(JSON.stringify(recordSpec())) as Record<string, unknown>;
    delete spec['privacy'];
    const entries = [...f.entries];
    const append = (kind: LedgerEntry['kind'], round: number, body: unknown) =>
      entries.push(
        sealEntry(
          {
            seq: entries.length + 1,
            at: 1_800_000_000_000,
            kind,
            jobId: 'job-plain',
            round,
            body,
            prevHash: entries.at(-1)!.hash,
          } as LedgerEntry,
          f.coordinator.secretKey,
        ),
      );
    append('job-created', 0, { specHash: entryHash(canonicalJson(spec)), spec, modelHash: 'a'.repeat(64) });
    const none = { unit: 'none', delta: 0, accountant: 'rdp', clip: null, noiseMultiplier: null, samplingRate: null };
    append('round', 1, {
      ...none,
      stepsPerRound: null,
      bits: null,
      participants: ['h1', 'h2'],
      survivors: ['h1', 'h2'],
      modelHash: 'b'.repeat(64),
      spends: [],
    });
    const r = verify(entries, { receipts: f.receipts });
    expect(r.failures).toEqual([]);
  }, 60_000);
});

describe("a training round relabelled past the job's last round", () => {
  it("is mechanism-mismatch: a DP job's rounds run to rounds + 1 (its evaluation), and no further", () => {
    const spec = recordSpec();
    const target = f.rounds.record[9]!;
    const evaluation = roundMechanism(spec, spec.rounds + 1);
    if (evaluation.kind !== 'discrete-gaussian') throw new Error('the fixture job releases its evaluation');
    // Charged as a second "evaluation" (round rounds + 10): the cheap counts' release instead of DP-SGD's steps.
    const entries = rewrite((e) => {
      if (e.seq !== target) return;
      e.round = spec.rounds + 10;
      const b = e.body as RoundBody;
      Object.assign(b, { samplingRate: 1, noiseMultiplier: evaluation.sigma, stepsPerRound: evaluation.steps });
      for (const s of b.spends) s.mechanism = evaluation;
    });
    const r = verify(entries);
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatchObject({ seq: target, code: 'mechanism-mismatch' });
  }, 60_000);
});
