/**
 * Log redaction (edge/log.ts): what must never reach a log line is hidden
 * wherever a call site puts it (the line, a child's bound context, one or two
 * levels down), and the privacy parameters an operator needs to read (ε, δ,
 * what a budget has spent) are printed as they are.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../edge/log.ts';

/**
 * Every field name that carries a secret, written out here rather than read
 * from the module: removing one from the logger's list fails this test.
 */
const SECRETS = [
  // Model updates and weights, in the clear or masked.
  'weights update updates gradient gradients masked maskedInput secaggMaskedInput',
  // Keys and key material.
  'key secretKey privateKey identity sShared cShared',
  // Secret shares, seeds and masks of secure aggregation.
  'share shares keyShare keyShares seedShare seedShares selfMaskShares seed seeds selfSeed mask nonce value',
  // Secrets and credentials.
  'secret secrets secretBytes token tokens metricsToken password cookie authorization credentials',
  // Patients' data.
  'data records rows',
].flatMap((names) => names.split(' '));

/** A logger writing JSON lines into an array (the `destination` option), and those lines parsed. */
function captured(): { log: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  // pino writes synchronously to a stream destination: each line is in `chunks` when the call returns.
  const log = createLogger({ level: 'info', destination });
  const text = () => chunks.join('');
  return {
    log,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A value no redacted field may leak: the test looks for it in the raw output. */
const marker = (field: string, where: string) => `LEAK-${where}-${field}`;

describe('log redaction (edge/log.ts)', () => {
  it.each(SECRETS)('hides %s at the top, nested one and two levels down, and in bound context', (field) => {
    const { log, lines, text } = captured();
    log.info({ [field]: marker(field, 'top') }, 'top');
    log.info({ round: { [field]: marker(field, 'one') } }, 'nested');
    log.info({ job: { round: { [field]: marker(field, 'two') } } }, 'deeper');
    log.info({ list: [{ [field]: marker(field, 'array') }] }, 'in an array');
    log.child({ [field]: marker(field, 'child') }).info('bound');
    log.child({ component: { [field]: marker(field, 'childnested') } }).info('bound nested');
    expect(text()).not.toContain('LEAK-');
    const [top, one, two, array, child, childNested] = lines();
    expect(top![field]).toBe('[redacted]');
    expect((one!.round as Record<string, unknown>)[field]).toBe('[redacted]');
    expect(((two!.job as Record<string, unknown>).round as Record<string, unknown>)[field]).toBe('[redacted]');
    expect((array!.list as Record<string, unknown>[])[0]![field]).toBe('[redacted]');
    expect(child![field]).toBe('[redacted]');
    expect((childNested!.component as Record<string, unknown>)[field]).toBe('[redacted]');
  });

  it('hides a secret whatever its type: bytes, arrays, objects', () => {
    const { log, text, lines } = captured();
    log.info(
      {
        secretKey: new Uint8Array([1, 2, 3]),
        weights: new Float32Array([0.25, 0.5]),
        shares: [{ x: 1, y: 'LEAK-share' }],
        identity: { publicKey: 'LEAK-pk', secretKey: 'LEAK-sk' },
      },
      'typed',
    );
    expect(text()).not.toContain('LEAK-');
    expect(lines()[0]).toMatchObject({
      secretKey: '[redacted]',
      weights: '[redacted]',
      shares: '[redacted]',
      identity: '[redacted]',
    });
  });

  it('prints the privacy parameters and budget figures: epsilon, delta, what was spent', () => {
    const { log, lines } = captured();
    // As the hospital daemon logs its budget at start (cli/client.ts).
    log.info({ epsilon: 8, delta: 1e-5, accountant: 'pld', spent: 2.5 }, 'privacy budget');
    log.info({ job: 'j1', privacy: { unit: 'record', epsilon: 3, delta: 1e-6, noiseMultiplier: 1.1 } }, 'job');
    log.child({ budget: { epsilon: 4, delta: 1e-7, spent: { epsilon: 1.5, delta: 1e-8 } } }).info('bound budget');
    const [budget, job, bound] = lines();
    expect(budget).toMatchObject({ epsilon: 8, delta: 1e-5, accountant: 'pld', spent: 2.5 });
    expect(job).toMatchObject({ privacy: { unit: 'record', epsilon: 3, delta: 1e-6, noiseMultiplier: 1.1 } });
    expect(bound).toMatchObject({ budget: { epsilon: 4, delta: 1e-7, spent: { epsilon: 1.5, delta: 1e-8 } } });
  });

  it('leaves ordinary context alone', () => {
    const { log, lines } = captured();
    log.info({ job: 'j1', round: 3, hospital: 'h0', code: 'E_ROUND_FAILED', participants: ['h0', 'h1'] }, 'round');
    expect(lines()[0]).toMatchObject({
      job: 'j1',
      round: 3,
      hospital: 'h0',
      code: 'E_ROUND_FAILED',
      participants: ['h0', 'h1'],
      msg: 'round',
    });
  });
});
