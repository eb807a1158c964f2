/**
 * Which roles may send which frame once the handshake is done: the frame-level
 * companion of the action table (policy.ts). A hospital's frames join and
 * decline jobs, carry updates, evaluations and secure-aggregation messages,
 * acknowledge ledger entries, cosign the ledger's checkpoints as its witnesses and report errors about a job's rounds; several
 * of them become signed ledger entries (a budget refusal, a decline), so no
 * other role may send any of them. A Request is every role's: its action is
 * checked against POLICY. An error frame that names no job is a notice: it is
 * only logged, so anyone may send one.
 */
import { CLIENT_MESSAGE_KINDS } from '../secagg/index.ts';
import { POLICY, ROLES, type Action, type Role } from './policy.ts';

/** Frames only a hospital sends (see the module comment). */
const HOSPITAL_FRAMES = [
  'error',
  'declineJob',
  'update',
  'evaluation',
  'ledgerCosignature',
  ...CLIENT_MESSAGE_KINDS,
] as const;
type HospitalFrame = (typeof HOSPITAL_FRAMES)[number];

export const CLIENT_FRAMES = ['request', 'notice', 'joinJob', ...HOSPITAL_FRAMES] as const;
export type ClientFrame = (typeof CLIENT_FRAMES)[number];

/** Frames that are an action of the policy table: their grant and their name in the ledger come from it. */
const FRAME_ACTIONS: Partial<Record<ClientFrame, Action>> = { joinJob: 'job.join' };

const rolesOf = (action: Action): readonly Role[] => ROLES.filter((r) => POLICY[action][r]);
const HOSPITAL: readonly Role[] = ['hospital'];

export const FRAME_POLICY: Readonly<Record<ClientFrame, readonly Role[]>> = {
  request: ROLES,
  notice: ROLES,
  joinJob: rolesOf('job.join'),
  ...(Object.fromEntries(HOSPITAL_FRAMES.map((f) => [f, HOSPITAL])) as Record<HospitalFrame, readonly Role[]>),
};

/** The table's name for an envelope body (`error` about no job is a `notice`), or null for a body clients never send. */
export function frameKind(body: string, jobId: string): ClientFrame | null {
  if (body === 'error') return jobId === '' ? 'notice' : 'error';
  return body !== 'notice' && (CLIENT_FRAMES as readonly string[]).includes(body) ? (body as ClientFrame) : null;
}

/** The action a refused frame is recorded under in the ledger's access denials. */
export function frameAction(kind: ClientFrame): string {
  return FRAME_ACTIONS[kind] ?? `frame.${kind}`;
}

/** Why `role` may not send a `kind` frame, or null if it may. */
export function frameDenial(role: Role, kind: ClientFrame): string | null {
  return FRAME_POLICY[kind].includes(role)
    ? null
    : `a ${role} may not send ${kind === 'error' ? 'errors about a job' : `${kind} frames`}`;
}
