/**
 * Secure aggregation: the public door of core/secagg for coordinator/ and
 * client/. Bonawitz et al. CCS 2017 with the SecAgg+ neighbour graph of Bell
 * et al. CCS 2020.
 */
export { SecAggClient, type Identity, type ClientPhase } from './client.ts';
export {
  SecAggServer,
  type ClientMessage,
  type ServerMessage,
  type Outgoing,
  type PhaseCounts,
  type ServerPhase,
} from './server.ts';
export { CLIENT_MESSAGE_KINDS } from './server-messages.ts';
export { openSession, type Session, type SessionParams } from './session.ts';
export { encodeInput, decodeSum, EXTRA_WORDS, type SecureResult } from './input.ts';
export { chooseParams } from './params.ts';
export { ed25519KeyPair, ed25519PublicKey, constantTimeEqual, zeroize } from './crypto.ts';
export {
  checkWeightedSum,
  checkDdgSum,
  weightedSumBounds,
  ddgSumNormBound,
  SUM_BOUND_FAILURE,
  type WeightedSumBounds,
  type WordRange,
} from './sum-bound.ts';
