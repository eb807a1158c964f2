import type { Role } from '../../core/auth/policy.ts';
import { Coordinator, type CoordinatorOptions } from '../../coordinator/coordinator.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import type { SimulatedNetwork } from '../../simulations/network.ts';

/**
 * Enrols each person with their role: a name on `net`'s roster under its
 * roster key (the key its daemon holds), anyone else under a fresh identity
 * key. Returns the identities by name.
 */
export function enrollFresh<N extends string>(
  coordinator: { enroll(name: string, role: Role, publicKey: Uint8Array): void },
  people: Record<N, Role>,
  net?: SimulatedNetwork,
): Record<N, Identity> {
  const ids = {} as Record<N, Identity>;
  for (const [name, role] of Object.entries(people) as [N, Role][]) {
    const id = net?.identities.get(name) ?? ed25519KeyPair();
    ids[name] = id;
    coordinator.enroll(name, role, id.publicKey);
  }
  return ids;
}

/**
 * A coordinator that admits enrolled identities only, listening on a free
 * port, with `people` enrolled as enrollFresh does; with `net`, it publishes
 * that network's roster. `options` are the coordinator's own, over those.
 */
export async function enrolledCoordinator<N extends string>(o: {
  dbPath: string;
  people: Record<N, Role>;
  net?: SimulatedNetwork;
  options?: Partial<CoordinatorOptions>;
}): Promise<{ coordinator: Coordinator; port: number; ids: Record<N, Identity> }> {
  const roster = o.net ? { roster: o.net.chain } : {};
  const coordinator = new Coordinator({ dbPath: o.dbPath, port: 0, requireEnrolment: true, ...roster, ...o.options });
  const port = await coordinator.listen();
  return { coordinator, port, ids: enrollFresh(coordinator, o.people, o.net) };
}
