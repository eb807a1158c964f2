/** The page's DOM helpers: elements built with textContent only (never HTML), tables, and value formats. */

export type Child = Node | string | number | null | undefined | false;

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** The page's content area, which each view replaces. */
export const main = document.getElementById('main')!;

export const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '–' : v.toFixed(digits);
export const time = (ms: number | null) => (ms === null ? '–' : new Date(ms).toLocaleTimeString());

/** A table; the columns at `numeric` are right-aligned, and `rowClass` marks rows (a failed ledger entry). */
export function table(
  head: string[],
  rows: Child[][],
  numeric: number[] = [],
  rowClass: (i: number) => string = () => '',
): HTMLElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...head.map((t, i) => h('th', numeric.includes(i) ? { class: 'num' } : {}, t)))),
    h(
      'tbody',
      {},
      ...rows.map((r, ri) =>
        h(
          'tr',
          rowClass(ri) ? { class: rowClass(ri) } : {},
          ...r.map((c, i) => h('td', numeric.includes(i) ? { class: 'num' } : {}, c)),
        ),
      ),
    ),
  );
}

export const pill = (text: string) => h('span', { class: `pill ${text}` }, text);

/** A hospital's page (hospital-view.ts). */
export const hospitalHref = (name: string) => `#/hospital/${encodeURIComponent(name)}`;
