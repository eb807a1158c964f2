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
 * One client's bytes under one name: field `Who` names the client (the owner,
 * sender or recipient), field `What` carries its commitment, nonce, signature
 * or share. The proto spells each out as its own two-field message.
 */
type ClientBytes<K extends string, V extends string> = { [F in K]?: string | null } & { [F in V]?: Bytes };

export interface SecAggAdvertise {
  cPk?: Bytes;
  sPk?: Bytes;
  signature?: Bytes;
  seedCommit?: Bytes;
  maskCommit?: Bytes;
}
export type SecAggCommitment = ClientBytes<'name', 'commit'>;
export interface SecAggCommitments {
  commitments?: List<SecAggCommitment>;
}
export interface SecAggReveal {
  nonce?: Bytes;
}
export type SecAggRevealed = ClientBytes<'name', 'nonce'>;
export interface SecAggClientKeys extends SecAggAdvertise {
  name?: string | null;
}
export interface SecAggKeys {
  clients?: List<SecAggClientKeys>;
  reveals?: List<SecAggRevealed>;
}
export type EncryptedShare = ClientBytes<'peer', 'ciphertext'>;
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
export type SecAggSignature = ClientBytes<'name', 'signature'>;
export interface SecAggUnmaskRequest {
  signatures?: List<SecAggSignature>;
}
export type RevealedShare = ClientBytes<'owner', 'share'>;
export interface SecAggUnmask {
  selfMaskShares?: List<RevealedShare>;
  keyShares?: List<RevealedShare>;
}
