/** `cohort keys`: identity keys. Its own module, so that generating a key loads only what it needs. */
import type { Command } from 'commander';
import { writeIdentityKey } from '../edge/keys.ts';

export function registerKeys(program: Command): void {
  program
    .command('keys')
    .description('identity keys')
    .command('generate')
    .description('write a new Ed25519 identity key file (mode 0600; refuses to overwrite) and print its public key')
    .requiredOption('--out <file.key>', 'where to write the key')
    .action((o: { out: string }) => {
      const { publicKey } = writeIdentityKey(o.out);
      process.stdout.write(`${Buffer.from(publicKey).toString('hex')}\n`);
    });
}
