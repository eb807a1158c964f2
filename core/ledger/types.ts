/**
 * The privacy ledger's data model: an append-only chain of entries, each
 * SHA-256-linked to the previous one and signed by the coordinator, with
 * receipts signed by the hospitals whose spend an entry records. Everything
 * an auditor needs to recompute an entry's figures is in the entry itself.
 */
import type { AccountantName, Mechanism } from '../privacy/spend.ts';

export type EntryKind =
  'job-created' | 'round' | 'job-ended' | 'budget-refusal' | 'role-grant' | 'access-denial' | 'roster';

/** What one hospital spent in one round entry, and in the job so far, at the job's δ. */
export interface HospitalSpend {
  hospital: string;
  /** The mechanism as applied to this hospital's records in this round. */
  mechanism: Mechanism;
  /** ε of this round alone, by the charged bound, its RDP and PLD values (PLD null where it has none). */
  epsilon: number;
  rdpEpsilon: number;
  pldEpsilon: number | null;
  /** ε of every round of this job this hospital was charged for, up to and including this one. */
  cumulativeEpsilon: number;
  cumulativeRdpEpsilon: number;
  cumulativePldEpsilon: number | null;
  /** Bound charged: the job's accountant, or rdp where PLD is not available. */
  bound: AccountantName;
}

export interface JobCreatedBody {
  /** SHA-256 (hex) of the canonical JSON of the resolved job spec. */
  specHash: string;
  /** The resolved spec itself (canonical JSON object), so the entry stands alone. */
  spec: unknown;
  /** SHA-256 (hex) of the initial weights (little-endian float32 bytes). */
  modelHash: string;
}

export interface RoundBody {
  unit: 'record' | 'hospital' | 'none';
  /** δ every ε in this entry is stated at. */
  delta: number;
  accountant: AccountantName;
  /** DP parameters as applied (null without DP). */
  clip: number | null;
  noiseMultiplier: number | null;
  samplingRate: number | null;
  stepsPerRound: number | null;
  /** Secure aggregation: ring bits (null for plaintext updates). */
  bits: number | null;
  participants: string[];
  /** Hospitals whose updates are in the released sum. */
  survivors: string[];
  /** SHA-256 (hex) of the aggregated model after this round. */
  modelHash: string;
  /** One per survivor (empty without DP). */
  spends: HospitalSpend[];
}

export interface JobEndedBody {
  status: 'completed' | 'failed' | 'cancelled';
  reason: string;
  rounds: number;
  /** SHA-256 (hex) of the final weights. */
  modelHash: string;
}

export interface BudgetRefusalBody {
  hospital: string;
  code: string;
  reason: string;
}

export interface RoleGrantBody {
  subject: string;
  role: string;
  granted: boolean;
  publicKey: string;
}

/** A request the policy table refused (core/auth/policy.ts). */
export interface AccessDenialBody {
  subject: string;
  role: string;
  action: string;
  reason: string;
}

/**
 * A roster version the coordinator adopted (core/roster/): the version with
 * its signatures, so an auditor re-checks its quorum against the versions
 * recorded before it; network, version and hash restate its body for search.
 */
export interface RosterEntryBody {
  network: string;
  version: number;
  /** rosterHash of the version's body (64 hex). */
  hash: string;
  /** The RosterVersion as published: { body, signatures }. */
  roster: unknown;
}

export type EntryBody =
  JobCreatedBody | RoundBody | JobEndedBody | BudgetRefusalBody | RoleGrantBody | AccessDenialBody | RosterEntryBody;

/** The signed part of an entry. */
export interface LedgerEntry {
  /** 1, 2, 3, … with no gaps. */
  seq: number;
  /** Unix ms when appended. */
  at: number;
  kind: EntryKind;
  jobId: string;
  /** The round for round entries and round-level refusals, else 0. */
  round: number;
  body: EntryBody;
  /** SHA-256 (hex) of the previous entry's canonical text; GENESIS_HASH for seq 1. */
  prevHash: string;
}

/** An entry as stored and transmitted: its canonical text, that text's SHA-256 and the coordinator's Ed25519 signature over the hash. */
export interface SealedEntry {
  seq: number;
  canonical: string;
  /** hex */
  hash: string;
  /** hex, 64 bytes */
  signature: string;
}

/** A hospital's Ed25519 signature acknowledging one entry (signed bytes: receiptMessage). */
export interface Receipt {
  seq: number;
  hospital: string;
  /** hex */
  signature: string;
}

/** The latest entry's position, hash and signature, kept by an auditor out of band. */
export interface LedgerHead {
  seq: number;
  hash: string;
  signature: string;
  /** Coordinator public key (hex) the signature verifies under. */
  coordinatorKey: string;
}

export const GENESIS_HASH = '0'.repeat(64);
