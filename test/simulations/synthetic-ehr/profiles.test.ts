/** The default site profiles' data file: a bad edit fails at load with E_CONFIG_INVALID naming the file. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILES, loadDefaultProfiles } from '../../../simulations/synthetic-ehr/profiles.ts';
import { CohortError } from '../../../core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-profiles-'));
const shipped = readFileSync(new URL('../../../simulations/synthetic-ehr/profiles.json', import.meta.url), 'utf8');

function load(text: string): readonly unknown[] {
  const file = join(dir, `profiles-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return loadDefaultProfiles(pathToFileURL(file));
}

function failure(text: string): CohortError {
  try {
    load(text);
  } catch (err) {
    if (err instanceof CohortError) return err;
    throw err;
  }
  throw new Error('loaded');
}

describe('loadDefaultProfiles', () => {
  it('loads the shipped file as DEFAULT_PROFILES', () => {
    expect(load(shipped)).toEqual(DEFAULT_PROFILES);
  });

  it('refuses a file that is not JSON, naming it (E_CONFIG_INVALID, not a bare SyntaxError)', () => {
    const e = failure(shipped.slice(0, 100));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toMatch(/^profiles\.json: cannot be read as JSON/);
  });

  it('refuses a profile the schema rejects, naming the field', () => {
    const bad = JSON.parse(shipped) as { profile: { labelFlip: number } }[];
    bad[0]!.profile.labelFlip = 0.9;
    const e = failure(JSON.stringify(bad));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toMatch(/^profiles\.json: .*labelFlip/);
  });
});
