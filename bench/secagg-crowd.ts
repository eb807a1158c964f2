/**
 * The crowd the secure-aggregation benches play around their one measured
 * client, for both protocols (secagg.ts: this code's; secagg-baseline.ts: the
 * previous commit's, through the same names): real Shamir shares of each
 * simulated client's secrets at its holders' x, random bytes of the right
 * length for the encrypted shares between simulated clients (the server can
 * neither read nor check them), genuine encrypted shares for the measured
 * client, and at unmasking the shares each survivor holds.
 */
import { randomBytes } from 'node:crypto';

type Bytes = Uint8Array;
/**
 * An entry of a session's per-participant lists as this code's messages
 * spell it (proto NamedBytes); secagg-baseline.ts respells it for the
 * previous code.
 */
export interface Named {
  name: string;
  value: Bytes;
}
interface KeyPair {
  publicKey: Bytes;
  secretKey: Bytes;
}

/** The share cryptography the crowd uses: core/secagg's, or the baseline's functions of the same names. */
export interface ShareCrypto<S> {
  x25519Agree(secretKey: Bytes, publicKey: Bytes): Bytes;
  shareKey(s: S, agreed: Bytes, from: string, to: string): Bytes;
  shareAad(s: S, from: string, to: string): Bytes;
  seal(key: Bytes, plaintext: Bytes, aad: Bytes): Bytes;
  open(key: Bytes, ciphertext: Bytes, aad: Bytes): Bytes;
  encodeSharePair(keyShare: Bytes, seedShare: Bytes): Bytes;
  decodeSharePair(bytes: Bytes): { keyShare: Bytes; seedShare: Bytes };
  split(secret: Bytes, t: number, xs: readonly number[]): { x: number; y: Bytes }[];
  encodeShare(s: { x: number; y: Bytes }): Bytes;
}

/** A simulated client's round secrets: its two key pairs and its self-mask seed b. */
export interface MemberKeys {
  c: KeyPair;
  s: KeyPair;
  b: Bytes;
}

export interface Crowd<S extends { xOf: Map<string, number> }> {
  crypto: ShareCrypto<S>;
  session: S;
  keys: Map<string, MemberKeys>;
  measured: string;
  /** Clients that drop after sharing keys, before the masked input: the expensive case for the server. */
  dropped: Set<string>;
  threshold: number;
  neighboursOf: (owner: string) => readonly string[];
  /** owner -> holder -> encoded share of the secret the server will ask of it. */
  secretShares: Map<string, Map<string, Bytes>>;
  /** holder -> the share of the measured client's seed it decrypted, to reveal at unmasking. */
  measuredSeedShares: Map<string, Bytes>;
}

export function openCrowd<S extends { xOf: Map<string, number> }>(
  o: Omit<Crowd<S>, 'secretShares' | 'measuredSeedShares'>,
): Crowd<S> {
  return { ...o, secretShares: new Map(), measuredSeedShares: new Map() };
}

const holdersOf = <S extends { xOf: Map<string, number> }>(crowd: Crowd<S>, owner: string) => [
  owner,
  ...crowd.neighboursOf(owner),
];

/** The measured client's neighbours decrypt the shares it sent them. */
export function decryptMeasuredShares<S extends { xOf: Map<string, number> }>(
  crowd: Crowd<S>,
  sent: readonly { name?: string | null; value?: Bytes | null }[],
): void {
  const { crypto, session, keys, measured } = crowd;
  for (const e of sent) {
    const v = e.name!;
    const key = crypto.shareKey(
      session,
      crypto.x25519Agree(keys.get(v)!.c.secretKey, keys.get(measured)!.c.publicKey),
      measured,
      v,
    );
    const pair = crypto.decodeSharePair(crypto.open(key, e.value!, crypto.shareAad(session, measured, v)));
    crowd.measuredSeedShares.set(v, pair.seedShare);
  }
}

/**
 * Simulated client `p`'s shares message: random bytes of `ctLength` to its
 * simulated neighbours, genuine shares to the measured client. Records the
 * shares of the secret the server will ask for.
 */
export function crowdShares<S extends { xOf: Map<string, number> }>(
  crowd: Crowd<S>,
  p: string,
  ctLength: number,
): { shares: Named[] } {
  const { crypto, session, keys, measured, dropped, threshold } = crowd;
  const k = keys.get(p)!;
  const holders = holdersOf(crowd, p);
  // Holder i's share is at holder i's x: the server accepts a revealed share only at its revealer's x.
  const xs = holders.map((h) => session.xOf.get(h)!);
  // The secret the server will ask for: the self-mask seed of a survivor (the committed b), the mask key of a dropped client.
  const gone = dropped.has(p);
  const shares = crypto.split(gone ? k.s.secretKey : k.b, threshold, xs);
  crowd.secretShares.set(p, new Map(holders.map((h, i) => [h, crypto.encodeShare(shares[i]!)])));
  const sent = crowd.neighboursOf(p).map((v) => {
    if (v !== measured) return { name: v, value: randomBytes(ctLength) };
    const other = crypto.split(gone ? k.b : k.s.secretKey, threshold, xs);
    const i = holders.indexOf(v);
    const seedShare = crypto.encodeShare(gone ? other[i]! : shares[i]!);
    const keyShare = crypto.encodeShare(gone ? shares[i]! : other[i]!);
    const key = crypto.shareKey(session, crypto.x25519Agree(k.c.secretKey, keys.get(v)!.c.publicKey), p, v);
    return {
      name: v,
      value: crypto.seal(key, crypto.encodeSharePair(keyShare, seedShare), crypto.shareAad(session, p, v)),
    };
  });
  return { shares: sent };
}

/** Every simulated client's masked input (random bytes: the server cannot check them), or its dropping out. */
export function crowdMaskedInputs(
  participants: readonly string[],
  measured: string,
  dropped: ReadonlySet<string>,
  server: { toServer(p: string, m: { secaggMaskedInput: { masked: Bytes } }): void; dropOut(p: string): void },
  noise: Bytes,
): void {
  for (const p of participants) {
    if (p === measured) continue;
    if (dropped.has(p)) server.dropOut(p);
    else server.toServer(p, { secaggMaskedInput: { masked: noise } });
  }
}

/** Survivor `w`'s unmasking message: the shares it holds, of survivors' seeds and of dropped clients' mask keys. */
export function crowdUnmask<S extends { xOf: Map<string, number> }>(crowd: Crowd<S>, w: string) {
  const selfMaskShares: Named[] = [];
  const keyShares: Named[] = [];
  for (const owner of holdersOf(crowd, w)) {
    const share = owner === crowd.measured ? crowd.measuredSeedShares.get(w) : crowd.secretShares.get(owner)?.get(w);
    if (share) (crowd.dropped.has(owner) ? keyShares : selfMaskShares).push({ name: owner, value: share });
  }
  return { secaggUnmask: { selfMaskShares, keyShares } };
}

/** A daemon runs warm: the mask kernels are exercised once before the masking is timed, as the floor's are. */
export function warmMaskKernels(addMaskInto: (acc: Uint32Array, key: Bytes, sign: 1 | -1) => void, d: number): void {
  const warm = new Uint32Array(d);
  addMaskInto(warm, randomBytes(32), 1);
  addMaskInto(warm, randomBytes(32), -1);
}
