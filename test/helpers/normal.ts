/**
 * The standard normal CDF for tests' reference distributions (bin edges,
 * KS statistics): erfc by Abramowitz and Stegun 7.1.26, absolute error
 * ≤ 1.5e−7. Independent of the code under test on purpose.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
