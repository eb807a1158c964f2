/**
 * The privacy ledger: the public door of core/ledger for coordinator/,
 * client/ and the auditor's CLI. An append-only chain of entries in
 * canonical JSON (RFC 8785), SHA-256-linked and sealed with the
 * coordinator's Ed25519 key, receipted by the hospitals whose spend each
 * records, and verifiable end to end from the stored rows alone.
 */
export { canonicalJson, MAX_CANONICAL_DEPTH } from './canonical.ts';
export {
  entryHash,
  sealEntry,
  verifySeal,
  receiptMessage,
  signReceipt,
  verifyReceipt,
  MAX_ENTRY_CHARS,
  SEAL_DOMAIN,
  RECEIPT_DOMAIN,
} from './seal.ts';
export { roundSpends, type RoundSpendArgs } from './spend.ts';
export { hospitalKeysOf } from './grants.ts';
export {
  entriesConcerning,
  ownEntries,
  pageOf,
  pageProblem,
  ledgerPageReplySchema,
  LEDGER_PAGE_ENTRIES,
  LEDGER_PAGE_CHARS,
  type LedgerPage,
  type LedgerPageReply,
} from './scope.ts';
export {
  verifyLedger,
  VERIFY_CODES,
  type VerifyCode,
  type VerifyFailure,
  type VerifyInput,
  type VerifyReport,
  type VerifyCheckpoint,
  type HospitalLedgerInput,
  type StoredCosignature,
  type TreeState,
} from './verify.ts';
export {
  proveReply,
  ledgerProofReplySchema,
  LEDGER_PROVE_SEQS,
  MAX_PROOF_HASHES,
  MAX_PROOF_COSIGNATURES,
  type LedgerProofReply,
  type WireCosignature,
} from './proofs.ts';
export { entryProblem } from './schema.ts';
export { ledgerPublicKey } from './ed25519.ts';
export * from './types.ts';
