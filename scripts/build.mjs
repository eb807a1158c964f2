/**
 * Builds dist/, the JavaScript the `cohort` command runs (cohort.mjs), from
 * the source folders: `npm run build`. `prepare` runs it during `npm ci`,
 * and `pretest` and `presimulate` before the tests and the simulation.
 *
 * esbuild compiles each .ts file on its own into the same place under dist/
 * (about 0.4 s for the whole tree; tsc --noCheck takes ~9 s), turning every
 * relative `./x.ts` import into `./x.js` and leaving packages as imports (so
 * tfjs stays lazily imported, and only when a command needs it). esbuild is
 * also what tsx runs the source through, so both modes get the same code.
 * Type-checking stays with `npm test`. Every other file under the source
 * folders (proto/cohort.proto, proto/generated/*.js, the dashboard's public/,
 * simulations/data/, the synthetic-EHR schemas) is copied beside the
 * compiled code, because the code finds its assets relative to itself
 * (import.meta.url); dist/ thus mirrors the source tree.
 */
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DIST, distIsFresh, ROOT, SOURCE_DIRS, STAMP_NAME } from './dist-fresh.mjs';

/** Not built: the dashboard page's own source (bundled into public/ by `npm run build:dashboard`), and the worker
 * entries that load their thread's .ts through tsx (from dist/, worker-pool.js starts worker-thread.js directly, and
 * ledger-verifier.js ledger-verifier-thread.js, edge/ledger-pool.js ledger-thread.js, ledger-http-verify.js
 * ledger-http-verify-thread.js, simulations/fed-pneumonia-seeds.js fed-pneumonia-thread.js). */
const SKIP = new Set([
  'coordinator/dashboard/web',
  'coordinator/worker-entry.mjs',
  'coordinator/dashboard/ledger-verifier-entry.mjs',
  'edge/ledger-thread-entry.mjs',
  'coordinator/ledger-http-verify-entry.mjs',
  'simulations/fed-pneumonia-thread-entry.mjs',
]);

function listFiles(dir, out = []) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (SKIP.has(path)) continue;
    if (entry.isDirectory()) listFiles(path, out);
    else if (!path.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Marks relative imports external, as the compiled file's sibling (.ts becomes .js): one output file per source file. */
const keepRelativeImports = {
  name: 'keep-relative-imports',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true },
    );
  },
};

/** Deletes what an earlier build wrote for a source file that is gone, so nothing can import it. */
function removeStale(outDir, expected, dir = outDir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (dir === outDir && entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) removeStale(outDir, expected, path);
    else if (!expected.has(relative(outDir, path))) rmSync(path);
  }
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return null;
  }
}

/** Builds into `outDir` (dist/ unless a test builds elsewhere: inside the repository, where packages resolve). */
export async function buildDist(outDir = DIST) {
  const esbuild = await loadEsbuild();
  if (esbuild === null) {
    // An install without dev dependencies (npm ci --omit=dev): cohort.mjs runs the source through tsx instead.
    process.stderr.write(
      'cohort build: esbuild is not installed (dev dependency): no dist/, cohort runs from source\n',
    );
    return false;
  }
  mkdirSync(outDir, { recursive: true });
  // The stamp goes first (a failed build leaves none, so cohort.mjs will not trust dist/); the file that becomes the
  // stamp is created before any source is read, so its time is older than any edit made while the build runs.
  const stamp = join(outDir, STAMP_NAME);
  rmSync(stamp, { force: true });
  const started = join(outDir, `.build-started-${process.pid}`);
  writeFileSync(started, '');
  const files = SOURCE_DIRS.flatMap((d) => listFiles(d));
  const code = files.filter((f) => f.endsWith('.ts'));
  const assets = files.filter((f) => !f.endsWith('.ts'));
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: code,
    outdir: outDir,
    outbase: '.',
    bundle: true,
    packages: 'external',
    plugins: [keepRelativeImports],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const f of assets) {
    mkdirSync(dirname(join(outDir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(outDir, f));
  }
  const expected = new Set(assets);
  for (const f of code) for (const ext of ['.js', '.js.map']) expected.add(f.replace(/\.ts$/, ext));
  removeStale(outDir, expected);
  renameSync(started, stamp);
  return true;
}

// `--if-stale` (pretest, presimulate): nothing to do when dist/ is already newer than every source, as right after
// `npm ci` built it; the same check cohort.mjs makes before every run.
if (process.argv[1] === import.meta.filename) {
  const t0 = performance.now();
  if (process.argv.includes('--if-stale') && distIsFresh()) process.stderr.write('cohort build: dist/ is up to date\n');
  else if (await buildDist()) {
    process.stderr.write(`cohort build: dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}
