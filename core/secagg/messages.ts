/**
 * The messages of one secure-sum session, as core's state machines take and
 * give them. They mirror proto/cohort.proto's SecAgg* messages field for
 * field (every field optional, as a decoded protobuf message's are), so the
 * wire codec (edge/wire/codec.ts) passes them through unchanged, while core
 * depends on no generated code: the wire is an edge's concern.
 */
type Bytes = Uint8Array | null;
type List<T> = T[] | null;
/**
 * One participant's bytes in a per-participant list (the proto's NamedBytes):
 * each list that holds them says what its name and value are.
 */
export interface NamedBytes {
  name?: string | null;
  value?: Bytes;
}

export interface SecAggAdvertise {
  cPk?: Bytes;
  sPk?: Bytes;
  signature?: Bytes;
  seedCommit?: Bytes;
  maskCommit?: Bytes;
}
export interface SecAggCommitments {
  /** name: the participant; value: its seed commitment. */
  commitments?: List<NamedBytes>;
}
export interface SecAggReveal {
  nonce?: Bytes;
}
export interface SecAggClientKeys extends SecAggAdvertise {
  name?: string | null;
}
export interface SecAggKeys {
  clients?: List<SecAggClientKeys>;
  /** name: the participant; value: its seed nonce. */
  reveals?: List<NamedBytes>;
}
export interface SecAggShares {
  /** name: the recipient (client -> coordinator) or the sender (the relay); value: the encrypted share. */
  shares?: List<NamedBytes>;
}
export interface SecAggMaskedInput {
  masked?: Bytes;
  rejected?: List<string>;
}
export interface SecAggSurvivors {
  survivors?: List<string>;
}
export interface SecAggConsistency {
  signature?: Bytes;
}
export interface SecAggUnmaskRequest {
  /** name: the signer; value: its consistency signature. */
  signatures?: List<NamedBytes>;
}
export interface SecAggUnmask {
  /** Both lists: name, the owner of the shared secret; value, this client's share of it. */
  selfMaskShares?: List<NamedBytes>;
  keyShares?: List<NamedBytes>;
}
