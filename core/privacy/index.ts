/**
 * Differential-privacy accounting: the public door of core/privacy.
 * RDP of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang
 * 2019), its conversion to (ε, δ) (Canonne, Kamath, Steinke 2020) and noise
 * calibration for a budget; noise from the CSPRNG: continuous Gaussian for
 * DP-SGD and the exact discrete Gaussian (Canonne, Kamath, Steinke 2020) for
 * integer noise inside secure aggregation.
 */
export { DEFAULT_ORDERS, MAX_ORDER, rdpSampledGaussian, composeRdp, type SampledGaussianRun } from './rdp.ts';
export { epsilonForDelta, deltaForEpsilon, rdpEpsilon, rdpDelta, type EpsilonAtOrder, type DeltaAtOrder, type RdpRun } from './conversion.ts';
export { calibrateSigma, SIGMA_REL_TOL, MIN_SIGMA, MAX_SIGMA, type CalibrateOptions } from './calibrate.ts';
export { gaussianNoise } from './gaussian.ts';
export { discreteGaussian, discreteGaussianVector, rationalFromNumber, MAX_SIGMA2, MAX_SIGMA2_INT32, type Rational } from './discrete-gaussian.ts';
