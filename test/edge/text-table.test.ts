/** Tables keep colours on a terminal and are plain text when piped (issue 21: piped tables kept their ANSI codes). */
import { afterEach, describe, expect, it } from 'vitest';
import { textTable } from '../../edge/text-table.ts';

const ESC = '\u001b[';
const wasTTY = process.stdout.isTTY;
afterEach(() => {
  process.stdout.isTTY = wasTTY;
});

function render(): string {
  const t = textTable(['hospital', 'ε spent']);
  t.push(['alpha', '0.5']);
  return t.toString();
}

describe('textTable', () => {
  it('prints no escape code when stdout is not a terminal', () => {
    process.stdout.isTTY = false;
    const s = render();
    expect(s).toContain('ε spent');
    expect(s).not.toContain(ESC);
    // And not because the colour library is off (it is under CI=true): the table asks for no colour.
    const style = (textTable(['hospital']) as unknown as { options: { style: { head: string[]; border: string[] } } })
      .options.style;
    expect(style).toMatchObject({ head: [], border: [] });
  });

  it('keeps the colours on a terminal', () => {
    process.stdout.isTTY = true;
    // Whether escape codes are then printed is the colour library's call (it turns them off under CI=true, say):
    // what this table decides is to keep cli-table3's head and border colours.
    const style = (textTable(['hospital']) as unknown as { options: { style: { head: string[]; border: string[] } } })
      .options.style;
    expect(style.head).not.toEqual([]);
    expect(style.border).not.toEqual([]);
  });
});
