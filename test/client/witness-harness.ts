/**
 * A coordinator's ledger as a test plays it, built from the real core pieces
 * (the fixture's sealed entries, MerkleTree, signCheckpoint, proveReply), and
 * the real LedgerSync of hospital h1 driven by it frame by frame through the
 * wire codec: for tests of what a witness cosigns and what it refuses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { LedgerSync } from '../../client/ledger-sync.ts';
import { LocalLedger } from '../../client/local-ledger.ts';
import type { WitnessEvent } from '../../client/witness.ts';
import { logOrigin, signCheckpoint } from '../../core/ledger/checkpoint.ts';
import { roundSpends, sealEntry } from '../../core/ledger/index.ts';
import { MerkleTree, leafHash } from '../../core/ledger/merkle.ts';
import { proveReply, type LedgerProofReply } from '../../core/ledger/proofs.ts';
import type { LedgerEntry, SealedEntry } from '../../core/ledger/types.ts';
import type { Mechanism } from '../../core/privacy/spend.ts';
import { createLogger } from '../../edge/log.ts';
import { COORDINATOR_SENDER, decodeEnvelope, encodeEnvelope, type Envelope } from '../../edge/wire/codec.ts';
import {
  buildFixture,
  grantHospitals,
  hospitalCopy,
  hospitalSpec,
  ledgerChain,
  roundBody,
  type Fixture,
  type Identity,
} from '../core/ledger/fixture.ts';
import { roundMechanism } from '../../core/job/privacy.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';

export const ME = 'h1';
/** The clock of the hospital's cosignatures: 2023-11-14T22:13:20Z. */
export const NOW_MS = 1_700_000_000_000;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What a coordinator shows: its entries, the tree over them, its checkpoints, and the proofs it answers with. */
export interface View {
  entries: SealedEntry[];
  tree: MerkleTree;
  /** The checkpoint of the tree at `size` (default: all of it), signed by `key`. */
  note(size?: number): string;
  /** The answer to ledger.prove; a lying view overrides it. */
  prove(fromSize: number, seqs: readonly number[]): LedgerProofReply;
}

/** What a coordinator showing `v` answers a hospital's ledger.read (its own scope, in one page) or ledger.prove with. */
export function ledgerAnswer(v: View, coordinatorKey: Uint8Array, r: NonNullable<Envelope['request']>): unknown {
  return r.action === 'ledger.read'
    ? {
        coordinatorKey: hex(coordinatorKey),
        scope: 'own',
        entries: v.entries.filter((e) => e.seq > (r.afterSeq ?? 0)),
        receipts: [],
        more: false,
        lastSeq: v.entries.length,
      }
    : v.prove(r.fromSize ?? 0, r.seqs ?? []);
}

/** The ledger fixture the witness tests share, and the seqs of the entries recording ME's spend. */
export function witnessFixture(): { f: Fixture; own: number[] } {
  const f = buildFixture();
  return { f, own: hospitalCopy(f, ME).map((e) => e.seq) };
}

/** The coordinator's honest ledger of `f` up to `size` entries. */
export function honestView(f: Fixture, size = f.entries.length): View {
  return view(f.entries.slice(0, size), f.coordinator);
}

export function view(entries: SealedEntry[], key: Identity, prove?: View['prove']): View {
  const tree = MerkleTree.fromLeafHashes(entries.map((e) => leafHash(e.canonical)));
  const note = (size = tree.size) =>
    signCheckpoint({ origin: logOrigin(key.publicKey), size, root: tree.root(size) }, key.secretKey, key.publicKey);
  return {
    entries,
    tree,
    note,
    prove: prove ?? ((fromSize, seqs) => proveReply(tree, note(), hex(key.publicKey), fromSize, seqs)),
  };
}

/** `entries` with the one at `seq` replaced by another entry the same key seals at that position (`change` edits it). */
export function swapped(
  entries: readonly SealedEntry[],
  seq: number,
  key: Identity,
  change: (e: LedgerEntry) => LedgerEntry,
): SealedEntry[] {
  const out = [...entries];
  const entry = JSON.parse(out[seq - 1]!.canonical) as LedgerEntry;
  out[seq - 1] = sealEntry(change(entry), key.secretKey);
  return out;
}

export interface Witnessing {
  sync: LedgerSync;
  ledger: LocalLedger;
  /** Every frame the hospital sent, decoded as the coordinator reads it. */
  sent: Envelope[];
  events: WitnessEvent[];
  /** The hospital's log lines at warn and above. */
  logs: { level: number; code?: string; msg: string }[];
  /** Connects: the Welcome with the fixture's ledger key, then serves every request from `v` until none is left. */
  connect(v: View): void;
  /** A round result announced an entry: a catch-up, served from `v`. */
  announce(v: View): void;
  /** Answers the requests of `actions` sent and not yet answered (and those they lead to) from `v`. */
  serve(v: View, actions?: string[]): void;
  /** The cosignatures the hospital sent. */
  cosignatures(): NonNullable<Envelope['ledgerCosignature']>[];
  /** The latest request of `action` the hospital sent. */
  lastRequest(action: string): NonNullable<Envelope['request']>;
  /** Delivers a frame from the coordinator to the sync, as the daemon routes it. */
  deliver(env: Parameters<typeof encodeEnvelope>[0]): void;
}

let frameSeq = 0;
const coordinatorFrame = (env: Omit<Parameters<typeof encodeEnvelope>[0], 'sender' | 'seq'>): Envelope =>
  decodeEnvelope(encodeEnvelope({ ...env, sender: COORDINATOR_SENDER, seq: ++frameSeq }));

/**
 * Hospital h1's real LedgerSync over a fresh state database, charging what
 * the fixture says h1 charged (`charged` overrides it, to make it disagree).
 */
export function witnessing(
  f: Fixture,
  o: { charged?: (jobId: string, round: number) => Mechanism | null; path?: string } = {},
): Witnessing {
  const path = o.path ?? join(mkdtempSync(join(tmpdir(), 'cohort-witness-')), 'state.db');
  const ledger = new LocalLedger(path);
  const sent: Envelope[] = [];
  const events: WitnessEvent[] = [];
  const logs: Witnessing['logs'] = [];
  const destination = new Writable({
    write: (line: Buffer, _enc, done) => {
      logs.push(JSON.parse(line.toString()) as Witnessing['logs'][number]);
      done();
    },
  });
  const log = createLogger({ level: 'warn', destination });
  const charges = f.charges.get(ME)!;
  const fromFixture = (jobId: string, round: number) =>
    charges.find((c) => c.jobId === jobId && c.round === round)?.mechanism ?? null;
  let seq = 0;
  const sync = new LedgerSync(ledger, {
    name: ME,
    identity: f.hospitals.get(ME)!,
    log,
    send: (env) => void sent.push(decodeEnvelope(encodeEnvelope({ ...env, sender: ME, seq: ++seq }))),
    charged: o.charged ?? fromFixture,
    checkable: () => true,
    onEntry: () => undefined,
    onWitness: (e) => events.push(e),
    now: () => NOW_MS,
  });
  /** Ids of the requests answered (by a reply or an Error frame naming them). */
  const answered = new Set<number>();
  const deliver = (env: Parameters<typeof encodeEnvelope>[0]) => {
    const frame = coordinatorFrame(env);
    if (frame.body === 'reply') {
      answered.add(frame.reply?.id ?? 0);
      sync.reply(frame);
    } else if (frame.body === 'error') {
      answered.add(Number(/^request (\d+):/.exec(frame.error?.message ?? '')?.[1]));
      sync.refused(frame);
    }
  };
  const serve = (v: View, actions = ['ledger.read', 'ledger.prove']) => {
    for (let i = 0; i < sent.length; i++) {
      const r = sent[i]!.request;
      if (!r || answered.has(r.id ?? 0) || !actions.includes(r.action ?? '')) continue;
      deliver({ reply: { id: r.id, json: JSON.stringify(ledgerAnswer(v, f.coordinator.publicKey, r)) } });
    }
  };
  return {
    sync,
    ledger,
    sent,
    events,
    logs,
    connect: (v) => {
      sync.welcome(f.coordinator.publicKey);
      serve(v);
    },
    announce: (v) => {
      sync.entryAnnounced();
      serve(v);
    },
    serve,
    cosignatures: () => sent.filter((e) => e.body === 'ledgerCosignature').map((e) => e.ledgerCosignature!),
    lastRequest: (action) => sent.filter((e) => e.request?.action === action).at(-1)!.request!,
    deliver,
  };
}

/**
 * A ledger of `rounds` round entries recording h1's spend alone, after its
 * grant: a hospital-level job (its distributed discrete Gaussian composes in
 * closed form, so hundreds of rounds account quickly).
 */
export function ownLedger(f: Fixture, rounds: number): { big: Fixture; entries: SealedEntry[]; mechanism: Mechanism } {
  const coordinator = ed25519KeyPair();
  const hospitals = new Map<string, Identity>([[ME, ed25519KeyPair()]]);
  const { entries, append } = ledgerChain(coordinator.secretKey, 1000);
  grantHospitals(append, hospitals);
  const spec = hospitalSpec();
  const mechanism = roundMechanism(spec);
  const prior = new Map<string, Mechanism[]>();
  const charges: Fixture['charges'] = new Map([[ME, []]]);
  for (let round = 1; round <= rounds; round++) {
    const { delta, accountant } = spec.privacy!;
    const spends = roundSpends({ survivors: [ME], mechanism, prior, delta, accountant });
    prior.set(ME, [...(prior.get(ME) ?? []), mechanism]);
    append(
      'round',
      'job-many',
      round,
      roundBody(spec, { participants: [ME], survivors: [ME], modelHash: 'ab'.repeat(32), spends }),
    );
    charges.get(ME)!.push({ jobId: 'job-many', round, mechanism });
  }
  return { big: { ...f, coordinator, hospitals, charges, entries }, entries, mechanism };
}
