/**
 * A dataset whose feature names a Hello cannot carry (more than
 * MAX_DATASET_FEATURES, or more than MAX_HELLO_FEATURE_BYTES on the wire) is
 * refused when the daemon is made, naming the limit, rather than by the
 * coordinator at every connect (edge/wire/codec.ts checkHello).
 */
import { describe, it, expect } from 'vitest';
import { ClientDaemon } from '../../client/daemon.ts';
import { MAX_HELLO_FEATURE_BYTES } from '../../edge/wire/codec.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { syntheticDataset } from '../../simulations/synthetic.ts';
import { refusal } from '../helpers/refusal.ts';

const net = simulatedNetwork(['h0']);
const start = (features: string[], label = syntheticDataset(3).label) =>
  new ClientDaemon({
    coordinatorUrl: 'ws://127.0.0.1:1',
    name: 'h0',
    dataset: { ...syntheticDataset(3), features, label },
    identity: net.identity('h0'),
  });

describe('a dataset the Hello cannot describe', () => {
  it('is refused at start with E_CONFIG_INVALID naming the limits; one that fits starts', () => {
    // 16,000 names of 64 characters: about 1.07 MB on the wire, over the 1 MB a Hello may carry.
    const long = Array.from({ length: 16_000 }, (_, i) => `f${String(i).padStart(63, '0')}`);
    const bytes = long.reduce((n, f) => n + f.length + 3, 0); // each name, its tag and its length byte
    expect(bytes).toBeGreaterThan(MAX_HELLO_FEATURE_BYTES);
    const e = refusal(() => start(long));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toContain(`take ${bytes} bytes on the wire, more than ${MAX_HELLO_FEATURE_BYTES}`);
    const fits = long.slice(0, 10_000);
    expect(() => start(fits).stop()).not.toThrow();
  });

  it("is refused at start for a name the Hello's check refuses (a label with a bidi override), whatever intake let by", () => {
    const e = refusal(() => start(syntheticDataset(3).features.slice(), 'y\u202e'));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toContain('"hello.datasets.label" holds a control or format character (U+202E');
  });
});
