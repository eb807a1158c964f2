/**
 * The previous secure-aggregation protocol, measured in the same run as the
 * current one: the baseline of "the added cost of the roster and seed
 * protocol" (issue 14). It is the code of BASELINE_COMMIT, not a model of it:
 * `git archive` extracts that commit's core/ and proto/ into
 * bench/.baseline-<commit>/ (gitignored; inside the repository so that its
 * package imports resolve to this checkout's node_modules), and the modules
 * are imported from there at run time.
 *
 * The harness is secagg.ts's less what that protocol did not have (the
 * commitments and reveals; the bench of the same commit drove it the same
 * way): the server is the real previous SecAggServer and does exactly its
 * work; the crowd signs with real identity keys and sends real Shamir shares;
 * one previous SecAggClient runs end to end on the server's own messages;
 * wall and CPU time are taken around the same calls. Differences
 * from the current protocol, and so what the ratio measures: no seed
 * commitments, reveals or mask commitments (the graph came from a seed in
 * the session parameters), identity keys sent in the key list rather than
 * taken from a roster, secrets rebuilt by plain Lagrange interpolation
 * (shamir.ts combine) with only the mask key checked. Both protocols run at
 * the same (k, t), the current parameter search's, so the ratio isolates the
 * protocol; what the previous search would have chosen is reported beside.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Case } from './secagg.ts';
import {
  decryptMeasuredShares,
  crowdMaskedInputs,
  crowdShares,
  crowdUnmask,
  openCrowd,
  warmMaskKernels,
  type Named,
} from './secagg-crowd.ts';
import { gc, names, roundHarness, type ProtocolTimes, type Times } from './secagg-harness.ts';

/** The last commit before issue 14 changed the protocol. */
export const BASELINE_COMMIT = '981549c';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(ROOT, 'bench', `.baseline-${BASELINE_COMMIT}`);
/** `git archive` of core/ and proto/ is about 1 MB; room to spare. */
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

/** The baseline cannot be obtained: the message says why and what to do, for the user, without a stack. */
export class BaselineUnavailable extends Error {}

type Bytes = Uint8Array;
interface KeyPair {
  publicKey: Bytes;
  secretKey: Bytes;
}
interface Share {
  x: number;
  y: Bytes;
}
interface OldSession {
  xOf: Map<string, number>;
}
/** Messages as the previous code takes and gives them: protobuf-shaped objects this harness only passes along or reads a few fields of. */
interface Body {
  [field: string]: unknown;
}
interface OldServer {
  receive(from: string, msg: Body): { out: { to: string; body: Body }[]; rejected: Error | null };
  drop(client: string): { to: string; body: Body }[];
  readonly phase: string;
  readonly failure: string;
}
interface OldClient {
  advertise(): { cPk?: Bytes; sPk?: Bytes; signature?: Bytes };
  onKeys(msg: unknown): { shares?: { peer?: string; ciphertext?: Bytes }[] };
  onShares(msg: unknown): void;
  maskInput(x: Uint32Array): Body;
  onSurvivors(msg: { survivors: string[] }): { signature?: Bytes };
  onUnmaskRequest(msg: unknown): Body;
}

/** The previous code's API, as far as the harness uses it (checked on load). */
export interface BaselineApi {
  commit: string;
  openSession(p: {
    jobId: string;
    round: number;
    bits: number;
    threshold: number;
    degree: number;
    clip: number;
    graphSeed: Bytes;
    participants: readonly string[];
    totalExamples: number;
    vectorLength: number;
  }): OldSession;
  SecAggServer: new (session: OldSession, identityKeys: ReadonlyMap<string, Bytes>) => OldServer;
  SecAggClient: new (session: OldSession, self: string, identity: KeyPair) => OldClient;
  chooseParams(o: { n: number; dropoutFraction: number; corruptFraction: number; fullGraphBelow?: number }): {
    k: number;
    t: number;
    full: boolean;
  };
  ed25519KeyPair(): KeyPair;
  x25519KeyPair(): KeyPair;
  x25519Agree(secretKey: Bytes, publicKey: Bytes): Bytes;
  sign(secretKey: Bytes, message: Bytes): Bytes;
  seal(key: Bytes, plaintext: Bytes, aad: Bytes): Bytes;
  open(key: Bytes, ciphertext: Bytes, aad: Bytes): Bytes;
  advertiseTranscript(s: OldSession, name: string, cPk: Bytes, sPk: Bytes): Bytes;
  survivorsTranscript(s: OldSession, survivors: readonly string[]): Bytes;
  neighboursOf(s: OldSession, name: string): readonly string[];
  shareAad(s: OldSession, from: string, to: string): Bytes;
  shareKey(s: OldSession, agreed: Bytes, from: string, to: string): Bytes;
  encodeSharePair(keyShare: Bytes, seedShare: Bytes): Bytes;
  decodeSharePair(bytes: Bytes): { keyShare: Bytes; seedShare: Bytes };
  split(secret: Bytes, t: number, xs: readonly number[]): Share[];
  encodeShare(s: Share): Bytes;
  addMaskInto(acc: Uint32Array, key: Bytes, sign: 1 | -1): void;
  SECRET_BYTES: number;
}

const MODULES = [
  'core/secagg/index.ts',
  'core/secagg/crypto.ts',
  'core/secagg/session.ts',
  'core/secagg/shamir.ts',
  'core/secagg/params.ts',
  'core/secagg/prg.ts',
];
const EXPORTS: (keyof BaselineApi)[] = [
  'openSession',
  'SecAggServer',
  'SecAggClient',
  'chooseParams',
  'ed25519KeyPair',
  'x25519KeyPair',
  'x25519Agree',
  'sign',
  'seal',
  'open',
  'advertiseTranscript',
  'survivorsTranscript',
  'neighboursOf',
  'shareAad',
  'shareKey',
  'encodeSharePair',
  'decodeSharePair',
  'split',
  'encodeShare',
  'addMaskInto',
  'SECRET_BYTES',
];

/** Extracts the baseline commit's core/ and proto/ (once; later runs reuse it) and imports its secure aggregation. */
export async function loadBaseline(): Promise<BaselineApi> {
  extract();
  const api: Record<string, unknown> = { commit: BASELINE_COMMIT };
  for (const m of MODULES) Object.assign(api, await import(pathToFileURL(join(DIR, m)).href));
  const missing = EXPORTS.filter((e) => api[e] === undefined);
  if (missing.length > 0)
    throw new BaselineUnavailable(`${DIR} does not export ${missing.join(', ')}: remove it and run again`);
  return api as unknown as BaselineApi;
}

function extract(): void {
  if (existsSync(join(DIR, MODULES[0]!))) return;
  const git = (args: string[]) =>
    execFileSync('git', ['-C', ROOT, ...args], { maxBuffer: MAX_ARCHIVE_BYTES, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git(['rev-parse', '--verify', '--quiet', `${BASELINE_COMMIT}^{commit}`]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BaselineUnavailable(
        'git is not installed: the previous protocol is measured from its commit, extracted with git archive',
      );
    throw new BaselineUnavailable(
      `commit ${BASELINE_COMMIT} (the previous protocol) is not in ${ROOT}: run the bench in a git clone that has it (git fetch --unshallow in a shallow clone)`,
    );
  }
  // Into a fresh directory renamed into place, so that an interrupted extraction is never taken for a whole one.
  const tmp = `${DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync('tar', ['-x', '-C', tmp], {
      input: git(['archive', '--format=tar', BASELINE_COMMIT, 'core', 'proto']),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    renameSync(tmp, DIR);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // Another run may have put its extraction in place first.
    if (existsSync(join(DIR, MODULES[0]!))) return;
    const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    throw new BaselineUnavailable(`could not extract ${BASELINE_COMMIT}'s core/ and proto/ into ${DIR}: ${why}`);
  }
}

/** One round of one case under the previous protocol: its server, its measured client, the crowd and their clocks. */
function openBaselineRound(api: BaselineApi, c: Case, p: { degree: number; threshold: number }) {
  const participants = names(c.n);
  const session = api.openSession({
    jobId: 'bench',
    round: 1,
    bits: 32,
    threshold: p.threshold,
    degree: p.degree,
    clip: 10,
    graphSeed: randomBytes(32),
    participants,
    totalExamples: 1_000_000,
    vectorLength: c.d,
  });
  const ids = new Map(participants.map((name) => [name, api.ed25519KeyPair()]));
  const keys = new Map(
    participants.map((name) => [
      name,
      { c: api.x25519KeyPair(), s: api.x25519KeyPair(), b: randomBytes(api.SECRET_BYTES) },
    ]),
  );
  const server = new api.SecAggServer(session, new Map([...ids].map(([name, k]) => [name, k.publicKey])));
  const measured = participants[0]!;
  const dropped = new Set(participants.slice(c.n - Math.round(c.dropout * c.n)));
  const harness = roundHarness(server, measured, 'bench baseline');
  const crowd = openCrowd({
    crypto: api,
    session,
    keys,
    measured,
    dropped,
    threshold: p.threshold,
    neighboursOf: (owner) => api.neighboursOf(session, owner),
  });
  return {
    api,
    c,
    session,
    participants,
    measured,
    ids,
    crowd,
    server,
    harness,
    fromServer: (kind: string) => harness.next(kind) as Body,
    client: new api.SecAggClient(session, measured, ids.get(measured)!),
    clientClock: harness.clientClock,
    timed: harness.timed,
  };
}
type BaselineRound = ReturnType<typeof openBaselineRound>;

/** Phase 0: advertise. */
function baselineAdvertise(r: BaselineRound): void {
  const { api, session, ids, measured, harness } = r;
  for (const name of r.participants) {
    const k = r.crowd.keys.get(name)!;
    if (name === measured) {
      const ad = r.timed(() => r.client.advertise());
      k.c = { publicKey: ad.cPk!, secretKey: new Uint8Array(32) };
      k.s = { publicKey: ad.sPk!, secretKey: new Uint8Array(32) };
      harness.toServer(name, { secaggAdvertise: ad });
      continue;
    }
    const signature = api.sign(
      ids.get(name)!.secretKey,
      api.advertiseTranscript(session, name, k.c.publicKey, k.s.publicKey),
    );
    harness.toServer(name, { secaggAdvertise: { cPk: k.c.publicKey, sPk: k.s.publicKey, signature } });
  }
}

/** The previous code's spelling of the crowd's list entries (Named): a share's `peer` and `ciphertext`, a revealed share's `owner` and `share`. */
const oldShares = (m: { shares: Named[] }) => ({
  shares: m.shares.map((e) => ({ peer: e.name, ciphertext: e.value })),
});
function oldUnmask({ secaggUnmask: u }: ReturnType<typeof crowdUnmask>): Body {
  const old = (list: Named[]) => list.map((e) => ({ owner: e.name, share: e.value }));
  return { secaggUnmask: { selfMaskShares: old(u.selfMaskShares), keyShares: old(u.keyShares) } };
}

/** Phase 1: shares; phase 2: masked inputs, the mask kernels warmed first as secagg.ts warms them. Returns the client's clock before masking. */
function baselineSharesAndMasks(r: BaselineRound): Times {
  const { crowd, measured, harness, c } = r;
  const measuredShares = r.timed(() => r.client.onKeys(r.fromServer('secaggKeys')));
  const ctLength = measuredShares.shares![0]!.ciphertext!.length;
  const sent = (measuredShares.shares ?? []).map((e) => ({ name: e.peer, value: e.ciphertext }));
  decryptMeasuredShares(crowd, sent);
  for (const name of r.participants)
    harness.toServer(
      name,
      name === measured
        ? { secaggShares: measuredShares }
        : { secaggShares: oldShares(crowdShares(crowd, name, ctLength)) },
    );
  r.timed(() => r.client.onShares(r.fromServer('secaggSharesRelay')));
  const clientSetup = r.clientClock.read();
  warmMaskKernels(r.api.addMaskInto, c.d);
  const masked = r.timed(() => r.client.maskInput(new Uint32Array(c.d).fill(7)));
  harness.toServer(measured, { secaggMaskedInput: masked });
  crowdMaskedInputs(r.participants, measured, crowd.dropped, harness, randomBytes(c.d * 4));
  return clientSetup;
}

/** Phase 3: consistency; phase 4: unmasking, timed on the server from the first frame to the sum: returns the server's clock at its start. */
function baselineFinish(r: BaselineRound): Times {
  const survivors = r.fromServer('secaggSurvivors').survivors as string[];
  const transcript = r.api.survivorsTranscript(r.session, survivors);
  for (const name of survivors) {
    const sig =
      name === r.measured
        ? r.timed(() => r.client.onSurvivors({ survivors }))
        : { signature: r.api.sign(r.ids.get(name)!.secretKey, transcript) };
    r.harness.toServer(name, { secaggConsistency: sig });
  }
  const measuredUnmask = r.timed(() => r.client.onUnmaskRequest(r.fromServer('secaggUnmaskRequest')));
  const unmaskStart = r.harness.clock.read();
  for (const w of survivors)
    r.harness.toServer(w, w === r.measured ? { secaggUnmask: measuredUnmask } : oldUnmask(crowdUnmask(r.crowd, w)));
  if (r.server.phase !== 'done')
    throw new Error(`bench baseline session ended in ${r.server.phase}: ${r.server.failure}`);
  return unmaskStart;
}

/**
 * One case of secagg.ts's runCase under the previous protocol, at the given
 * (k, t). Same crowd, same dropouts (after sharing keys), same timing: the
 * server's work is every receive and drop, the client's every call.
 */
export function runBaselineCase(api: BaselineApi, c: Case, p: { degree: number; threshold: number }): ProtocolTimes {
  gc();
  const r = openBaselineRound(api, c, p);
  baselineAdvertise(r);
  const clientSetup = baselineSharesAndMasks(r);
  const unmaskStart = baselineFinish(r);
  return r.harness.times(p, unmaskStart, clientSetup);
}
