/**
 * Secure-aggregation settings for test jobs that a pair of hospitals runs.
 * The default corruptFraction assumes C = ⌈0.05·N⌉ ≥ 1 colluding hospitals
 * in any roster, and two participants with a colluder have no threshold that
 * is both safe and live (core/secagg/params.ts: the colluder's share plus the
 * coordinator would unmask the other's input), so such a job fails with
 * E_SECAGG_PARAMS. Tests about budgets, ledgers, roles or transport that run
 * two hospitals assume no colluder instead (C = 0, t = 2); the secure
 * aggregation tests and the three-hospital integration tests keep the default.
 */
export const PAIR_SECURE_AGGREGATION = { corruptFraction: 0 } as const;
