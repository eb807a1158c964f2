import { describe, expect, it } from 'vitest';
import { cohort, expectFailure } from '../helpers/cli.ts';

const DATA = 'simulations/data/pneumoniamnist';

describe('cohort client inspect on an image dataset', () => {
  it('prints images per split and class, the input shape and rejections by reason', () => {
    const r = cohort('client', 'inspect', '--data', DATA, '--schema', `${DATA}/schema.json`, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j).toMatchObject({
      schemaId: 'pneumoniamnist',
      classes: ['normal', 'pneumonia'],
      shape: { height: 28, width: 28, channels: 1 },
      splits: { train: 4708, val: 524, test: 624 },
      perClass: { train: [1214, 3494], val: [135, 389], test: [234, 390] },
      report: { rowsRead: 5856, rowsUsed: 5856, recordsRejected: {} },
    });
  });

  it('refuses a missing image folder with one typed line', () => {
    expectFailure(
      cohort('client', 'inspect', '--data', `${DATA}/nowhere`, '--schema', `${DATA}/schema.json`),
      'E_DATA_FILE',
    );
  });
});
