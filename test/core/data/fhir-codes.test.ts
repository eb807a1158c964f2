import { describe, expect, it } from 'vitest';
import { isIcd10Code, isLoincCode, isSnomedCode } from '../../../core/data/fhir-codes.ts';

describe('code syntax checks', () => {
  it.each([
    ['22298006', true], // myocardial infarction
    ['73211009', true], // diabetes mellitus
    ['44054006', true], // type 2 diabetes mellitus
    ['1234567890120', true], // Rosetta Code, "Verhoeff algorithm": check digit of 123456789012 is 0
    ['1234567890129', false],
    // A 7 at the third digit from the right goes through row 2 of the permutation table, where a
    // typed-out table once had 7 and 9 swapped (valid under Verhoeff's published tables).
    ['123700', true],
    ['123701', false],
    ['22298060', false], // adjacent transposition
    ['02298006', false], // leading zero
    ['12345', false], // too short
  ])('SNOMED CT %s: %s', (code, valid) => {
    expect(isSnomedCode(code)).toBe(valid);
  });

  it.each([
    ['8480-6', true], // systolic blood pressure
    ['2093-3', true], // cholesterol
    ['8480-5', false],
    ['84806', false],
  ])('LOINC %s: %s', (code, valid) => {
    expect(isLoincCode(code)).toBe(valid);
  });

  it.each([
    ['E11.9', true],
    ['I25.10', true],
    ['I21', true],
    ['e11.9', false],
    ['E11.', false],
  ])('ICD-10 %s: %s', (code, valid) => {
    expect(isIcd10Code(code)).toBe(valid);
  });
});
