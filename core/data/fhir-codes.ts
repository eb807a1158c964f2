/**
 * Code systems the FHIR reader accepts, and syntax checks that catch a wrong
 * or mistyped code before it is matched: LOINC's mod-10 check digit (LOINC
 * Users' Guide, "Calculating Mod 10 check digits"; the Luhn scheme), SNOMED
 * CT's Verhoeff check digit (SNOMED CT Technical Implementation Guide,
 * "Check-digit"), and the ICD-10 category.subcategory shape.
 */
import type { ConditionSystem } from './schema.ts';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const SYSTEM_URI: Readonly<Record<ConditionSystem, string>> = {
  'icd-10-cm': 'http://hl7.org/fhir/sid/icd-10-cm',
  'icd-10': 'http://hl7.org/fhir/sid/icd-10',
  snomed: 'http://snomed.info/sct',
};

/** "8480-6": digits, a hyphen, and the right check digit. */
export function isLoincCode(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  return m !== null && luhnCheckDigit(m[1]!) === Number(m[2]);
}

function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let v = Number(digits[i]) * (double ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/** A SNOMED CT identifier: 6 to 18 digits, no leading zero, last digit a Verhoeff check digit. */
export function isSnomedCode(code: string): boolean {
  if (!/^[1-9]\d{5,17}$/.test(code)) return false;
  let c = 0;
  for (let i = 0; i < code.length; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(code[code.length - 1 - i])]!]!;
  return c === 0;
}

/** ICD-10 / ICD-10-CM: letter, two characters, optional "." and up to four more (e.g. "E11.9", "I25.10"). */
export function isIcd10Code(code: string): boolean {
  return /^[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/.test(code);
}

export function isValidCode(system: ConditionSystem, code: string): boolean {
  return system === 'snomed' ? isSnomedCode(code) : isIcd10Code(code);
}

/**
 * Verhoeff's tables (Verhoeff 1969; Gallian, "Error detection methods", ACM
 * Computing Surveys 28(3), 1996), built from their definitions rather than
 * typed out: d is the multiplication of the dihedral group D5 (0-4 the
 * rotations, 5-9 the reflections), and row i of p is the permutation
 * (1 5 7 6 2 8 3 0 9 4) applied i times.
 */
const DIGITS = Array.from({ length: 10 }, (_, i) => i);
const VERHOEFF_D = DIGITS.map((j) =>
  DIGITS.map((k) => {
    const reflection = j >= 5;
    const turn = (((reflection ? j - k : j + k) % 5) + 5) % 5;
    return reflection === k >= 5 ? turn : turn + 5;
  }),
);
const VERHOEFF_SIGMA = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
const VERHOEFF_P: number[][] = [DIGITS];
for (let i = 1; i < 8; i++) VERHOEFF_P.push(VERHOEFF_P[i - 1]!.map((x) => VERHOEFF_SIGMA[x]!));
