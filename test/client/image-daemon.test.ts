/**
 * Hospitals serving an image job: each daemon's dataset is read by
 * readHospitalDataset, the function `cohort client start` reads --schema and
 * --data with, from tiny PNGs written here (one hospital an ImageFolder with
 * train/test/val splits, the other a manifest without splits, split per image
 * by the keyed hash). A real coordinator runs the job to its final evaluation;
 * a job whose image shape differs from the hospitals' is declined.
 */
import { describe, it, expect, afterEach, vi } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { trainLocal } from '../../client/trainer/train.ts';
import { readHospitalDataset } from '../../client/intake/index.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { seededRng, type SeededRng } from '../../core/rng.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { pngBytes } from '../core/data/image-fixtures.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { jobEnded } from '../helpers/job-ended.ts';

// The daemons' trainer, recorded: what each round hands it is checked below.
vi.mock('../../client/trainer/train.ts', async (original) => {
  const m = await original<typeof import('../../client/trainer/train.ts')>();
  return { ...m, trainLocal: vi.fn(m.trainLocal) };
});

const net = simulatedNetwork(['alpha', 'beta']);
const CLASSES = ['clear', 'opaque'] as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.mocked(trainLocal).mockClear();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An 8×8 grey image: a clear one dark, an opaque one bright, with seeded noise so no two are alike. */
function tinyPng(cls: number, rng: SeededRng): Buffer {
  const base = cls === 0 ? 60 : 190;
  return pngBytes(
    8,
    8,
    1,
    Array.from({ length: 64 }, () => Math.round(base + (rng.float() - 0.5) * 80)),
  );
}

const schemaFields = {
  kind: 'images',
  id: 'tiny-xray',
  label: 'finding',
  size: [8, 8],
  channels: 1,
  normalise: { kind: 'scale' },
  classes: CLASSES,
};

/** alpha: `<root>/<split>/<class>/<file>`, 32 train, 8 test and 4 val images (val is not used by a daemon). */
function folderHospital(dir: string): { schema: string; data: string } {
  const rng = seededRng(11);
  const root = join(dir, 'alpha-images');
  const counts = { train: 16, test: 4, val: 2 };
  for (const [split, n] of Object.entries(counts))
    for (const [c, cls] of CLASSES.entries()) {
      mkdirSync(join(root, split, cls), { recursive: true });
      for (let i = 0; i < n; i++) writeFileSync(join(root, split, cls, `${i}.png`), tinyPng(c, rng));
    }
  const schema = join(dir, 'alpha-schema.json');
  writeFileSync(
    schema,
    JSON.stringify({ ...schemaFields, source: { layout: 'folder' }, splits: ['train', 'test', 'val'] }),
  );
  return { schema, data: root };
}

/** beta: a manifest of 40 images and no declared splits. */
function manifestHospital(dir: string): { schema: string; data: string } {
  const rng = seededRng(12);
  const root = join(dir, 'beta-images');
  mkdirSync(root);
  const lines = ['file,finding'];
  for (let i = 0; i < 40; i++) {
    const c = i % 2;
    writeFileSync(join(root, `scan-${i}.png`), tinyPng(c, rng));
    lines.push(`scan-${i}.png,${CLASSES[c]}`);
  }
  writeFileSync(join(root, 'manifest.csv'), `${lines.join('\n')}\n`);
  const schema = join(dir, 'beta-schema.json');
  writeFileSync(
    schema,
    JSON.stringify({ ...schemaFields, source: { layout: 'manifest', pathColumn: 'file', labelColumn: 'finding' } }),
  );
  return { schema, data: join(root, 'manifest.csv') };
}

/** The synthetic job's logistic regression on the images' pixels, over the two hospitals. */
function imageJob(image: { height: number; width: number; channels: 1 | 3; augment?: { shift: number } }) {
  return syntheticJob({
    name: 'tiny-xray',
    model: { inputDim: image.height * image.width * image.channels, layers: [{ units: 1, activation: 'sigmoid' }] },
    task: { kind: 'binary' },
    features: ['image'],
    image,
    label: 'finding',
    rounds: 2,
    targetClients: 2,
    roundTimeoutMs: 60_000,
    local: { epochs: 3, batchSize: 8, learningRate: 0.5, optimizer: 'sgd' },
    seed: 3,
    secureAggregation: PAIR_SECURE_AGGREGATION,
  });
}

async function setUp(): Promise<{ coordinator: Coordinator; clients: ClientDaemon[]; data: PreparedDataset[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-images-'));
  const coordinator = new Coordinator({ dbPath: join(dir, 'coordinator.db'), port: 0, roster: net.chain });
  const port = await coordinator.listen();
  cleanups.push(() => coordinator.close());
  const data = await Promise.all(
    [folderHospital(dir), manifestHospital(dir)].map((h) => readHospitalDataset(h.schema, h.data)),
  );
  const clients = ['alpha', 'beta'].map(
    (name, i) =>
      new ClientDaemon({
        coordinatorUrl: `ws://127.0.0.1:${port}`,
        name,
        dataset: data[i]!,
        backoffMinMs: 50,
        backoffMaxMs: 300,
        identity: net.identity(name),
        roster: net.chain,
      }),
  );
  cleanups.push(async () => void (await Promise.all(clients.map((c) => c.stop()))));
  return { coordinator, clients, data };
}

describe('hospital daemons serving an image job', () => {
  it('reads each image dataset as client start does and trains the job to its released evaluations', async () => {
    const { coordinator, clients, data } = await setUp();
    const [alpha, beta] = data as [PreparedDataset, PreparedDataset];
    for (const d of data) {
      expect(d).toMatchObject({
        schemaId: 'tiny-xray',
        features: ['image'],
        label: 'finding',
        labels: { kind: 'binary' },
        image: { height: 8, width: 8, channels: 1 },
      });
      expect(d.train.d).toBe(64);
      expect(d.report.kAnonymity).toBeUndefined();
    }
    // The declared splits: val's 4 images are read but serve no job.
    expect([alpha.train.n, alpha.test.n]).toEqual([32, 8]);
    expect(alpha.report).toMatchObject({ rowsRead: 44, rowsUsed: 40 });
    expect(alpha.report.recordsIgnored).toMatchObject({ 'image:split-unused': 4 });
    // No declared splits: every image on one side by its keyed hash, some on each.
    expect(beta.train.n + beta.test.n).toBe(40);
    expect(beta.test.n).toBeGreaterThan(0);
    expect(beta.train.n).toBeGreaterThan(beta.test.n);

    const jobId = coordinator.submitJob(imageJob({ height: 8, width: 8, channels: 1 }));
    const done = jobEnded(coordinator, jobId);
    for (const c of clients) c.start();
    expect(await done).toBe('completed');
    const rounds = coordinator.database.rounds(jobId);
    expect(rounds.map((r) => r.kind)).toEqual(['train', 'train', 'evaluate']);
    const final = rounds.at(-1)!;
    expect(Object.keys(final.evaluations).sort()).toEqual(['alpha', 'beta']);
    // Dark against bright: two rounds of a logistic model on 64 pixels separate them.
    expect(final.pooled!.accuracy).toBeGreaterThan(0.8);
  }, 120_000);

  it("hands the trainer the views the job's image.augment declares", async () => {
    const { coordinator, clients } = await setUp();
    const jobId = coordinator.submitJob(imageJob({ height: 8, width: 8, channels: 1, augment: { shift: 2 } }));
    const done = jobEnded(coordinator, jobId);
    for (const c of clients) c.start();
    expect(await done).toBe('completed');
    const handed = vi.mocked(trainLocal).mock.calls.map(([, input]) => input.views);
    // Two hospitals, two rounds: every training call got the job's image and its augmentation.
    expect(handed).toHaveLength(4);
    for (const v of handed)
      expect(v).toEqual({
        height: 8,
        width: 8,
        channels: 1,
        augment: { shift: 2, rotate: 0, scale: 0, flipHorizontal: false },
      });
  }, 120_000);

  it("declines a job whose image shape is not the dataset's, even with as many values (E_JOB_FEATURES)", async () => {
    const { coordinator, clients } = await setUp();
    const jobId = coordinator.submitJob(imageJob({ height: 4, width: 16, channels: 1 }));
    const declined = clients.map(
      (c) => new Promise<{ jobId: string; code: string }>((resolve) => c.once('declined', resolve)),
    );
    const ended = jobEnded(coordinator, jobId);
    for (const c of clients) c.start();
    for (const d of await Promise.all(declined))
      expect(d).toEqual(expect.objectContaining({ jobId, code: 'E_JOB_FEATURES' }));
    // Both roster members declined: no hospital is left that could run it, so it fails now, saying why.
    expect(await ended).toBe('failed');
    const reason = coordinator.database.jobListing(jobId)!.reason;
    for (const h of ['alpha', 'beta']) expect(reason).toContain(`${h}: E_JOB_FEATURES`);
  });
});
