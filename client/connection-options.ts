/** The options every command that talks to a running coordinator as an enrolled identity shares (`cohort job ...`, `cohort ledger fetch`). */
import type { Command } from 'commander';
import { clientTlsFromFiles, readIdentityKey } from '../edge/keys.ts';
import type { RequestOptions } from './request.ts';

export interface ConnectionFlags {
  coordinator: string;
  name: string;
  identity: string;
  ca?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure: boolean;
}

export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--coordinator <url>', 'coordinator URL (wss://, or ws:// on loopback)')
    .requiredOption('--name <name>', 'your enrolled name')
    .requiredOption('--identity <file.key>', 'your Ed25519 identity key file')
    .option('--ca <file.pem>', "wss://: the coordinator's certificate or CA to pin")
    .option('--tls-cert <file.pem>', 'mutual TLS: your client certificate')
    .option('--tls-key <file.pem>', 'mutual TLS: its key')
    .option('--insecure', 'allow plain ws:// off loopback (testing only)', false);
}

export function connectionOf(o: ConnectionFlags): RequestOptions {
  const tls = clientTlsFromFiles(o);
  return {
    coordinatorUrl: o.coordinator,
    name: o.name,
    identity: readIdentityKey(o.identity),
    insecure: o.insecure,
    ...(tls ? { tls } : {}),
  };
}
