/**
 * Where a worker thread or child process that runs our code starts.
 *
 * Compiled code (dist/, scripts/build.mjs) starts the compiled file beside
 * it. Source run through tsx (the tests) starts the compiled file in dist/
 * as well when dist/ is fresh, newer than every source (scripts/dist-fresh.mjs:
 * the check cohort.mjs makes before every run), which spares each thread
 * tsx's loader, about 0.6 s of CPU a start. Otherwise, or when
 * COHORT_FROM_SOURCE=1 asks for the source, it starts the entry .mjs that
 * loads the .ts body through tsx. The check is made once, when this module is
 * first imported: a source edited later in the life of that process is not
 * seen by the threads it starts from dist/ (a rebuild or a restart is).
 *
 * Paths are read from the URL's pathname: a module loaded by a thread that
 * tsx started has a URL ending in tsx's ?tsx-namespace= query.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');

/** dist/ when this is source run through tsx and dist/ holds a build of it that is fresh; null otherwise. */
const freshDist: { root: string; dist: string } | null = await (async () => {
  if (!fromSource || process.env.COHORT_FROM_SOURCE === '1') return null;
  const { distIsFresh, DIST, ROOT } = (await import(new URL('../scripts/dist-fresh.mjs', import.meta.url).href)) as {
    distIsFresh: () => boolean;
    DIST: string;
    ROOT: string;
  };
  return distIsFresh() ? { root: ROOT, dist: DIST } : null;
})();

/**
 * The file to start for the module at `moduleUrl` (its import.meta.url):
 * `compiled` (a path relative to the module, e.g. './worker-thread.js') in
 * dist/ or beside compiled code, else `sourceEntry` (e.g. './worker-entry.mjs',
 * or the .ts a child process runs through tsx's loader). `loader` says
 * whether the start needs tsx's loader (`--import tsx` for a child process;
 * the entry .mjs of a thread loads it itself).
 */
export function threadEntry(moduleUrl: string, sourceEntry: string, compiled: string): { url: URL; loader: boolean } {
  return entryFor(moduleUrl, sourceEntry, compiled, freshDist);
}

/** threadEntry with the state of dist/ given: `fresh` is the checkout's root and its fresh dist/, or null. */
export function entryFor(
  moduleUrl: string,
  sourceEntry: string,
  compiled: string,
  fresh: { root: string; dist: string } | null,
): { url: URL; loader: boolean } {
  const here = new URL(moduleUrl);
  if (!here.pathname.endsWith('.ts')) return { url: new URL(compiled, here), loader: false };
  if (fresh) {
    const inDist = join(fresh.dist, relative(fresh.root, dirname(fileURLToPath(here))));
    return { url: new URL(compiled, pathToFileURL(join(inDist, '/'))), loader: false };
  }
  return { url: new URL(sourceEntry, here), loader: true };
}
