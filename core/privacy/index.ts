/**
 * Differential privacy: the public door of core/privacy.
 * - RDP of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang
 *   2019) and its conversion to (ε, δ) (Canonne, Kamath, Steinke 2020);
 * - its privacy loss distribution (PLD; discretised, pessimistic, composed by
 *   FFT, as Google's dp_accounting), the tighter bound, and the discrete
 *   Gaussian mechanism's (a hospital's noisy evaluation counts);
 * - noise calibration for a budget;
 * - noise from the CSPRNG: the exact discrete Gaussian (Canonne, Kamath,
 *   Steinke 2020) for integers in the secure sum, and for DP-SGD's clipped
 *   sum snapped to a power-of-two grid (snapped-noise.ts); a floating-point
 *   Box–Muller Gaussian for non-DP uses and tests only;
 * - RDP of the distributed discrete Gaussian, the sum of every client's
 *   discrete noise under secure aggregation (Kairouz, Liu, Steinke 2021),
 *   and its noise calibration.
 */
export { DEFAULT_ORDERS, MAX_ORDER, rdpSampledGaussian, composeRdp, type SampledGaussianRun } from './rdp.ts';
export {
  epsilonForDelta,
  deltaForEpsilon,
  rdpEpsilon,
  rdpDelta,
  type EpsilonAtOrder,
  type DeltaAtOrder,
  type RdpRun,
} from './conversion.ts';
export { calibrateSigma, SIGMA_REL_TOL, MIN_SIGMA, MAX_SIGMA, type CalibrateOptions } from './calibrate.ts';
export { gaussianNoise } from './gaussian.ts';
export {
  privatizeSum,
  snapPlan,
  GRID_FACTOR,
  MAX_SENSITIVITY_INFLATION,
  MAX_SNAPPED,
  MAX_GRID_SIGMA,
  MAX_SNAP_DIM,
  type SnapPlan,
} from './snapped-noise.ts';
export {
  discreteGaussian,
  discreteGaussianVector,
  rationalFromNumber,
  MAX_SIGMA2,
  MAX_SIGMA2_INT32,
  type Rational,
} from './discrete-gaussian.ts';
export {
  pldEpsilon,
  pldDelta,
  sampledGaussianPld,
  composeSymmetricPmf,
  pldDeltaFor,
  pldEpsilonFor,
  DEFAULT_DISCRETIZATION,
  DEFAULT_MAX_BINS,
  type PldRun,
  type SampledGaussianPld,
} from './pld.ts';
export {
  discreteGaussianPmf,
  MIN_DISCRETE_GAUSSIAN_SIGMA,
  MAX_DISCRETE_GAUSSIAN_SIGMA,
} from './discrete-gaussian-pld.ts';
export type { PldPmf } from './pld-pmf.ts';
export {
  ddgRdp,
  ddgEpsilon,
  ddgTau,
  calibrateDdgNoise,
  roundedL2Bound,
  roundedL1Bound,
  MIN_DDG_SIGMA,
  MAX_DDG_CLIENTS,
  MAX_DDG_DIM,
  type DdgMechanism,
  type CalibrateDdgOptions,
} from './distributed-dg.ts';
