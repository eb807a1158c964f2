/**
 * A simulated hospital network: each hospital gets a fresh identity key and
 * all of them sign the network's roster (core/roster/ genesisRoster: the
 * signing ceremony in one call), which the coordinator publishes and every
 * daemon holds, as real sites would after exchanging key fingerprints.
 */
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { genesisRoster, verifyRosterChain, type Roster, type RosterChain } from '../core/roster/index.ts';

export interface SimulatedNetwork {
  identities: Map<string, Identity>;
  chain: RosterChain;
  head: Roster;
  identity(name: string): Identity;
}

export function simulatedNetwork(names: readonly string[], network = 'simulated'): SimulatedNetwork {
  const identities = new Map(names.map((n) => [n, ed25519KeyPair()]));
  const chain = genesisRoster(
    network,
    names.map((name) => ({ name, identity: identities.get(name)! })),
  );
  return { identities, chain, head: verifyRosterChain(chain), identity: (name) => identities.get(name)! };
}
