/**
 * The CAD risk model the labels are drawn from: logistic, linear in the
 * classic Framingham risk factors (age, sex, systolic pressure, total and HDL
 * cholesterol, smoking, diabetes; D'Agostino et al., Circulation 2008) plus
 * BMI and the count of rs10455872 G alleles (LPA; about 1.7x the odds per
 * allele, Clarke et al., NEJM 2009). Per-unit log-odds are of the published
 * orders of magnitude, not a refit; what matters here is that a logistic
 * regression on the recorded features can learn them back.
 */
import type { Smoking } from './codes.ts';

/** Log-odds per unit above the reference value. */
export const CAD_COEFFICIENTS = {
  agePerYear: 0.065,
  male: 0.7,
  sbpPerMmHg: 0.016,
  totalCholPerMgDl: 0.006,
  hdlPerMgDl: -0.028,
  currentSmoker: 0.7,
  formerSmoker: 0.25,
  diabetes: 0.65,
  bmiPerUnit: 0.025,
  perGAllele: Math.log(1.7),
} as const;

/** Reference values: a patient at all of them (female, never smoker, no diabetes, A/A) has log-odds equal to the intercept. */
export const CAD_REFERENCE = { age: 55, sbp: 130, totalChol: 200, hdl: 50, bmi: 27 } as const;

export interface RiskFactors {
  age: number;
  male: boolean;
  sbp: number;
  totalChol: number;
  hdl: number;
  smoking: Smoking;
  diabetes: boolean;
  bmi: number;
  gAlleles: 0 | 1 | 2;
}

export function cadLogit(f: RiskFactors, intercept: number): number {
  const c = CAD_COEFFICIENTS;
  const r = CAD_REFERENCE;
  return (
    intercept +
    c.agePerYear * (f.age - r.age) +
    (f.male ? c.male : 0) +
    c.sbpPerMmHg * (f.sbp - r.sbp) +
    c.totalCholPerMgDl * (f.totalChol - r.totalChol) +
    c.hdlPerMgDl * (f.hdl - r.hdl) +
    (f.smoking === 'current' ? c.currentSmoker : f.smoking === 'former' ? c.formerSmoker : 0) +
    (f.diabetes ? c.diabetes : 0) +
    c.bmiPerUnit * (f.bmi - r.bmi) +
    c.perGAllele * f.gAlleles
  );
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
