/**
 * The roster document, format version 1: a network's hospitals and their
 * Ed25519 identity keys, as a chain of versions each signed by hospitals
 * (rules.ts says who must sign, and why). A roster file holds a RosterChain
 * as JSON; a verified chain's head is a Roster.
 */

/** The format tag every body carries; a new format gets a new tag (and domain, below). */
export const ROSTER_FORMAT = 'cohort-roster/v1';
/** First field of every signed message (core/secagg/canonical.ts encoding): a roster signature verifies nowhere else. */
export const ROSTER_DOMAIN = 'cohort/roster/v1';
/** Most members one version may list: far above any hospital network, and it bounds a version's verification. */
export const MAX_ROSTER_MEMBERS = 10_000;
/** Most versions one chain may hold. */
export const MAX_ROSTER_VERSIONS = 1000;
/**
 * Largest roster chain as compact JSON (characters): what the coordinator
 * sends in a Welcome or RosterUpdate and hospitals accept (edge/wire/codec.ts),
 * so the coordinator refuses to publish a longer one (coordinator/roster.ts).
 * A member takes ~110 characters and a signature ~170: about 40,000 signed
 * member entries, e.g. 20 versions of 2,000 members.
 */
export const MAX_ROSTER_JSON_CHARS = 12 * 1024 * 1024;
/**
 * Largest roster file an edge should read (bytes): a chain within
 * MAX_ROSTER_JSON_CHARS, pretty-printed, with room to spare; read the file
 * bounded, then parse.
 */
export const MAX_ROSTER_FILE_BYTES = 64 * 1024 * 1024;

export interface RosterMember {
  /** /^[A-Za-z0-9._-]{1,128}$/, the client-name rule of edge/wire/codec.ts. */
  name: string;
  /** Ed25519 public key, 64 lowercase hex digits. */
  key: string;
}

export interface RosterBody {
  format: typeof ROSTER_FORMAT;
  /** Same rule as a member name; never changes along a chain. */
  network: string;
  /** 1, 2, 3, … */
  version: number;
  /** null for version 1, else rosterHash of version - 1's body. */
  previous: string | null;
  /** Sorted by name (UTF-16 code units), names and keys unique, 1..MAX_ROSTER_MEMBERS. */
  members: RosterMember[];
}

export interface RosterSignature {
  name: string;
  /** Ed25519 signature of rosterSignedBytes(body), 128 lowercase hex digits. */
  signature: string;
}

export interface RosterVersion {
  body: RosterBody;
  /** Sorted by name, one per signer. */
  signatures: RosterSignature[];
}

/** What a roster file holds: versions in order, 1..MAX_ROSTER_VERSIONS. */
export interface RosterChain {
  versions: RosterVersion[];
}

/** A verified chain's head. */
export interface Roster {
  network: string;
  version: number;
  /** rosterHash of the head body (64 lowercase hex). */
  hash: string;
  /** The same hash, 32 bytes. */
  hashBytes: Uint8Array;
  /** name -> 32-byte Ed25519 public key, in name order. */
  members: ReadonlyMap<string, Uint8Array>;
  size: number;
}

/** An Ed25519 identity: the 32-byte RFC 8032 seed and its public key. */
export interface RosterIdentity {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** One version's signing state, as rosterStatus reports it. */
export interface RosterVersionStatus {
  version: number;
  hash: string;
  members: RosterMember[];
  /** Names that signed, in name order. */
  signers: string[];
  /** Names that must sign and have not (genesis: every member; later: added and re-keyed members). */
  required: string[];
  /** Every name that may still sign (required or a quorum vote), in name order. */
  unsigned: string[];
  /** Quorum signatures of the previous version's members; null for genesis. */
  quorum: { have: number; need: number } | null;
  complete: boolean;
}

export interface RosterStatus {
  versions: RosterVersionStatus[];
  /** The last version that is complete with every version before it; null if version 1 is not. */
  head: Roster | null;
  /** Why the chain does not verify (missing signatures), one line each; empty if it does. */
  problems: string[];
}
