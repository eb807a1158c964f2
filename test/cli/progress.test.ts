/** cli/progress.ts: `job submit`'s progress line shows on a terminal while the work runs, erased after; never in a pipe. */
import { describe, expect, it } from 'vitest';
import { withProgressLine, type ProgressStream } from '../../cli/progress.ts';

function stream(isTTY: boolean): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

describe('withProgressLine', () => {
  it('on a terminal: the line stands while the work runs, and is erased when it ends', async () => {
    const s = stream(true);
    let during = '';
    const result = await withProgressLine('submitting', async () => ((during = s.text()), 42), s);
    expect(result).toBe(42);
    expect(during).toBe('submitting…');
    expect(s.text()).toBe('submitting…\r\x1b[K');
  });

  it('erases it when the work fails too, passing the error on', async () => {
    const s = stream(true);
    const boom = new Error('refused');
    await expect(withProgressLine('submitting', () => Promise.reject(boom), s)).rejects.toBe(boom);
    expect(s.text()).toBe('submitting…\r\x1b[K');
  });

  it('writes nothing to a pipe', async () => {
    const s = stream(false);
    expect(await withProgressLine('submitting', async () => 'ok', s)).toBe('ok');
    expect(s.text()).toBe('');
  });
});
