import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryFor, threadEntry } from '../../edge/thread-entry.ts';

const fresh = { root: '/srv/cohort', dist: '/srv/cohort/dist' };

describe('threadEntry', () => {
  it.each([
    {
      what: 'compiled code starts the compiled file beside it, with no loader',
      module: 'file:///srv/cohort/dist/coordinator/worker-pool.js',
      dist: fresh,
      want: { url: 'file:///srv/cohort/dist/coordinator/e-thread.js', loader: false },
    },
    {
      what: 'source starts the compiled file in a fresh dist/, at the same place in the tree',
      module: 'file:///srv/cohort/coordinator/dashboard/ledger-verifier.ts',
      dist: fresh,
      want: { url: 'file:///srv/cohort/dist/coordinator/dashboard/e-thread.js', loader: false },
    },
    {
      what: 'source without a fresh dist/ starts the source entry through tsx',
      module: 'file:///srv/cohort/edge/ledger-pool.ts',
      dist: null,
      want: { url: 'file:///srv/cohort/edge/e-entry.mjs', loader: true },
    },
  ])('$what', ({ module, dist, want }) => {
    const e = entryFor(module, './e-entry.mjs', './e-thread.js', dist);
    expect({ url: e.url.href, loader: e.loader }).toEqual(want);
  });

  it("reads the path, not tsx's ?tsx-namespace= query of a module loaded in a thread tsx started", () => {
    const url = 'file:///srv/cohort/edge/ledger-pool.ts?tsx-namespace=1733000000000';
    expect(entryFor(url, './e.mjs', './t.js', null).url.href).toBe('file:///srv/cohort/edge/e.mjs');
    expect(entryFor(url, './e.mjs', './t.js', fresh).url.href).toBe('file:///srv/cohort/dist/edge/t.js');
  });

  it('in this checkout, names a file that exists: the compiled one after a build, the entry .mjs otherwise', () => {
    const e = threadEntry(
      pathToFileURL(fileURLToPath(new URL('../../coordinator/worker-pool.ts', import.meta.url))).href,
      './worker-entry.mjs',
      './worker-thread.js',
    );
    expect(existsSync(fileURLToPath(e.url))).toBe(true);
    expect(
      e.url.pathname.endsWith(e.loader ? '/coordinator/worker-entry.mjs' : '/dist/coordinator/worker-thread.js'),
    ).toBe(true);
  });
});
