/**
 * cohort.mjs runs dist/ only when distIsFresh: a build stamp newer than every
 * file and folder it is built from. Times are set with utimes, not waited for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BUILD_INPUTS, SOURCE_DIRS, STAMP_NAME, distIsFresh } from '../../scripts/dist-fresh.mjs';

const OLD = 1_000_000; // seconds: the sources' time
const BUILT = 2_000_000; // the stamp's

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A tree with every input older than the stamp; returns its root and dist folder. */
function tree(): { root: string; dist: string; touch: (path: string, seconds: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'cohort-fresh-'));
  roots.push(root);
  const dist = join(root, 'dist');
  const touch = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
  const files = [...SOURCE_DIRS.map((d) => `${d}/sub/a.ts`), ...BUILD_INPUTS, `dist/${STAMP_NAME}`];
  for (const f of files) {
    mkdirSync(join(root, dirname(f)), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  for (const d of SOURCE_DIRS) for (const p of [`${d}/sub/a.ts`, `${d}/sub`, d]) touch(p, OLD);
  for (const f of BUILD_INPUTS) touch(f, OLD);
  touch(`dist/${STAMP_NAME}`, BUILT);
  return { root, dist, touch };
}

describe('distIsFresh', () => {
  it('is fresh when every input is older than the stamp', () => {
    const { root, dist } = tree();
    expect(distIsFresh(root, dist)).toBe(true);
  });

  it('is stale when a source file deep in a folder is newer than the stamp, or as new', () => {
    for (const seconds of [BUILT + 1, BUILT]) {
      const { root, dist, touch } = tree();
      touch('core/sub/a.ts', seconds);
      expect(distIsFresh(root, dist)).toBe(false);
    }
  });

  it('is stale when a file was removed after the build (its folder changed)', () => {
    const { root, dist } = tree();
    unlinkSync(join(root, 'edge/sub/a.ts'));
    expect(distIsFresh(root, dist)).toBe(false);
  });

  it('is stale when the build script changed', () => {
    const { root, dist, touch } = tree();
    touch('scripts/build.mjs', BUILT + 1);
    expect(distIsFresh(root, dist)).toBe(false);
  });

  it('is stale when no build completed (no stamp)', () => {
    const { root, dist } = tree();
    unlinkSync(join(dist, STAMP_NAME));
    expect(distIsFresh(root, dist)).toBe(false);
  });
});
