/**
 * The messages of one secure-sum session, as core's state machines take and
 * give them. They mirror proto/cohort.proto's SecAgg* messages field for
 * field (every field optional, as a decoded protobuf message's are), so the
 * wire codec (edge/wire/codec.ts) passes them through unchanged, while core
 * depends on no generated code: the wire is an edge's concern.
 */
type Bytes = Uint8Array | null;
type List<T> = T[] | null;

export interface SecAggAdvertise {
  cPk?: Bytes;
  sPk?: Bytes;
  signature?: Bytes;
  seedCommit?: Bytes;
  maskCommit?: Bytes;
}
export interface SecAggCommitment {
  name?: string | null;
  commit?: Bytes;
}
export interface SecAggCommitments {
  commitments?: List<SecAggCommitment>;
}
export interface SecAggReveal {
  nonce?: Bytes;
}
export interface SecAggRevealed {
  name?: string | null;
  nonce?: Bytes;
}
export interface SecAggClientKeys extends SecAggAdvertise {
  name?: string | null;
}
export interface SecAggKeys {
  clients?: List<SecAggClientKeys>;
  reveals?: List<SecAggRevealed>;
}
export interface EncryptedShare {
  peer?: string | null;
  ciphertext?: Bytes;
}
export interface SecAggShares {
  shares?: List<EncryptedShare>;
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
export interface SecAggSignature {
  name?: string | null;
  signature?: Bytes;
}
export interface SecAggUnmaskRequest {
  signatures?: List<SecAggSignature>;
}
export interface RevealedShare {
  owner?: string | null;
  share?: Bytes;
}
export interface SecAggUnmask {
  selfMaskShares?: List<RevealedShare>;
  keyShares?: List<RevealedShare>;
}
