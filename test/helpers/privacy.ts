/**
 * The privacy block most job tests run under: record-level DP-SGD at ε = 8,
 * δ = 1e-5, σ given (so nothing is calibrated), with the RDP accountant.
 * Spread it and override a field where a test needs another value.
 */
export const RECORD_DP = {
  unit: 'record',
  epsilon: 8,
  delta: 1e-5,
  clip: 1,
  samplingRate: 0.1,
  noiseMultiplier: 1.2,
  accountant: 'rdp',
};
