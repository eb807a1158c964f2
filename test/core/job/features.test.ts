import { describe, it, expect } from 'vitest';
import { featureProblem, type OfferedDataset } from '../../../core/job/features.ts';

const offer = (hospital: string, features: string[], label = 'y'): OfferedDataset => ({
  hospital,
  schemaId: 's',
  label,
  features,
});
const job = (features: string[], label = 'y') => ({ features, label });

describe('featureProblem: a submitted job against the datasets hospitals offered', () => {
  const hospitals = [offer('h1', ['age', 'chol']), offer('h2', ['age', 'chol']), offer('h3', ['chol', 'age'])];

  it('accepts a job that a known hospital can train (more may connect later)', () => {
    expect(featureProblem(job(['age', 'chol']), hospitals)).toBeNull();
    expect(featureProblem(job(['chol', 'age']), hospitals)).toBeNull(); // h3's order
  });

  it('names a feature no hospital declares', () => {
    expect(featureProblem(job(['age', 'cholesterol']), hospitals)).toMatch(
      /"cholesterol" is in no hospital's schema \(3 hospitals known\)/,
    );
  });

  it('names a label no hospital has', () => {
    expect(featureProblem(job(['age', 'chol'], 'death'), hospitals)).toMatch(/"label": "death"/);
  });

  it('says when no hospital offers the features in this order, and points at one that does in another', () => {
    const p = featureProblem(job(['chol', 'age']), hospitals.slice(0, 2));
    expect(p).toMatch(/none of the 2 known hospitals offers exactly these features, in this order/);
    expect(p).toMatch(/h1 offers these features in another order: "age", "chol"/);
  });

  it('refuses when no hospital has offered anything', () => {
    expect(featureProblem(job(['age']), [])).toMatch(/no hospital has offered a dataset yet/);
  });

  it('lists at most ten unknown names', () => {
    const many = Array.from({ length: 25 }, (_, i) => `f${i}`);
    expect(featureProblem(job(many), hospitals)).toMatch(/"f9" and 15 more are in no hospital's schema/);
  });
});
