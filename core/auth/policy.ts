/**
 * Who may do what: the one policy table every request is checked against
 * (graded authorisation). Roles are enrolled identities' (cohort admin
 * enroll); "own" actions apply to a researcher's own jobs only (for
 * `ledger.read`, to the entries that concern a hospital: its own ledger).
 * Auditors see job metadata and the ledger, never models; hospitals join jobs.
 */
export const ROLES = ['admin', 'researcher', 'auditor', 'hospital'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'job.submit',
  'job.list',
  'job.status',
  'job.pause',
  'job.resume',
  'job.cancel',
  'job.download',
  'job.join',
  'ledger.read',
  'ledger.prove',
  'dashboard.login',
  'dashboard.ledger',
  'dashboard.hospitals',
] as const;
export type Action = (typeof ACTIONS)[number];

type Grant = 'any' | 'own';

export const POLICY: Readonly<Record<Action, Partial<Record<Role, Grant>>>> = {
  'job.submit': { researcher: 'any' },
  'job.list': { researcher: 'own', auditor: 'any', admin: 'any' },
  'job.status': { researcher: 'own', auditor: 'any', admin: 'any' },
  'job.pause': { researcher: 'own', admin: 'any' },
  'job.resume': { researcher: 'own', admin: 'any' },
  'job.cancel': { researcher: 'own', admin: 'any' },
  'job.download': { researcher: 'own' },
  'job.join': { hospital: 'any' },
  'ledger.read': { auditor: 'any', admin: 'any', hospital: 'own' },
  // Proofs of the Merkle tree (core/ledger/proofs.ts) reveal hashes only, never an entry: anyone who may read
  // part of the ledger may check that it is one log, and a hospital needs them to cosign its checkpoints.
  'ledger.prove': { auditor: 'any', admin: 'any', hospital: 'any' },
  // The web dashboard (coordinator/dashboard/): who may get a login code, and
  // which views beyond their jobs' (job.status) each role is sent.
  'dashboard.login': { researcher: 'any', auditor: 'any', admin: 'any' },
  'dashboard.ledger': { auditor: 'any', admin: 'any' },
  'dashboard.hospitals': { researcher: 'any', auditor: 'any', admin: 'any' },
};

/** Checked by the dashboard when it builds a view (coordinator/dashboard/api.ts); never the action of a Request frame. */
export const VIEW_ACTIONS: readonly Action[] = ['dashboard.ledger', 'dashboard.hospitals'];

/** Why `who` (in `role`) may not do `action` on a job owned by `owner`, or null if it may. */
export function denial(role: Role, who: string, action: Action, owner?: string | null): string | null {
  const grant = POLICY[action]?.[role];
  const [object, verb] = action.split('.') as [string, string];
  const what = object === 'job' ? `${verb} jobs` : object === 'ledger' ? `${verb} the ledger` : `use ${action}`;
  if (!grant) return `a ${role} may not ${what}`;
  if (grant === 'own' && owner !== undefined && owner !== who)
    return `${who} may ${verb} only its own ${object === 'job' ? 'jobs' : 'entries'}`;
  return null;
}
