/** The RDP orders published accountants evaluate at, for tests that compare with their figures. */

/** Opacus's RDPAccountant.DEFAULT_ALPHAS: [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64)). */
export const OPACUS_ALPHAS = [
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 52 }, (_, k) => 12 + k),
];

/** tensorflow/privacy compute_dp_sgd_privacy_lib.compute_dp_sgd_privacy's orders. */
export const TF_DPSGD_ORDERS = [
  1.25,
  1.5,
  1.75,
  2,
  2.25,
  2.5,
  3,
  3.5,
  4,
  4.5,
  ...Array.from({ length: 59 }, (_, k) => 5 + k),
  128,
  256,
  512,
];
