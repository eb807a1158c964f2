/**
 * `cohort client start` under an image schema refuses data it cannot serve
 * with one typed line, before it connects anywhere: a missing image root, and
 * declared splits without the train and test a daemon uses.
 */
import { describe, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeIdentityKey } from '../../edge/keys.ts';
import { cohort, expectFailure } from '../helpers/cli.ts';

const DATA = 'simulations/data/pneumoniamnist';

function start(schema: string, data: string): ReturnType<typeof cohort> {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-start-images-'));
  const identity = join(dir, 'hospital.key');
  writeIdentityKey(identity);
  // Port 9 (discard) on loopback: nothing listens, and the refusal comes before any connection.
  return cohort(
    'client',
    'start',
    '--coordinator',
    'ws://127.0.0.1:9',
    '--name',
    'alpha',
    '--identity',
    identity,
    '--schema',
    schema,
    '--data',
    data,
  );
}

describe('cohort client start with an image schema', () => {
  it('refuses a missing image root with one typed line (E_DATA_FILE), no stack trace', () => {
    expectFailure(start(`${DATA}/schema.json`, `${DATA}/nowhere`), 'E_DATA_FILE');
  });

  it('refuses declared splits without "train" and "test" (E_SCHEMA_INVALID)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-start-images-'));
    const schema = JSON.parse(readFileSync(`${DATA}/schema.json`, 'utf8')) as Record<string, unknown>;
    const path = join(dir, 'schema.json');
    writeFileSync(path, JSON.stringify({ ...schema, splits: ['train', 'val', 'holdout'] }));
    expectFailure(start(path, DATA), 'E_SCHEMA_INVALID');
  });
});
