/**
 * The guard rails of eslint.config.js fail when they should: each forbidden
 * arrow of docs/architecture.md, an import cycle and the size caps are planted
 * and must be reported under their rule id, while real, clean files pass.
 * A rule that silently matched nothing (a wrong zone path, a resolver that
 * sees no .ts imports) would turn `npm test` green over a broken layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });
// The config's ignores hide planted folders from `eslint .`; this instance lints them, under the same rules.
const planted = new ESLint({ cwd: root, ignore: false });

/** Rule ids ESLint reports for `code` as if it were the file at `path` (relative to the repo). */
async function ruleIds(code: string, path: string, linter = eslint): Promise<string[]> {
  const [result] = await linter.lintText(code, { filePath: join(root, path) });
  const ids = result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
  return [...new Set(ids)].sort();
}

/** The messages of one rule, to check they name the rule they enforce. */
async function messages(code: string, path: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

/** Some real TypeScript file of a folder, so the planted import resolves however that folder is split. */
function someFile(dir: string): string {
  const name = readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()[0];
  if (!name) throw new Error(`no .ts file in ${dir}`);
  return `${dir}/${name}`;
}

/** `import` of a real file of `toDir` from a file in `fromDir` (both one level below the root). */
function importFrom(toDir: string): string {
  return `import * as target from '../${someFile(toDir)}';\n\nexport const planted = target;\n`;
}

const BOUNDARY = 'import-x/no-restricted-paths';

describe('layer boundaries', () => {
  // For each layer, the folders it may not import (docs/architecture.md) and some it may: a rule that matched
  // nothing fails the first list, one that matched too much the second.
  const arrows: Record<string, { forbidden: string[]; allowed: string[] }> = {
    core: { forbidden: ['coordinator', 'edge', 'test/helpers'], allowed: [] },
    proto: { forbidden: ['core'], allowed: [] },
    edge: { forbidden: ['client', 'coordinator'], allowed: ['core'] },
    coordinator: { forbidden: ['client', 'cli', 'bench'], allowed: ['edge'] },
    client: { forbidden: ['coordinator', 'cli'], allowed: ['edge'] },
    cli: { forbidden: [], allowed: ['coordinator'] },
    simulations: { forbidden: ['cli'], allowed: ['client'] },
    bench: { forbidden: [], allowed: ['test/helpers'] },
    test: { forbidden: [], allowed: ['cli'] },
  };
  const lintImport = async (from: string, to: string) => ruleIds(importFrom(to), `${from}/planted.ts`);
  for (const [from, { forbidden, allowed }] of Object.entries(arrows)) {
    for (const to of forbidden)
      it(`${from}/ importing ${to}/ is reported`, async () => expect(await lintImport(from, to)).toEqual([BOUNDARY]));
    for (const to of allowed)
      it(`${from}/ importing ${to}/ is allowed`, async () => expect(await lintImport(from, to)).toEqual([]));
  }

  it('each report names the rule and where it is written down', async () => {
    const [message] = await messages(importFrom('coordinator'), 'core/planted.ts', BOUNDARY);
    expect(message).toContain('core is pure');
    expect(message).toContain('docs/architecture.md');
  });

  it('core imports no I/O module, but pure helpers of node: modules pass', async () => {
    for (const mod of [
      'node:fs',
      'fs',
      'node:http',
      'node:child_process',
      'ws',
      'pino',
      'commander',
      'better-sqlite3',
    ]) {
      const code = `import * as m from '${mod}';\n\nexport const planted = m;\n`;
      expect(await ruleIds(code, 'core/planted.ts'), mod).toEqual(['no-restricted-imports']);
    }
    const sockets = `import { createServer } from 'node:net';\n\nexport const planted = createServer;\n`;
    expect(await ruleIds(sockets, 'core/planted.ts')).toEqual(['no-restricted-imports']);
    const pure = `import { isIPv4 } from 'node:net';\nimport { createHash } from 'node:crypto';\n\nexport const planted = [isIPv4, createHash];\n`;
    expect(await ruleIds(pure, 'core/planted.ts')).toEqual([]);
    // Only core is held to it: edge/ exists to do the I/O.
    const io = `import { readFileSync } from 'node:fs';\n\nexport const planted = readFileSync;\n`;
    expect(await ruleIds(io, 'edge/planted.ts')).toEqual([]);
  });
});

describe('import cycles', () => {
  // ESLint's ignores hide this folder from `eslint .`, so a run killed before afterAll leaves nothing that fails lint.
  const dir = join(root, 'test', 'lint', `.lint-planted-${process.pid}`);
  const a = `import { b } from './b.ts';\n\nexport const a = (): number => b() + 1;\n`;
  const b = `import { a } from './a.ts';\n\nexport const b = (): number => (a ? 1 : 0);\n`;

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.ts'), a);
    writeFileSync(join(dir, 'b.ts'), b);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a two-file cycle is reported in both files', async () => {
    const path = relative(root, dir);
    expect(await ruleIds(a, `${path}/a.ts`, planted)).toEqual(['import-x/no-cycle']);
    expect(await ruleIds(b, `${path}/b.ts`, planted)).toEqual(['import-x/no-cycle']);
  });

  it('a type-only import back does not count: it is erased before the program runs', async () => {
    const typeOnly = `import type { a } from './a.ts';\n\nexport const b = (f: typeof a): number => f();\n`;
    expect(await ruleIds(typeOnly, `${relative(root, dir)}/b.ts`, planted)).toEqual([]);
  });
});

describe('size caps', () => {
  /** A function with `n` lines of code in its body, plus blank lines and comments that must not count. */
  function functionOf(n: number): string {
    const body = Array.from({ length: n }, (_, i) => `  total += ${i};\n\n  // step ${i}`).join('\n');
    return `export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
  }
  /** A file of `n` lines of code, with blank lines and comments between them. */
  function fileOf(n: number): string {
    return Array.from({ length: n }, (_, i) => `export const c${i} = ${i};\n\n// constant ${i}`).join('\n') + '\n';
  }

  it('a function over 60 lines of code is reported; blank lines and comments do not count', async () => {
    // functionOf(n) has n + 4 lines of code: the signature, `let`, `return` and the closing brace.
    expect(await ruleIds(functionOf(57), 'core/planted.ts')).toEqual(['max-lines-per-function']);
    expect(await ruleIds(functionOf(56), 'core/planted.ts')).toEqual([]);
  });

  it('a file over 400 lines of code is reported; blank lines and comments do not count', async () => {
    expect(await ruleIds(fileOf(401), 'edge/planted.ts')).toEqual(['max-lines']);
    expect(await ruleIds(fileOf(400), 'edge/planted.ts')).toEqual([]);
  });

  it('tests are exempt from the caps', async () => {
    const test = fileOf(401) + functionOf(100);
    expect(await ruleIds(test, 'test/core/planted.test.ts')).toEqual([]);
  });
});

describe('the real tree', () => {
  it('clean files produce no report', async () => {
    const files = [
      'core/errors.ts',
      'core/secagg/shamir.ts',
      'edge/keys.ts',
      'eslint.config.js',
      'test/lint/boundaries.test.ts',
    ];
    const results = await eslint.lintFiles(files.map((f) => join(root, f)));
    expect(results.map((r) => [relative(root, r.filePath), r.messages.map((m) => m.ruleId)])).toEqual(
      files.map((f) => [f, []]),
    );
  });
});

describe('prettier', () => {
  it('--check fails on a badly formatted file and passes once formatted', async () => {
    const filepath = join(root, 'core', 'planted.ts');
    const options = { ...(await prettier.resolveConfig(filepath)), filepath };
    const bad = `export   const  x = {a:1,b:"two"}\n`;
    expect(await prettier.check(bad, options)).toBe(false);
    expect(await prettier.check(await prettier.format(bad, options), options)).toBe(true);
  });
});
