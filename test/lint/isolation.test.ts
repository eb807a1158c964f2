/**
 * The unit project shares each worker's module cache between suites
 * (vitest.config.ts, isolate: false). A suite that changes what a process
 * shares must run alone, in the isolated or slow project: this finds every
 * such suite by what it does, and fails naming any that would share.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { ISOLATED, SLOW } from '../../vitest.config.ts';

/** What a suite may do that outlives it in a shared process. */
const SHARED_STATE: readonly [string, RegExp][] = [
  ['mocks a module', /\bvi\.(mock|doMock|unmock|resetModules)\(/],
  ['stubs a global or the environment', /\bvi\.(stubGlobal|stubEnv)\(/],
  ['sets or deletes an environment variable', /process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env/],
  ['changes the working directory', /process\.chdir\(/],
  ['installs a process-wide handler', /process\.(on|once|addListener)\(/],
  ['records every frame and write the process makes, a lingering earlier suite\u2019s too', /\bcaptureOutbound\(/],
  ['chooses tfjs\u2019s backend', /\bsetBackend\(/],
  ['imports the trainer fixtures, which choose tfjs\u2019s backend', /from '[./]*(client\/)?trainer\/fixtures\.ts'/],
];

function suites(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return suites(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Suites that do one of SHARED_STATE's things, each with what it does. */
export function sharedStateSuites(files: readonly string[], read: (f: string) => string): [string, string][] {
  return files.flatMap((f) => {
    const text = read(f);
    const hit = SHARED_STATE.find(([, re]) => re.test(text));
    return hit ? [[f, hit[0]] as [string, string]] : [];
  });
}

describe('suites that share a worker', () => {
  const alone = picomatch([...ISOLATED, ...SLOW]);

  it('every suite that changes process-wide state runs in a fresh process', () => {
    const self = 'test/lint/isolation.test.ts'; // names every pattern it looks for
    const files = suites('test')
      .map((f) => f.split('\\').join('/'))
      .filter((f) => f !== self);
    const sharing = sharedStateSuites(files, (f) => readFileSync(f, 'utf8')).filter(([f]) => !alone(f));
    expect(sharing).toEqual([]);
  });

  it('finds each kind of such suite, and passes one that does none of them', () => {
    const texts: Record<string, string> = {
      'a.test.ts': "vi.mock('../x.ts');",
      'b.test.ts': 'process.env.COHORT_TF_BACKEND = "cpu";',
      'c.test.ts': "await tf.setBackend('cpu');",
      'd.test.ts': "import { model } from '../client/trainer/fixtures.ts';",
      'e.test.ts': "process.on('exit', () => {});",
      'g.test.ts': 'const { frames, consoleText } = captureOutbound();',
      'f.test.ts': "import { spec } from './fixtures.ts'; expect(process.env.HOME === 'x').toBe(false);",
    };
    const found = sharedStateSuites(Object.keys(texts), (f) => texts[f]!).map(([f]) => f);
    expect(found).toEqual(['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', 'e.test.ts', 'g.test.ts']);
    expect(alone('test/client/trainer/views.test.ts')).toBe(true);
    expect(alone('test/core/privacy/pld.test.ts')).toBe(false);
  });
});
