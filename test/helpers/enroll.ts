import type { Role } from '../../core/auth/policy.ts';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';

/** Enrols each person with their role and a fresh identity key; returns the identities by name. */
export function enrollFresh(
  coordinator: { enroll(name: string, role: Role, publicKey: Uint8Array): void },
  people: Record<string, Role>,
): Record<string, Identity> {
  const ids: Record<string, Identity> = {};
  for (const [name, role] of Object.entries(people)) {
    ids[name] = ed25519KeyPair();
    coordinator.enroll(name, role, ids[name].publicKey);
  }
  return ids;
}

/** A coordinator that admits enrolled identities only, listening on a free port, with `people` enrolled under fresh keys. */
export async function enrolledCoordinator(
  dbPath: string,
  people: Record<string, Role>,
): Promise<{ coordinator: Coordinator; port: number; ids: Record<string, Identity> }> {
  const coordinator = new Coordinator({ dbPath, port: 0, requireEnrolment: true });
  const port = await coordinator.listen();
  return { coordinator, port, ids: enrollFresh(coordinator, people) };
}
