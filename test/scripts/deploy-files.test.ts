/**
 * The deployment files in docs/deploy/ (docs/deploy.md), exercised as far as
 * a machine without a container engine allows: the Dockerfiles pass a
 * Dockerfile linter (dockerfile-utils, the validator of VS Code's Docker
 * language server) and the rules we hold them to (multi-stage, a non-root
 * runtime user, a health check in the runtime stage); the systemd units pass
 * `systemd-analyze verify` and carry the hardening docs/deploy.md promises.
 * `docker build` itself cannot run here: no engine.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';

const deploy = join(import.meta.dirname, '..', '..', 'docs', 'deploy');
const read = (name: string) => readFileSync(join(deploy, name), 'utf8');

/** The instructions of a Dockerfile's last stage, continuation lines joined, comments dropped. */
function runtimeStage(text: string): string[] {
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const stages = lines.reduce<string[][]>(
    (acc, l) => (/^FROM\b/i.test(l) ? [...acc, [l]] : (acc.at(-1)!.push(l), acc)),
    [],
  );
  expect(stages.length, 'multi-stage').toBeGreaterThanOrEqual(2);
  return stages.at(-1)!;
}

describe('Dockerfiles', () => {
  for (const name of ['coordinator.Dockerfile', 'client.Dockerfile']) {
    it(`${name}: no linter diagnostics; multi-stage, non-root, with a health check`, () => {
      const text = read(name);
      expect(validate(text)).toEqual([]);
      const stage = runtimeStage(text);
      expect(stage.some((l) => /^COPY --from=build\b/.test(l))).toBe(true);
      const user = stage.filter((l) => l.startsWith('USER ')).at(-1);
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^USER\s+(root|0)(:|\s|$)/);
      expect(stage.filter((l) => l.startsWith('HEALTHCHECK ')).length).toBe(1);
      expect(text).toMatch(/npm ci\b/);
    });
  }

  it('the linter does flag a broken Dockerfile (the check can fail)', () => {
    expect(validate('FROM node:20\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n').length).toBeGreaterThan(0);
  });
});

describe('systemd units', () => {
  const units = ['cohort-coordinator.service', 'cohort-client.service'];

  it('pass systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', ...units.map((u) => `./${u}`)], {
      cwd: deploy,
      encoding: 'utf8',
    });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('verify reports a misspelt or invalid directive (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-unit-'));
    const bad = read(units[0]!)
      .replace('ProtectSystem=strict', 'ProtectSystem=bogus')
      .replace('DynamicUser=', 'DynamicUsr=');
    writeFileSync(join(dir, 'bad.service'), bad);
    const r = spawnSync('systemd-analyze', ['verify', './bad.service'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toMatch(/Unknown key 'DynamicUsr'/);
    expect(r.stderr).toMatch(/protect system value/);
  });

  for (const unit of units) {
    it(`${unit}: hardened (dedicated user, read-only system, state directory, no privilege gain)`, () => {
      const text = read(unit);
      for (const line of [
        'DynamicUser=yes',
        'ProtectSystem=strict',
        'NoNewPrivileges=yes',
        'ProtectHome=yes',
        'PrivateTmp=yes',
        'CapabilityBoundingSet=',
        'RestartPreventExitStatus=2',
      ])
        expect(text.split('\n'), line).toContain(line);
      expect(text).toMatch(/^StateDirectory=cohort-/m);
    });
  }
});
