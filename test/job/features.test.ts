import { describe, it, expect } from 'vitest';
import { featureProblem, type OfferedDataset } from '../../core/job/features.ts';

const offer = (hospital: string, features: string[], label = 'y'): OfferedDataset => ({ hospital, schemaId: 's', label, features });
const job = (features: string[], minClients = 2, label = 'y') => ({ features, label, minClients });

describe('featureProblem: a submitted job against the datasets hospitals offered', () => {
  const hospitals = [offer('h1', ['age', 'chol']), offer('h2', ['age', 'chol']), offer('h3', ['chol', 'age'])];

  it('accepts a job that minClients hospitals can train', () => {
    expect(featureProblem(job(['age', 'chol']), hospitals)).toBeNull();
  });

  it('names a feature no hospital declares', () => {
    expect(featureProblem(job(['age', 'cholesterol']), hospitals)).toMatch(/"cholesterol" is in no hospital's schema \(3 hospitals known\)/);
  });

  it('names a label no hospital has', () => {
    expect(featureProblem(job(['age', 'chol'], 2, 'death'), hospitals)).toMatch(/"label": "death"/);
  });

  it('says when too few hospitals match exactly, and points at another order', () => {
    const p = featureProblem(job(['chol', 'age']), hospitals);
    expect(p).toMatch(/only 1 of the 3 known hospitals/);
    expect(p).toMatch(/h1 offers these features in another order: "age", "chol"/);
    expect(featureProblem(job(['age', 'chol'], 3), hospitals)).toMatch(/only 2 of the 3/);
  });

  it('refuses when no hospital has offered anything', () => {
    expect(featureProblem(job(['age']), [])).toMatch(/no hospital has offered a dataset yet/);
  });

  it('lists at most ten unknown names', () => {
    const many = Array.from({ length: 25 }, (_, i) => `f${i}`);
    expect(featureProblem(job(many), hospitals)).toMatch(/"f9" and 15 more are in no hospital's schema/);
  });
});
