import { describe, expect, it } from 'vitest';
import {
  COORDINATOR_DEFAULTS,
  MAX_START_WAIT_MS,
  MIN_FRAME_BYTES,
  parseCoordinatorOptions,
} from '../../coordinator/config.ts';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, FRAGMENT_HEADER_BYTES } from '../../edge/wire/fragments.ts';
import { refusal } from '../helpers/refusal.ts';

const base = { dbPath: ':memory:' };

describe('coordinator options (coordinator/config.ts): validated once, defaults in one place', () => {
  it('fills every default and resolves the limits that follow from them', () => {
    const c = parseCoordinatorOptions(base);
    expect(c).toMatchObject(COORDINATOR_DEFAULTS);
    expect(c.maxMessageBytes).toBe(Math.max(DEFAULT_MAX_MESSAGE_BYTES, c.maxFrameBytes));
    expect(c.maxBufferedBytes).toBe(c.maxMessageBytes + 4 * c.maxFrameBytes);
    expect(c.maxBytesPerSecond).toBe(c.maxMessageBytes);
    expect(c.submissions.workers).toBe(1);
    expect(c.quotas.maxUnfinishedJobs).toBe(4);
  });

  it('a fragment is cut to fit the frame limit', () => {
    const c = parseCoordinatorOptions({ ...base, maxFrameBytes: 64 * 1024 });
    expect(c.fragmentBytes).toBe(64 * 1024 - FRAGMENT_HEADER_BYTES);
  });

  it.each([
    ['messageBurst', { messageBurst: 0 }],
    ['maxMessagesPerSecond', { maxMessagesPerSecond: -1 }],
    ['maxFrameBytes', { maxFrameBytes: MIN_FRAME_BYTES - 1 }],
    ['maxStartWaitMs', { maxStartWaitMs: MAX_START_WAIT_MS + 1 }],
    ['heartbeatMs', { heartbeatMs: 0 }],
    ['port', { port: 70_000 }],
    ['maxMessageBytes', { maxMessageBytes: 1000 }],
    ['maxBytesPerSecond', { maxFrameBytes: 64 * 1024, maxBytesPerSecond: 1024 }],
    ['submissions.workers', { submissions: { workers: 0 } }],
    ['quotas.windowMs', { quotas: { windowMs: 1 } }],
    ['unknownOption', { unknownOption: 1 }],
    // Every client would refuse it in the challenge (edge/wire/text-fields.ts): refused here, at start.
    ['id', { id: 'coord\u200b-eu' }],
  ])('refuses a bad %s with E_CONFIG_INVALID naming the field', (field, bad) => {
    const e = refusal(() => parseCoordinatorOptions({ ...base, ...bad } as never));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toContain(field === 'unknownOption' ? 'unknownOption' : `coordinator "${field}"`);
  });

  it('the Coordinator refuses an invalid option before it opens anything', () => {
    const e = refusal(() => new Coordinator({ ...base, messageBurst: 0.5 }));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toContain('coordinator "messageBurst"');
  });

  it("a refusal names the CLI's flag when given its names; a parsed configuration is not parsed again", () => {
    const e = refusal(() =>
      parseCoordinatorOptions({ ...base, maxStartWaitMs: 0 }, { maxStartWaitMs: '--max-start-wait' }),
    );
    expect(e.message).toMatch(/^--max-start-wait: /);
    const c = parseCoordinatorOptions({ ...base, port: 1234 });
    expect(parseCoordinatorOptions(c)).toBe(c);
  });
});
