/**
 * What the coordinator's secure-sum server takes and gives: its phases, the
 * client messages each phase accepts, the messages it sends, and how many
 * clients completed each phase.
 */
import type * as M from './messages.ts';

export type ServerPhase = 'advertise' | 'reveal' | 'share' | 'masked' | 'consistency' | 'unmask' | 'done' | 'failed';

/** Messages a client may send, by phase. */
export type ClientMessage =
  | { secaggAdvertise: M.SecAggAdvertise }
  | { secaggReveal: M.SecAggReveal }
  | { secaggShares: M.SecAggShares }
  | { secaggMaskedInput: M.SecAggMaskedInput }
  | { secaggConsistency: M.SecAggConsistency }
  | { secaggUnmask: M.SecAggUnmask };

export type ServerMessage =
  | { secaggCommitments: M.SecAggCommitments }
  | { secaggKeys: M.SecAggKeys }
  | { secaggSharesRelay: M.SecAggShares }
  | { secaggSurvivors: M.SecAggSurvivors }
  | { secaggUnmaskRequest: M.SecAggUnmaskRequest };

export interface Outgoing {
  to: string;
  body: ServerMessage;
}

/** Clients that completed each phase: U1 (advertise) ... U5 (unmask). */
export interface PhaseCounts {
  advertise: number;
  reveal: number;
  share: number;
  masked: number;
  consistency: number;
  unmask: number;
}

/** The one client message each phase accepts, in the protocol's order. */
const MESSAGE_OF = {
  advertise: 'secaggAdvertise',
  reveal: 'secaggReveal',
  share: 'secaggShares',
  masked: 'secaggMaskedInput',
  consistency: 'secaggConsistency',
  unmask: 'secaggUnmask',
} as const satisfies Partial<Record<ServerPhase, string>>;
export const PHASE_MESSAGE: Readonly<Partial<Record<ServerPhase, string>>> = MESSAGE_OF;

/** Every message a client sends in a session (ClientMessage's kinds): the frames that carry them are a hospital's. */
export const CLIENT_MESSAGE_KINDS = Object.values(MESSAGE_OF);

/** A client's advertised keys, commitments and signature, as the server keeps them for the session. */
export interface Advertised {
  cPk: Uint8Array;
  sPk: Uint8Array;
  seedCommit: Uint8Array;
  maskCommit: Uint8Array;
  signature: Uint8Array;
}
