/**
 * A lying coordinator, written the way a malicious operator would modify the
 * coordinator: it runs one secure-aggregation session by hand, message by
 * message, and may show each hospital something different. Honest hospitals
 * run the real hospital code (core/round/hospital-session.ts: every offered
 * parameter checked against their own computation, peers' keys from their
 * roster, the graph seed agreed by commit-reveal, then SecAggClient).
 * Colluding hospitals run the bare protocol and hand the adversary every
 * secret they hold. `learn(victim)` then tries to recover one hospital's
 * input from everything the adversary collected, by the only route the
 * masking leaves: its self-mask seed b_v plus every pairwise mask secret.
 *
 * With `checks: false` the honest hospitals are bare SecAggClients that take
 * the offered session and the coordinator's word for peers' keys (the
 * HospitalSession checks skipped; the protocol machine is today's): the
 * control that shows an attack on those checks is real and that `learn`
 * recognises a recovered input.
 */
import { CohortError } from '../../../core/errors.ts';
import { parseJobSpec, type JobSpec, type JobSpecInput } from '../../../core/job/spec.ts';
import { resolveJob } from '../../../core/job/privacy.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import { AttemptLog, HospitalSession } from '../../../core/round/hospital-session.ts';
import { sessionParams } from '../../../core/round/session-params.ts';
import { SecAggClient, openSession, type Session, type SessionParams } from '../../../core/secagg/index.ts';
import { secureInput } from '../../../core/round/secure-input.ts';
import { sign, x25519Peer, x25519PublicKey, X25519Party, constantTimeEqual } from '../../../core/secagg/crypto.ts';
import { decodeShare, type Share } from '../../../core/secagg/shamir.ts';
import { reconstructVerified } from '../../../core/secagg/reed-solomon.ts';
import { addMaskInto } from '../../../core/secagg/prg.ts';
import { dequantizeSum } from '../../../core/secagg/quantize.ts';
import { quantParams } from '../../../core/secagg/input.ts';
import {
  SECRET_BYTES,
  neighboursOf,
  pairwiseMaskKey,
  pairwiseSign,
  seatGraph,
  selfMaskKey,
  survivorsTranscript,
  type Seeded,
} from '../../../core/secagg/session.ts';
import { agreeSeed, maskCommitment, type Commitment } from '../../../core/secagg/seed.ts';
import { simulatedNetwork, type SimulatedNetwork } from '../../../simulations/network.ts';
import type { cohort } from '../../../proto/generated/cohort.js';

type Advert = cohort.v1.SecAggAdvertise.$Properties;
type Keys = cohort.v1.SecAggKeys.$Properties;
type Relay = cohort.v1.SecAggShares.$Properties;
type Unmask = cohort.v1.SecAggUnmask.$Properties;

export const EXAMPLES = 10;
const LOSS = 0.5;

export interface ScenarioOptions {
  /** Hospitals in the network (all take part): h00, h01, … */
  n: number;
  colluders?: readonly string[];
  /** Honest hospitals run the hospital's checks (default), or are bare clients (the control). */
  checks?: boolean;
  /** Changes to the job spec before the coordinator resolves it for the network. */
  spec?: (s: JobSpecInput) => JobSpecInput;
}

interface Party {
  name: string;
  colluder: boolean;
  delta: Float32Array;
  hs: HospitalSession | null;
  raw: SecAggClient | null;
}

/** What a colluder's SecAggClient holds, read by the adversary it works for. */
interface Inside {
  secrets: { s: { secretKey: Uint8Array }; selfSeed: Uint8Array } | null;
  held: Map<string, { keyShare: Uint8Array; seedShare: Uint8Array }>;
}

export const hospitalNames = (n: number) => Array.from({ length: n }, (_, i) => `h${String(i).padStart(2, '0')}`);

export function baseSpec(n: number): JobSpecInput {
  return {
    name: 'attack',
    model: logisticRegression(2),
    features: ['a', 'b'],
    label: 'y',
    rounds: 3,
    minClients: Math.min(3, n),
    targetClients: n,
    roundTimeoutMs: 1000,
    strategy: { name: 'fedavg' },
  };
}

export class LyingCoordinator {
  readonly names: string[];
  readonly net: SimulatedNetwork;
  readonly spec: JobSpec;
  readonly colluders: Set<string>;
  /** The typed error each honest hospital refused with, and its message. */
  readonly refused = new Map<string, string>();
  readonly reasons = new Map<string, string>();
  readonly parties = new Map<string, Party>();
  session!: Session;
  seeded: Seeded | null = null;
  readonly adverts = new Map<string, Advert>();
  readonly masked = new Map<string, Uint32Array>();
  readonly unmasks = new Map<string, Unmask>();
  /** Each hospital's view of the survivor set, and the signatures it gave for it. */
  private readonly views = new Map<string, string[]>();
  private readonly signatures = new Map<string, Uint8Array>();
  /** What each honest hospital was sent in the relay: the sharers whose pairwise masks it added. */
  private readonly relayed = new Map<string, string[]>();
  private commitList: Commitment[] = [];
  private readonly reveals = new Map<string, Uint8Array>();
  private readonly shares = new Map<string, Relay>();
  private readonly checks: boolean;
  /** Each honest hospital's attempt log, kept across the sessions this coordinator opens (nextSession). */
  private readonly attempts = new Map<string, AttemptLog>();
  /** Shares the adversary obtained outside the protocol's reveals (e.g. decrypted from a victim that trusted substituted keys). */
  readonly stolen = new Map<string, { seed: Share[]; key: Share[] }>();

  constructor(o: ScenarioOptions) {
    this.names = hospitalNames(o.n);
    this.net = simulatedNetwork(this.names, 'attack');
    this.colluders = new Set(o.colluders ?? []);
    this.checks = o.checks ?? true;
    this.spec = resolveJob(parseJobSpec((o.spec ?? ((s) => s))(baseSpec(o.n))), o.n);
    this.names.forEach((name, i) =>
      this.parties.set(name, {
        name,
        colluder: this.colluders.has(name),
        delta: Float32Array.from([0.1 * (i + 1), -0.3, 0.02 * i]),
        hs: null,
        raw: null,
      }),
    );
  }

  /** The parameters an honest coordinator offers (core/round/session-params.ts). */
  honestParams(attempt = 1, participants: readonly string[] = this.names): SessionParams {
    return sessionParams(this.spec, {
      jobId: 'job',
      round: 1,
      attempt,
      participants,
      rosterHash: this.net.head.hashBytes,
      totalExamples: EXAMPLES * participants.length,
    });
  }

  get honest(): string[] {
    return this.names.filter((n) => !this.colluders.has(n));
  }

  /** Calls `fn` as hospital `to`; an honest hospital that throws refuses, and is out of the session. */
  private as<T>(to: string, fn: (p: Party) => T): T | undefined {
    if (this.refused.has(to)) return undefined;
    try {
      return fn(this.parties.get(to)!);
    } catch (e) {
      if (this.colluders.has(to) || !(e instanceof CohortError)) throw e;
      this.refused.set(to, e.code);
      this.reasons.set(to, e.message);
      return undefined;
    }
  }

  /**
   * Offers each hospital a session: `paramsFor(to)` (default: the honest
   * parameters); with `keysFor` the control's bare clients take these peer
   * keys instead of the roster's, as if the coordinator had sent them.
   */
  open(
    paramsFor: (to: string) => SessionParams = () => this.honestParams(),
    keysFor?: (to: string) => ReadonlyMap<string, Uint8Array>,
  ): void {
    const attempts = this.attempts;
    for (const name of this.names) {
      const offered = paramsFor(name);
      this.as(name, (p) => {
        if (p.colluder || !this.checks) {
          p.raw = new SecAggClient(
            openSession(offered),
            name,
            this.net.identity(name),
            keysFor?.(name) ?? this.net.head.members,
          );
          return;
        }
        if (!attempts.has(name)) attempts.set(name, new AttemptLog());
        const view = { name, roster: this.net.head, numTrain: EXAMPLES };
        p.hs = HospitalSession.open({
          spec: this.spec,
          offered: { ...offered, jobId: 'job', round: 1 },
          view,
          identity: this.net.identity(name),
          attempts: attempts.get(name)!,
        });
      });
    }
    // The adversary's own bookkeeping follows the honest session when what it offered is not even well formed.
    try {
      this.session = openSession(paramsFor(this.honest[0] ?? this.names[0]!));
    } catch {
      this.session = openSession(this.honestParams());
    }
  }

  /** Forgets the session (hospitals keep their attempt logs and refusals are cleared), to open another. */
  nextSession(): void {
    this.refused.clear();
    this.reasons.clear();
    for (const m of [
      this.adverts,
      this.masked,
      this.unmasks,
      this.views,
      this.signatures,
      this.relayed,
      this.reveals,
      this.shares,
      this.stolen,
    ])
      m.clear();
    for (const p of this.parties.values()) {
      p.hs = null;
      p.raw = null;
    }
    this.commitList = [];
    this.seeded = null;
  }

  /** The seed nonce a hospital revealed this session. */
  revealOf(name: string): Uint8Array | undefined {
    return this.reveals.get(name);
  }

  /** The consistency signatures collected this session (a copy). */
  consistencySignatures(): Map<string, Uint8Array> {
    return new Map(this.signatures);
  }

  /** Shows these signatures in the unmask requests instead of the ones collected (a replay). */
  replaySignatures(signatures: ReadonlyMap<string, Uint8Array>): void {
    this.signatures.clear();
    for (const [k, v] of signatures) this.signatures.set(k, v);
  }

  /** The shares message each hospital sent in ShareKeys (ciphertexts addressed to its neighbours). */
  sharesSentBy(name: string): Relay | undefined {
    return this.shares.get(name);
  }

  private client(p: Party): HospitalSession | SecAggClient {
    return p.hs ?? p.raw!;
  }

  advertise(): void {
    for (const name of this.names) this.as(name, (p) => this.adverts.set(name, this.client(p).advertise()));
  }

  /** Sends each hospital a commitment list (default: every advertiser's, in name order) and collects the reveals. */
  commit(listFor?: (to: string, all: Commitment[]) => Commitment[]): void {
    const all = [...this.adverts]
      .map(([name, a]) => ({ name, commit: a.seedCommit! }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    this.commitList = all;
    for (const name of this.adverts.keys()) {
      this.as(name, (p) => {
        const list = listFor ? listFor(name, all) : all;
        const r = this.client(p).onCommitments({ commitments: list.map((c) => ({ name: c.name, value: c.commit })) });
        this.reveals.set(name, r.nonce!);
      });
    }
  }

  /** Derives the seed as an honest coordinator would, then sends each hospital its neighbourhood's keys and every reveal. */
  keys(tamper?: (to: string, msg: Keys) => Keys): void {
    // The seed of everyone who revealed (those who refused the list did not).
    const revealed = this.commitList.filter((c) => this.reveals.has(c.name));
    this.seeded = seatGraph(this.session, agreeSeed(this.session, revealed, this.reveals));
    const reveals = revealed.map((c) => ({ name: c.name, value: this.reveals.get(c.name)! }));
    for (const name of this.reveals.keys()) {
      const clients = [name, ...neighboursOf(this.seeded, name)]
        .filter((v) => this.adverts.has(v))
        .map((v) => ({ name: v, ...this.adverts.get(v)! }));
      const msg = tamper ? tamper(name, { clients, reveals }) : { clients, reveals };
      this.as(name, (p) => this.shares.set(name, this.client(p).onKeys(msg)));
    }
  }

  /**
   * Relays the shares and collects the masked inputs (none from the `silent`
   * hospitals, as if they dropped); `withhold(to, from)` keeps `from`'s share
   * from `to`, which then adds no pairwise mask with it.
   */
  relayAndMask(silent: readonly string[] = [], withhold: (to: string, from: string) => boolean = () => false): void {
    for (const name of this.shares.keys()) {
      const shares = [...this.shares].flatMap(([from, m]) =>
        withhold(name, from)
          ? []
          : (m.shares ?? []).filter((e) => e.name === name).map((e) => ({ name: from, value: e.value })),
      );
      this.relayed.set(
        name,
        shares.map((s) => s.name),
      );
      this.as(name, (p) => {
        this.client(p).onShares({ shares });
        if (silent.includes(name)) return;
        const out = p.hs
          ? p.hs.maskInput(p.delta, EXAMPLES, LOSS)
          : p.raw!.maskInput(secureInput(this.spec).encode(p.raw!.session, p.raw!.seed, p.delta, EXAMPLES, LOSS));
        const b = out.masked!;
        this.masked.set(name, new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      });
    }
  }

  /**
   * Shows each hospital its survivor set (default: every hospital that sent
   * a masked input) and collects the consistency signatures; colluders sign
   * whatever set the adversary needs.
   */
  survivors(viewFor?: (to: string, sent: string[]) => string[]): void {
    const sent = [...this.masked.keys()].sort();
    for (const name of sent) {
      const view = viewFor ? viewFor(name, sent) : sent;
      this.views.set(name, view);
      this.as(name, (p) => this.signatures.set(name, this.client(p).onSurvivors({ survivors: view }).signature!));
    }
  }

  /**
   * Asks each hospital to unmask, with the best case for the adversary: every
   * signature that verifies for that hospital's own view (from its
   * neighbourhood, colluders signing any view).
   */
  unmask(): void {
    const seed = this.seeded!.seed;
    for (const [name, view] of this.views) {
      if (this.colluders.has(name)) continue; // it hands the adversary both shares of everything it holds instead
      const signatures = [name, ...neighboursOf(this.seeded!, name)].flatMap((v) => {
        if (this.colluders.has(v))
          return [
            { name: v, value: sign(this.net.identity(v).secretKey, survivorsTranscript(this.session, seed, view)) },
          ];
        const theirs = this.views.get(v);
        return theirs && theirs.join() === view.join() && this.signatures.has(v)
          ? [{ name: v, value: this.signatures.get(v)! }]
          : [];
      });
      this.as(name, (p) => this.unmasks.set(name, this.client(p).onUnmaskRequest({ signatures })));
    }
  }

  /** Runs every phase honestly (hooks aside) up to and including the survivors step. */
  runToSurvivors(o: { silent?: readonly string[]; viewFor?: (to: string, sent: string[]) => string[] } = {}): void {
    this.advertise();
    this.commit();
    this.keys();
    this.relayAndMask(o.silent);
    this.survivors(o.viewFor);
  }

  /** The victim's self-mask seed and mask key, if the shares the adversary holds rebuild what the victim committed to. */
  secretsOf(victim: string): { selfSeed: Uint8Array | null; maskKey: Uint8Array | null } {
    const s = this.session;
    const ad = this.adverts.get(victim)!;
    return {
      selfSeed: rebuild(this.sharesOf(victim, 'seed'), s.threshold, (x) =>
        constantTimeEqual(maskCommitment(s, victim, x), ad.maskCommit!),
      ),
      maskKey: rebuild(this.sharesOf(victim, 'key'), s.threshold, (k) =>
        constantTimeEqual(x25519PublicKey(k), ad.sPk!),
      ),
    };
  }

  /**
   * Everything the adversary can do to recover `victim`'s input: rebuild its
   * self-mask seed from the shares it was revealed plus its colluders'
   * holdings, then strip each pairwise mask the victim added, with the
   * victim's mask key, a colluding neighbour's, or a neighbour's whose key
   * was revealed (it was called dropped). `learned` is true iff the result
   * decodes to the victim's actual update.
   */
  learn(victim: string): { learned: boolean; seedShares: number; keyShares: number; why: string } {
    const s = this.session;
    const ad = this.adverts.get(victim);
    const seedShares = this.sharesOf(victim, 'seed');
    const keyShares = this.sharesOf(victim, 'key');
    const base = { learned: false, seedShares: seedShares.length, keyShares: keyShares.length };
    const y = this.masked.get(victim);
    if (!ad || !y || !this.seeded) return { ...base, why: 'the victim never sent a masked input' };
    const b = rebuild(seedShares, s.threshold, (x) => constantTimeEqual(maskCommitment(s, victim, x), ad.maskCommit!));
    if (!b) return { ...base, why: `${seedShares.length} shares of its self-mask seed; ${s.threshold} needed` };
    const x = Uint32Array.from(y);
    addMaskInto(x, selfMaskKey(s, b, victim), -1, s.bits);
    const sk = rebuild(keyShares, s.threshold, (k) => constantTimeEqual(x25519PublicKey(k), ad.sPk!));
    for (const u of this.relayed.get(victim) ?? this.sharersOf(victim)) {
      const theirs = sk
        ? null
        : this.colluders.has(u)
          ? this.inside(u).secrets!.s.secretKey
          : this.secretsOf(u).maskKey;
      const secret = sk
        ? { mine: sk, theirs: this.adverts.get(u)!.sPk! }
        : theirs
          ? { mine: theirs, theirs: ad.sPk! }
          : null;
      if (!secret)
        return {
          ...base,
          why: `its pairwise mask with ${u} is unknown (${keyShares.length} shares of its mask key, ${s.threshold} needed; ${u}'s key not revealed)`,
        };
      const agreed = new X25519Party(secret.mine).agree(x25519Peer(secret.theirs));
      addMaskInto(x, pairwiseMaskKey(s, agreed, victim, u), pairwiseSign(victim, u) === 1 ? -1 : 1, s.bits);
    }
    const decoded = dequantizeSum(x, quantParams(s));
    const w = EXAMPLES / s.totalExamples;
    const delta = this.parties.get(victim)!.delta;
    const close =
      [...delta].every((d, i) => Math.abs(decoded[i]! - w * d) < 1e-3) && Math.abs(decoded[delta.length]! - w) < 1e-3;
    return {
      ...base,
      learned: close,
      why: close ? 'recovered its update' : 'masks stripped but the result is not its update',
    };
  }

  private sharersOf(victim: string): string[] {
    return neighboursOf(this.seeded!, victim).filter((u) => this.shares.has(u));
  }

  private inside(colluder: string): Inside {
    const p = this.parties.get(colluder)!;
    return p.raw as unknown as Inside;
  }

  /** The victim's shares of one kind the adversary holds: revealed to it by honest hospitals, or held by a colluder (both kinds). */
  private sharesOf(victim: string, kind: 'seed' | 'key'): Share[] {
    const out: Share[] = [];
    for (const r of this.unmasks.values()) {
      for (const x of (kind === 'seed' ? r.selfMaskShares : r.keyShares) ?? [])
        if (x.name === victim) out.push(decodeShare(x.value!, SECRET_BYTES));
    }
    for (const c of this.colluders) {
      const pair = this.inside(c).held.get(victim);
      if (pair) out.push(decodeShare(kind === 'seed' ? pair.seedShare : pair.keyShare, SECRET_BYTES));
    }
    out.push(...(this.stolen.get(victim)?.[kind] ?? []));
    // One share per holder: the same x twice adds nothing.
    return out.filter((sh, i) => out.findIndex((o) => o.x === sh.x) === i);
  }
}

function rebuild(shares: Share[], t: number, opens: (secret: Uint8Array) => boolean): Uint8Array | null {
  if (shares.length < t) return null;
  try {
    return reconstructVerified(shares, t, SECRET_BYTES, opens).secret;
  } catch {
    return null;
  }
}
