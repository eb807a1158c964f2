/**
 * Builds the dashboard's script and stylesheet into coordinator/dashboard/public,
 * beside the page itself (public/index.html, written by hand: it has one copy).
 * The bundles are committed, so a clean clone serves the page without a build;
 * test/coordinator/dashboard/api.test.ts rebuilds into a temporary directory and
 * fails on any difference. esbuild bundles the page's TypeScript and uPlot into
 * one script and one stylesheet: nothing is fetched from anywhere else at run time.
 *   npm run build:dashboard
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const PUBLIC_DIR = join(HERE, 'public');
/** What the build writes (public/index.html is not built). */
export const PUBLIC_FILES = ['app.js', 'app.css'];

export async function buildDashboard(outDir = PUBLIC_DIR): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const common = { absWorkingDir: HERE, bundle: true, minify: true, logLevel: 'silent', legalComments: 'eof' } as const;
  await build({
    ...common,
    entryPoints: ['web/main.ts'],
    outfile: join(outDir, 'app.js'),
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  });
  await build({ ...common, entryPoints: ['web/style.css'], outfile: join(outDir, 'app.css') });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildDashboard();
