/** The log level (edge/log.ts): an explicit level, else COHORT_LOG_LEVEL, else info; an unknown name is refused. */
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../edge/log.ts';

const sink = () => new Writable({ write: (_c, _e, done) => done() });
const saved = process.env.COHORT_LOG_LEVEL;
afterEach(() => {
  if (saved === undefined) delete process.env.COHORT_LOG_LEVEL;
  else process.env.COHORT_LOG_LEVEL = saved;
});

describe('createLogger level', () => {
  it('takes COHORT_LOG_LEVEL, an explicit level over it, and info without either', () => {
    process.env.COHORT_LOG_LEVEL = 'debug';
    expect(createLogger({ destination: sink() }).level).toBe('debug');
    expect(createLogger({ level: 'error', destination: sink() }).level).toBe('error');
    delete process.env.COHORT_LOG_LEVEL;
    expect(createLogger({ destination: sink() }).level).toBe('info');
  });

  it('refuses an unknown COHORT_LOG_LEVEL with E_CONFIG_INVALID, not a pino stack trace', () => {
    process.env.COHORT_LOG_LEVEL = 'loud';
    expect(() => createLogger({ destination: sink() })).toThrow(expect.objectContaining({ code: 'E_CONFIG_INVALID' }));
    process.env.COHORT_LOG_LEVEL = 'toString';
    expect(() => createLogger({ destination: sink() })).toThrow(expect.objectContaining({ code: 'E_CONFIG_INVALID' }));
  });
});
