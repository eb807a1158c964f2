/**
 * `cohort roster`: the network's hospitals and their identity keys, signed by
 * the hospitals (core/roster/). For the network admin, who drafts versions
 * (init, add, remove), and for each hospital's operator, who checks what a
 * version lists and signs it (show, sign), and anyone who checks a roster
 * file (verify). All file I/O of the roster is here; core/roster is pure.
 */
import type { Command } from 'commander';
import { CohortError } from '../core/errors.ts';
import {
  draftGenesis,
  draftRosterChange,
  rosterDiff,
  rosterFingerprint,
  rosterStatus,
  signRoster,
  verifyRosterChain,
  type RosterChain,
  type RosterMember,
  type RosterStatus,
} from '../core/roster/index.ts';
import { readIdentityKey, readPublicKeyFile } from '../edge/keys.ts';
import { readRosterFile, writeRosterFile } from '../edge/roster-file.ts';

/** Characters of a body hash shown where the full hash would not fit. */
const HASH_PREFIX = 16;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Registers `cohort roster` and returns it, for the coordinator's `publish` (coordinator/cli.ts) to join. */
export function registerRoster(program: Command): Command {
  const cmd = program
    .command('roster')
    .description("the network's hospitals and their identity keys, in versions signed by the hospitals");
  registerInit(cmd);
  registerSign(cmd);
  registerChange(cmd);
  registerShow(cmd);
  registerVerify(cmd);
  registerFingerprint(cmd);
  return cmd;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const MEMBER_HELP =
  'a member as NAME=KEY, KEY being 64 hex digits or a key file (a cohort identity key file, or a file of 64 hex digits); repeat for each';

function registerInit(cmd: Command): void {
  cmd
    .command('init')
    .description('start a network: write a roster file with an unsigned version 1, which every member then signs')
    .requiredOption('--network <name>', 'the network name ([A-Za-z0-9._-])')
    .option('--member <name=key>', MEMBER_HELP, collect, [])
    .requiredOption('--out <file>', 'the roster file to create (never overwritten)')
    .action((o: { network: string; member: string[]; out: string }) => {
      if (o.member.length === 0)
        throw new CohortError('E_CONFIG_INVALID', 'roster init needs at least one --member NAME=KEY');
      const chain = draftGenesis(o.network, o.member.map(memberArg));
      writeRosterFile(o.out, chain, 'create');
      process.stdout.write(
        `wrote ${o.out}: roster "${o.network}" version 1, ${chain.versions[0]!.body.members.length} members, unsigned; each member now runs \`cohort roster sign\`\n`,
      );
    });
}

function registerSign(cmd: Command): void {
  cmd
    .command('sign')
    .description(
      'sign the last version of a roster file as one member, after printing what it lists (compare the fingerprints out of band)',
    )
    .requiredOption('--roster <file>', 'the roster file')
    .requiredOption('--name <name>', 'the member signing')
    .requiredOption('--identity <file.key>', "the member's identity key file")
    .option('--out <file>', 'write the signed roster here (default: replace --roster)')
    .action((o: { roster: string; name: string; identity: string; out?: string }) => {
      const chain = readRosterFile(o.roster);
      const identity = readIdentityKey(o.identity);
      process.stdout.write(describeLastVersion(chain, o.name));
      let signed: RosterChain;
      try {
        signed = signRoster(chain, o.name, identity);
      } finally {
        identity.secretKey.fill(0);
      }
      writeRosterFile(o.out ?? o.roster, signed, 'replace');
      const last = rosterStatus(signed).versions.at(-1)!;
      process.stdout.write(`signed version ${last.version} as ${o.name}: ${progressOf(last)}\n`);
    });
}

function registerChange(cmd: Command): void {
  const draft = (verb: 'add' | 'remove', o: { roster: string; member: string[]; out?: string }) => {
    if (o.member.length === 0) throw new CohortError('E_CONFIG_INVALID', `roster ${verb} needs at least one --member`);
    const chain = readRosterFile(o.roster);
    const next = draftRosterChange(chain, verb === 'add' ? { add: o.member.map(memberArg) } : { remove: o.member });
    writeRosterFile(o.out ?? o.roster, next, 'replace');
    const s = rosterStatus(next).versions.at(-1)!;
    process.stdout.write(`drafted version ${s.version}: ${s.members.length} members; ${progressOf(s)}\n`);
  };
  cmd
    .command('add')
    .description('draft the next version with members added, or re-keyed if the name is already a member')
    .requiredOption('--roster <file>', 'the roster file (its last version must be complete)')
    .option('--member <name=key>', MEMBER_HELP, collect, [])
    .option('--out <file>', 'write the roster here (default: replace --roster)')
    .action((o: { roster: string; member: string[]; out?: string }) => draft('add', o));
  cmd
    .command('remove')
    .description('draft the next version with members removed')
    .requiredOption('--roster <file>', 'the roster file (its last version must be complete)')
    .option('--member <name>', 'a member to remove; repeat for each', collect, [])
    .option('--out <file>', 'write the roster here (default: replace --roster)')
    .action((o: { roster: string; member: string[]; out?: string }) => draft('remove', o));
}

function registerShow(cmd: Command): void {
  cmd
    .command('show')
    .description('each version of a roster file: members with fingerprints, who signed, what is missing')
    .requiredOption('--roster <file>', 'the roster file')
    .option('--json', 'print as JSON', false)
    .action((o: { roster: string; json: boolean }) => {
      const chain = readRosterFile(o.roster);
      const status = rosterStatus(chain);
      const network = chain.versions[0]!.body.network;
      process.stdout.write(
        o.json ? `${JSON.stringify(statusJson(network, status), null, 2)}\n` : formatStatus(network, status),
      );
    });
}

function registerVerify(cmd: Command): void {
  cmd
    .command('verify')
    .description('check that every version of a roster file is well formed, linked and fully signed')
    .requiredOption('--roster <file>', 'the roster file')
    .action((o: { roster: string }) => {
      const head = verifyRosterChain(readRosterFile(o.roster));
      process.stdout.write(
        `roster ${head.network} v${head.version} verified: ${head.size} members, hash ${head.hash}\n`,
      );
    });
}

function registerFingerprint(cmd: Command): void {
  cmd
    .command('fingerprint')
    .description("print a key's fingerprint, to read out during the signing ceremony")
    .requiredOption(
      '--key <key>',
      '64 hex digits or a key file (a cohort identity key file, or a file of 64 hex digits)',
    )
    .action((o: { key: string }) => {
      process.stdout.write(`${rosterFingerprint(keyArg(o.key))}\n`);
    });
}

/** NAME=KEY, KEY being 64 hex digits or a key file. */
function memberArg(arg: string): RosterMember {
  const at = arg.indexOf('=');
  if (at <= 0 || at === arg.length - 1)
    throw new CohortError('E_CONFIG_INVALID', `--member expected NAME=KEY, got "${arg}"`);
  return { name: arg.slice(0, at), key: keyArg(arg.slice(at + 1)) };
}

function keyArg(key: string): string {
  if (HEX64.test(key)) return key.toLowerCase();
  return Buffer.from(readPublicKeyFile(key)).toString('hex');
}

function describeLastVersion(chain: RosterChain, signer: string): string {
  const last = chain.versions.at(-1)!.body;
  const prev = chain.versions.at(-2)?.body ?? null;
  const diff = prev ? rosterDiff(prev, last) : null;
  const added = new Set(diff?.added.map((m) => m.name));
  const rekeyed = new Set(diff?.rekeyed.map((r) => r.name));
  const lines = [
    `signing roster "${last.network}" version ${last.version} as ${signer}`,
    `  previous: ${last.previous === null ? 'none (version 1: every member signs)' : `version ${prev!.version}, hash ${last.previous}`}`,
    `  members (${last.members.length}):`,
    ...last.members.map(
      (m) =>
        `    ${m.name.padEnd(24)} ${rosterFingerprint(m.key)}${added.has(m.name) ? '  added' : rekeyed.has(m.name) ? '  new key' : ''}`,
    ),
  ];
  for (const r of diff?.rekeyed ?? [])
    lines.push(`  re-keyed: ${r.name} ${rosterFingerprint(r.from)} -> ${rosterFingerprint(r.to)}`);
  for (const m of diff?.removed ?? []) lines.push(`  removed:  ${m.name} ${rosterFingerprint(m.key)}`);
  lines.push('compare every fingerprint with its hospital out of band (cohort roster fingerprint --key <its key>)');
  return `${lines.join('\n')}\n`;
}

function progressOf(s: RosterStatus['versions'][number]): string {
  if (s.complete) return 'complete';
  const parts = [];
  if (s.quorum && s.quorum.have < s.quorum.need) parts.push(`${s.quorum.have} of ${s.quorum.need} quorum signatures`);
  if (s.required.length > 0) parts.push(`must still sign: ${s.required.join(', ')}`);
  return `incomplete (${parts.join('; ')})`;
}

function statusJson(network: string, status: RosterStatus): unknown {
  return {
    network,
    head: status.head && { version: status.head.version, hash: status.head.hash, size: status.head.size },
    versions: status.versions.map((s) => ({
      ...s,
      members: s.members.map((m) => ({ ...m, fingerprint: rosterFingerprint(m.key) })),
    })),
    problems: status.problems,
  };
}

function formatStatus(network: string, status: RosterStatus): string {
  const head = status.head
    ? `head version ${status.head.version} (${status.head.size} members, hash ${status.head.hash})`
    : 'no complete version';
  const lines = [
    `roster "${network}": ${status.versions.length} version${status.versions.length === 1 ? '' : 's'}, ${head}`,
  ];
  for (const s of status.versions) {
    const signed = new Set(s.signers);
    lines.push(`version ${s.version}  hash ${s.hash.slice(0, HASH_PREFIX)}…  ${progressOf(s)}`);
    for (const m of s.members)
      lines.push(`  ${m.name.padEnd(24)} ${rosterFingerprint(m.key)}  ${signed.has(m.name) ? 'signed' : 'not signed'}`);
    const others = s.signers.filter((n) => !s.members.some((m) => m.name === n));
    if (others.length > 0) lines.push(`  also signed (removed members): ${others.join(', ')}`);
    if (!s.complete && s.unsigned.length > 0) lines.push(`  may still sign: ${s.unsigned.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
