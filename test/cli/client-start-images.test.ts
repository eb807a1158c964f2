/**
 * `cohort client start` under an image schema refuses data it cannot serve
 * with one typed line, before it connects anywhere: a missing image root, and
 * declared splits without the train and test a daemon uses.
 */
import { describe, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure, startWithoutCoordinator } from '../helpers/cli.ts';

const DATA = 'simulations/data/pneumoniamnist';

function start(schema: string, data: string): ReturnType<typeof cohort> {
  return startWithoutCoordinator(mkdtempSync(join(tmpdir(), 'cohort-start-images-')), schema, data);
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
