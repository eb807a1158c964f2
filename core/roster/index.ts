/**
 * The roster: the public door of core/roster for coordinator/, client/ and
 * simulations. A network's hospitals and their Ed25519 identity keys, in a
 * chain of versions signed by the hospitals themselves (every member signs
 * the genesis; more than two thirds of the members and every new key sign a
 * change: rules.ts argues why), so daemons take their peers' keys from it
 * and never from the coordinator. Pure: files are read at the edges.
 */
export { parseRosterChain } from './schema.ts';
export { rosterHash, rosterSignedBytes } from './hash.ts';
export { rosterFingerprint } from './fingerprint.ts';
export { quorum, rosterDiff, type RosterDiff } from './rules.ts';
export { completeRoster, rosterStatus, verifyRosterChain, verifyRosterSuccessor } from './verify.ts';
export { extendsRoster } from './extends.ts';
export { draftGenesis, draftRosterChange, type RosterChange } from './draft.ts';
export { signRoster, genesisRoster } from './sign.ts';
export * from './types.ts';
