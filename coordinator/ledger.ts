/**
 * The coordinator's side of the privacy ledger: the entries it writes for
 * job creation, each completed training round, refusals and job end, sealed
 * (core/ledger/) with its Ed25519 key, each followed by the signed checkpoint
 * of the ledger's Merkle tree (ledger-tree.ts), the cosignatures hospitals
 * send back as its witnesses, and their legacy per-spend receipts.
 * Entries are built inside the store transaction that commits what they
 * record (store.ts), so the ledger and the round table never disagree.
 */
import { createHash } from 'node:crypto';
import { CohortError } from '../core/errors.ts';
import type { JobSpec } from '../core/job/spec.ts';
import { roundMechanism } from '../core/job/privacy.ts';
import type { RoundRecord } from '../core/round/job.ts';
import { modelHash } from '../core/model/hash.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import type { Identity } from '../core/secagg/index.ts';
import { canonicalJson, roundSpends, sealEntry } from '../core/ledger/index.ts';
import { HospitalKeyFold } from '../core/ledger/grants.ts';
import type { EntryBody, EntryKind, LedgerEntry, RoundBody } from '../core/ledger/types.ts';
import type { EntryBuilder } from './ledger-tables.ts';
import { LedgerTree, type CosignatureClaim } from './ledger-tree.ts';
import type { LedgerProofReply } from '../core/ledger/proofs.ts';
import type { CoordinatorStore } from './store.ts';
import type { RosterVersion } from '../core/roster/index.ts';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export { modelHash };

/** The spec as plain JSON (no undefined fields), as hashed and recorded. */
function plainSpec(spec: JobSpec): unknown {
  return JSON.parse(JSON.stringify(spec));
}

/** The privacy a round entry restates (RoundBody's fields up to bits): none for a job without DP. */
type RoundPrivacy = Pick<
  RoundBody,
  'unit' | 'delta' | 'accountant' | 'clip' | 'noiseMultiplier' | 'samplingRate' | 'stepsPerRound'
>;

const NO_PRIVACY: RoundPrivacy = {
  unit: 'none',
  delta: 0,
  accountant: 'rdp',
  clip: null,
  noiseMultiplier: null,
  samplingRate: null,
  stepsPerRound: null,
};

/** A DP job's round restates its guarantee and the round's noise: DP-SGD's settings, or (the final evaluation) the counts'. */
function privacyOf(p: NonNullable<JobSpec['privacy']>, mechanism: Mechanism): RoundPrivacy {
  const { unit, delta, accountant, clip } = p;
  const noise =
    mechanism.kind === 'sampled-gaussian'
      ? { noiseMultiplier: mechanism.sigma, samplingRate: mechanism.q, stepsPerRound: mechanism.steps }
      : mechanism.kind === 'discrete-gaussian'
        ? { noiseMultiplier: mechanism.sigma, samplingRate: 1, stepsPerRound: mechanism.steps }
        : { noiseMultiplier: p.noiseMultiplier ?? null, samplingRate: null, stepsPerRound: null };
  return { unit, delta, accountant, clip, ...noise };
}

/** Entries read at a time while a job's running spend catches up with its ledger. */
const SPEND_PAGE = 1000;

/** A job's spend so far: each hospital's charged mechanisms, through the job's entry at `throughSeq`. */
interface RunningSpend {
  throughSeq: number;
  /** That entry's hash (empty before the first). */
  throughHash: string;
  byHospital: Map<string, readonly Mechanism[]>;
  /** Each hospital's ε in the job so far: its latest round entry's cumulative figure, by the bound charged. */
  epsilon: Map<string, number>;
}

/** One hospital's spend in one job as the coordinator's ledger records it (job status). */
export interface JobHospitalSpend {
  hospital: string;
  /** Round entries that charged it. */
  rounds: number;
  /** ε spent in the job so far, at the job's δ. */
  epsilon: number;
}

/**
 * Folds the job's next entries (in seq order) into its running spend. A
 * hospital's list is copied once per call and frozen, never pushed onto in
 * place: maps handed out earlier keep the lists they were given.
 */
function foldEntries(
  run: RunningSpend,
  entries: readonly { seq: number; hash: string; kind: EntryKind; body: EntryBody }[],
): void {
  const grown = new Map<string, Mechanism[]>();
  for (const e of entries) {
    run.throughSeq = e.seq;
    run.throughHash = e.hash;
    if (e.kind !== 'round') continue;
    for (const s of (e.body as RoundBody).spends) {
      let list = grown.get(s.hospital);
      if (!list) grown.set(s.hospital, (list = [...(run.byHospital.get(s.hospital) ?? [])]));
      list.push(Object.freeze({ ...s.mechanism }));
      run.epsilon.set(s.hospital, s.cumulativeEpsilon);
    }
  }
  for (const [hospital, list] of grown) run.byHospital.set(hospital, Object.freeze(list));
}

export class CoordinatorLedger {
  readonly publicKeyHex: string;
  private readonly tree: LedgerTree;

  /** Binds the database's ledger to this key, and opens it as a transparency log (converting an older database). */
  constructor(
    private readonly store: CoordinatorStore,
    private readonly identity: Identity,
    private readonly now: () => number,
  ) {
    this.publicKeyHex = Buffer.from(identity.publicKey).toString('hex');
    store.bindLedgerKey(this.publicKeyHex);
    this.tree = new LedgerTree(store, identity, now);
  }

  /** The `ledger.prove` reply (core/ledger/proofs.ts); E_LEDGER_PROOF for a request out of range. */
  prove(fromSize: number, seqs: readonly number[]): LedgerProofReply {
    return this.tree.prove(fromSize, seqs);
  }

  /**
   * Stores `hospital`'s cosignature of a checkpoint, checked under the
   * identity key the ledger records for it; E_LEDGER_CHECKPOINT (nothing
   * stored) if it has none, or for anything ledger-tree.ts refuses.
   */
  acceptCosignature(hospital: string, c: CosignatureClaim): void {
    const key = this.keyFold().keyOf(hospital);
    if (!key) throw new CohortError('E_LEDGER_CHECKPOINT', `the ledger records no identity key of ${hospital}`);
    this.tree.acceptCosignature(hospital, Buffer.from(key, 'hex'), c);
  }

  private builder(kind: EntryKind, jobId: string, round: number, body: EntryBody): EntryBuilder {
    return (seq, prevHash) => {
      const entry: LedgerEntry = { seq, at: this.now(), kind, jobId, round, body, prevHash };
      return sealEntry(entry, this.identity.secretKey);
    };
  }

  /**
   * `initialHash`: modelHash of the job's initial weights, computed where
   * they were drawn (core/job/prepare.ts, in a worker thread for a
   * researcher's job): hashing 40 MB here would hold the event loop.
   */
  jobCreated(jobId: string, spec: JobSpec, initialHash: string): EntryBuilder {
    const plain = plainSpec(spec);
    return this.builder('job-created', jobId, 0, {
      specHash: sha256Hex(canonicalJson(plain)),
      spec: plain,
      modelHash: initialHash,
    });
  }

  /** `finalHash`: modelHash of the weights the job ended with (the job-created one when no round was committed). */
  jobEnded(
    jobId: string,
    status: 'completed' | 'failed' | 'cancelled',
    reason: string,
    rounds: number,
    finalHash: string,
  ): EntryBuilder {
    // The job prices no more rounds: a long-lived coordinator does not keep every job's spend (rebuilt if ever read).
    this.spent.delete(jobId);
    return this.builder('job-ended', jobId, 0, { status, reason: reason.slice(0, 4096), rounds, modelHash: finalHash });
  }

  /**
   * Records the identity key a hospital presented, the first time it is seen
   * with it, as a role grant (enrolment will make this an explicit grant by
   * an admin). Compared with its latest grant, not with the key it is checked
   * against: a roster key overrides a grant (core/ledger/grants.ts), and a
   * grant compared with it would be written again at every connection.
   */
  recordHospitalKey(name: string, publicKey: Uint8Array): void {
    const hex = Buffer.from(publicKey).toString('hex');
    if (this.keyFold().granted.get(name) === hex) return;
    this.store.appendEntry(
      this.builder('role-grant', '', 0, { subject: name, role: 'hospital', granted: true, publicKey: hex }),
    );
  }

  /** The hospital keys folded from the ledger's entries of no job through `throughSeq` (whose hash is `throughHash`). */
  private keys: { throughSeq: number; throughHash: string; fold: HospitalKeyFold } | null = null;

  /**
   * The ledger's hospital keys, brought up to its present: the entries of no
   * job (grants and roster versions are among them) appended since the last
   * read are folded in, whoever wrote them (this process, or the admin CLI
   * on the same database), so a roster change or an enrolment counts from
   * the next cosignature on. Rebuilt if the last entry folded in is no longer
   * the one stored at its position (its transaction rolled back).
   */
  private keyFold(): HospitalKeyFold {
    let k = this.keys;
    if (k && k.throughSeq > 0 && this.store.ledgerEntry(k.throughSeq)?.hash !== k.throughHash) k = null;
    k ??= { throughSeq: 0, throughHash: '', fold: new HospitalKeyFold() };
    for (;;) {
      const tail = this.store.unscopedEntriesAfter(k.throughSeq, SPEND_PAGE);
      k.fold.add(tail);
      const last = tail.at(-1);
      if (last) Object.assign(k, { throughSeq: last.seq, throughHash: last.hash });
      if (tail.length < SPEND_PAGE) break;
    }
    this.keys = k;
    return k.fold;
  }

  /** Each hospital's key as the ledger records it now (hex): core/ledger/grants.ts hospitalKeysOf of the whole ledger. */
  hospitalKeys(): Map<string, string> {
    return this.keyFold().keys();
  }

  /** The entry recording an enrolment or a revocation. */
  grant(subject: string, role: string, granted: boolean, publicKeyHex: string): EntryBuilder {
    return this.builder('role-grant', '', 0, { subject, role, granted, publicKey: publicKeyHex });
  }

  /** The entry recording a roster version the coordinator adopted (core/roster/). */
  rosterVersion(version: RosterVersion, hash: string): EntryBuilder {
    return this.builder('roster', '', 0, {
      network: version.body.network,
      version: version.body.version,
      hash,
      roster: JSON.parse(JSON.stringify(version)),
    });
  }

  denial(jobId: string, subject: string, role: string, action: string, reason: string): EntryBuilder {
    return this.builder('access-denial', jobId.slice(0, 128), 0, {
      subject,
      role,
      action,
      reason: reason.slice(0, 1024),
    });
  }

  refusal(jobId: string, round: number, hospital: string, code: string, reason: string): EntryBuilder {
    return this.builder('budget-refusal', jobId, round, { hospital, code, reason });
  }

  /**
   * A training round (who is in the released sum) or a DP job's final
   * evaluation round (who released noisy counts): the mechanism applied to
   * each of them, and what it cost them.
   */
  round(jobId: string, spec: JobSpec, rec: RoundRecord): EntryBuilder {
    const dropped = new Set(rec.dropped);
    const survivors =
      rec.kind === 'train'
        ? rec.participants.filter((c) => !dropped.has(c))
        : rec.participants.filter((c) => c in rec.evaluations);
    return this.spendEntry(jobId, spec, rec.round, rec.participants, survivors, rec.weights);
  }

  /**
   * A failed hospital-level attempt whose noisy inputs reached the
   * coordinator: each of `charged` charged its budget as its input left, so
   * the attempt's spend is recorded for them (the model, unchanged, is `weights`).
   */
  failedAttempt(
    jobId: string,
    spec: JobSpec,
    round: number,
    charged: readonly string[],
    weights: Float32Array,
  ): EntryBuilder {
    return this.spendEntry(jobId, spec, round, charged, [...charged], weights);
  }

  private spendEntry(
    jobId: string,
    spec: JobSpec,
    round: number,
    participants: readonly string[],
    survivors: string[],
    weights: Float32Array,
  ): EntryBuilder {
    const p = spec.privacy;
    const base = {
      participants: [...participants],
      survivors,
      modelHash: modelHash(weights),
      bits: spec.secureAggregation.enabled ? spec.secureAggregation.bits : null,
    };
    if (!p) return this.builder('round', jobId, round, { ...NO_PRIVACY, spends: [], ...base });
    const mechanism = roundMechanism(spec, round);
    const privacy = privacyOf(p, mechanism);
    return (seq, prevHash) => {
      // Read inside the transaction: the job's earlier round entries are what each hospital has spent so far.
      const run = this.runningSpend(jobId);
      const spends = roundSpends({
        survivors,
        mechanism,
        prior: run.byHospital,
        delta: p.delta,
        accountant: p.accountant,
      });
      const body: RoundBody = { ...privacy, spends, ...base };
      const sealed = this.builder('round', jobId, round, body)(seq, prevHash);
      // Appended as it is built; should its transaction roll back, runningSpend finds it missing and rebuilds.
      foldEntries(run, [{ seq, hash: sealed.hash, kind: 'round', body }]);
      return sealed;
    };
  }

  /**
   * Each hospital's charged mechanisms in this job's round entries so far:
   * a fresh map over the job's running spend (frozen lists, shared), read in
   * time independent of the number of rounds.
   */
  priorMechanisms(jobId: string): Map<string, Mechanism[]> {
    // Frozen: a caller that pushed onto a list would corrupt the running spend; the type stays what callers expect.
    return new Map(this.runningSpend(jobId).byHospital) as Map<string, Mechanism[]>;
  }

  /**
   * Each hospital's rounds charged and ε spent in job `jobId`, by name, from
   * its round entries. A job whose spend is not kept (it ended) is read from
   * the ledger and not kept: a status request does not bring it back to memory.
   */
  hospitalSpend(jobId: string): JobHospitalSpend[] {
    const kept = this.spent.has(jobId);
    const run = this.runningSpend(jobId);
    if (!kept) this.spent.delete(jobId);
    return [...run.byHospital]
      .map(([hospital, list]) => ({ hospital, rounds: list.length, epsilon: run.epsilon.get(hospital) ?? 0 }))
      .sort((a, b) => (a.hospital < b.hospital ? -1 : a.hospital > b.hospital ? 1 : 0));
  }

  /** Running spend of each job seen since this process opened the ledger (dropped when the job's end is written). */
  private readonly spent = new Map<string, RunningSpend>();

  /**
   * The job's running spend, brought up to the ledger's present: seeded from
   * the job's entries at first use (a restarted coordinator, a resumed job),
   * then only the job's entries after the last one folded in are read. It is
   * kept only while that entry is still the one stored at its position: an
   * entry folded in by a builder whose transaction then rolled back (a failed
   * commit) is gone or replaced, so the spend is rebuilt from the ledger.
   * One check suffices: each entry's hash covers the chain before it.
   */
  private runningSpend(jobId: string): RunningSpend {
    let run = this.spent.get(jobId);
    if (run && run.throughSeq > 0 && this.store.ledgerEntry(run.throughSeq)?.hash !== run.throughHash) run = undefined;
    run ??= { throughSeq: 0, throughHash: '', byHospital: new Map(), epsilon: new Map() };
    for (;;) {
      const tail = this.store.ledgerEntriesAfter(run.throughSeq, jobId, SPEND_PAGE);
      foldEntries(
        run,
        tail.map((e) => {
          const { kind, body } = JSON.parse(e.canonical) as LedgerEntry;
          return { seq: e.seq, hash: e.hash, kind, body };
        }),
      );
      if (tail.length < SPEND_PAGE) break;
    }
    this.spent.set(jobId, run);
    return run;
  }
}
