import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure } from '../helpers/cli.ts';

/** `cohort roster init` of `network` with `members` (each `name=key file or hex key`), written to `out`. */
const rosterInit = (network: string, members: string[], out: string) =>
  cohort('roster', 'init', '--network', network, ...members.flatMap((m) => ['--member', m]), '--out', out);

describe('cohort roster', () => {
  it('init, every member signs, verify; then a fifth member with q(4) = 3 old signers', { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-roster-'));
    const roster = join(dir, 'roster.json');
    const names = ['h1', 'h2', 'h3', 'h4', 'h5'];
    const keyFile = (n: string) => join(dir, `${n}.key`);
    const pub = new Map(names.map((n) => [n, cohort('keys', 'generate', '--out', keyFile(n)).out.trim()]));

    // Two members by key file, two by hex.
    const init = rosterInit(
      'eu-net',
      [`h1=${keyFile('h1')}`, `h2=${keyFile('h2')}`, `h3=${pub.get('h3')}`, `h4=${pub.get('h4')!.toUpperCase()}`],
      roster,
    );
    expect(init.code).toBe(0);
    expect(readFileSync(roster, 'utf8')).toMatch(/^\{\n {2}"versions": \[\n[\s\S]*\n\}\n$/);
    expectFailure(rosterInit('eu-net', [`h1=${keyFile('h1')}`], roster), 'E_CONFIG_INVALID'); // it exists
    expectFailure(cohort('roster', 'verify', '--roster', roster), 'E_ROSTER_INVALID');

    const fingerprint = cohort('roster', 'fingerprint', '--key', keyFile('h3')).out.trim();
    expect(fingerprint).toMatch(/^([0-9a-f]{4}-){7}[0-9a-f]{4}$/);
    const first = cohort('roster', 'sign', '--roster', roster, '--name', 'h1', '--identity', keyFile('h1'));
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/signing roster "eu-net" version 1 as h1/);
    expect(first.out).toContain(fingerprint); // printed before signing, for the out-of-band check
    for (const n of ['h2', 'h3', 'h4'])
      expect(cohort('roster', 'sign', '--roster', roster, '--name', n, '--identity', keyFile(n)).code).toBe(0);
    const v1 = cohort('roster', 'verify', '--roster', roster);
    expect(v1.code).toBe(0);
    expect(v1.out).toMatch(/^roster eu-net v1 verified: 4 members, hash [0-9a-f]{64}\n$/);

    expect(cohort('roster', 'add', '--roster', roster, '--member', `h5=${pub.get('h5')}`).code).toBe(0);
    const signedAs = (n: string) =>
      expect(cohort('roster', 'sign', '--roster', roster, '--name', n, '--identity', keyFile(n)).code).toBe(0);
    ['h5', 'h1', 'h2'].forEach(signedAs);
    expectFailure(cohort('roster', 'verify', '--roster', roster), 'E_ROSTER_INVALID');
    const show = JSON.parse(cohort('roster', 'show', '--roster', roster, '--json').out);
    expect(show.head).toMatchObject({ version: 1, size: 4 });
    expect(show.versions[1]).toMatchObject({
      version: 2,
      signers: ['h1', 'h2', 'h5'],
      required: [],
      unsigned: ['h3', 'h4'],
      quorum: { have: 2, need: 3 },
      complete: false,
    });
    expect(show.versions[1].members.find((m: { name: string }) => m.name === 'h3').fingerprint).toBe(fingerprint);
    expect(cohort('roster', 'show', '--roster', roster).out).toMatch(
      /version 2 .*incomplete \(2 of 3 quorum signatures\)[\s\S]*may still sign: h3, h4/,
    );

    signedAs('h3');
    const v2 = cohort('roster', 'verify', '--roster', roster);
    expect(v2.code).toBe(0);
    expect(v2.out).toMatch(/^roster eu-net v2 verified: 5 members, hash [0-9a-f]{64}\n$/);
  });

  it(
    'signs to --out, removes members, and refuses bad input with a typed error and no stack trace',
    { timeout: 120_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'cohort-roster-'));
      const roster = join(dir, 'roster.json');
      const keyFile = (n: string) => join(dir, `${n}.key`);
      for (const n of ['a', 'b']) cohort('keys', 'generate', '--out', keyFile(n));
      expect(rosterInit('net', [`a=${keyFile('a')}`, `b=${keyFile('b')}`], roster).code).toBe(0);
      const before = readFileSync(roster, 'utf8');
      const signed = join(dir, 'signed.json');
      expect(
        cohort('roster', 'sign', '--roster', roster, '--name', 'a', '--identity', keyFile('a'), '--out', signed).code,
      ).toBe(0);
      expect(readFileSync(roster, 'utf8')).toBe(before);
      expectFailure(
        cohort('roster', 'sign', '--roster', signed, '--name', 'b', '--identity', keyFile('a')),
        'E_ROSTER_INVALID',
      );
      expect(cohort('roster', 'sign', '--roster', signed, '--name', 'b', '--identity', keyFile('b')).code).toBe(0);
      expect(cohort('roster', 'remove', '--roster', signed, '--member', 'b').out).toMatch(
        /drafted version 2: 1 members/,
      );
      expectFailure(cohort('roster', 'remove', '--roster', signed, '--member', 'a'), 'E_ROSTER_INVALID'); // version 2 unsigned

      const missing = cohort('roster', 'show', '--roster', join(dir, 'missing.json'));
      expectFailure(missing, 'E_CONFIG_INVALID');
      expect(missing.err).toContain('missing.json');
      const junk = join(dir, 'junk.json');
      writeFileSync(junk, '{"versions": [');
      expectFailure(cohort('roster', 'verify', '--roster', junk), 'E_CONFIG_INVALID');
      writeFileSync(junk, '{"versions": []}\n');
      expectFailure(cohort('roster', 'verify', '--roster', junk), 'E_ROSTER_INVALID');
      expectFailure(rosterInit('net', ['a'], join(dir, 'x.json')), 'E_CONFIG_INVALID');
      expectFailure(rosterInit('net', [`a=${join(dir, 'nokey')}`], join(dir, 'x.json')), 'E_CONFIG_INVALID');
    },
  );
});
