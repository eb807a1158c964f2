/**
 * What a well-formed ledger entry is: the shape of each kind's body (zod),
 * and the consistency a round entry's fields owe each other. The coordinator
 * checks an entry here before sealing it, and the verifier checks every
 * stored entry the same way, so nothing is signed that an audit would call
 * malformed.
 */
import { z } from 'zod';
import type { LedgerEntry, RoundBody } from './types.ts';
import { canonicalJson } from './canonical.ts';

/** Longest jobId, hospital or subject name, code or reason in an entry (UTF-16 units). */
export const MAX_LEDGER_NAME = 1024;
const MAX_REASON = 4096;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');
const name = z.string().min(1).max(MAX_LEDGER_NAME);
const nonNegative = z.number().finite().min(0);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const accountant = z.enum(['pld', 'rdp']);

const sampledGaussian = z.strictObject({
  kind: z.literal('sampled-gaussian'),
  q: z.number().finite().min(0).max(1),
  sigma: z.number().finite().gt(0),
  steps: count,
});

const discreteGaussian = z.strictObject({
  kind: z.literal('discrete-gaussian'),
  sigma: z.number().finite().min(1),
  steps: count,
});

const distributedDiscreteGaussian = z.strictObject({
  kind: z.literal('distributed-discrete-gaussian'),
  clients: z.number().int().min(1),
  sigma: z.number().finite().gt(0),
  l2Sensitivity: z.number().finite().gt(0),
  l1Sensitivity: z.number().finite().gt(0).optional(),
  dim: z.number().int().min(1),
  rounds: count,
});

export const mechanismSchema = z.discriminatedUnion('kind', [
  sampledGaussian,
  discreteGaussian,
  distributedDiscreteGaussian,
]);

const hospitalSpend = z.strictObject({
  hospital: name,
  mechanism: mechanismSchema,
  epsilon: nonNegative,
  rdpEpsilon: nonNegative,
  pldEpsilon: nonNegative.nullable(),
  cumulativeEpsilon: nonNegative,
  cumulativeRdpEpsilon: nonNegative,
  cumulativePldEpsilon: nonNegative.nullable(),
  bound: accountant,
});

const roundBody = z.strictObject({
  unit: z.enum(['record', 'hospital', 'none']),
  delta: z.number().finite().min(0).lt(1),
  accountant,
  clip: z.number().finite().gt(0).nullable(),
  noiseMultiplier: z.number().finite().gt(0).nullable(),
  samplingRate: z.number().finite().gt(0).max(1).nullable(),
  stepsPerRound: count.nullable(),
  bits: z.number().int().min(1).max(64).nullable(),
  participants: z.array(name),
  survivors: z.array(name),
  modelHash: hex64,
  spends: z.array(hospitalSpend),
});

const BODIES = {
  'job-created': z.strictObject({ specHash: hex64, spec: z.unknown(), modelHash: hex64 }),
  round: roundBody,
  'job-ended': z.strictObject({
    status: z.enum(['completed', 'failed', 'cancelled']),
    reason: z.string().max(MAX_REASON),
    rounds: count,
    modelHash: hex64,
  }),
  'budget-refusal': z.strictObject({
    hospital: name,
    code: z.string().min(1).max(MAX_LEDGER_NAME),
    reason: z.string().max(MAX_REASON),
  }),
  'role-grant': z.strictObject({ subject: name, role: name, granted: z.boolean(), publicKey: hex64 }),
  'access-denial': z.strictObject({
    subject: name,
    role: name,
    action: z.string().min(1).max(MAX_LEDGER_NAME),
    reason: z.string().max(MAX_REASON),
  }),
  // The version itself is checked by core/roster/ against the versions before it (verify.ts checkRosters).
  roster: z.strictObject({
    network: name,
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    hash: hex64,
    roster: z.unknown(),
  }),
} as const;

const entrySchema = z.strictObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  at: count,
  kind: z.enum(['job-created', 'round', 'job-ended', 'budget-refusal', 'role-grant', 'access-denial', 'roster']),
  jobId: z.string().max(MAX_LEDGER_NAME),
  round: count,
  body: z.unknown(),
  prevHash: hex64,
});

/** Why `value` is not a well-formed entry (schema, then round consistency), or null when it is. */
export function entryProblem(value: unknown): string | null {
  const top = entrySchema.safeParse(value);
  if (!top.success) return describe(top.error, '');
  const body = BODIES[top.data.kind].safeParse(top.data.body);
  if (!body.success) return describe(body.error, 'body.');
  return top.data.kind === 'round' ? roundProblem(value as LedgerEntry & { body: RoundBody }) : null;
}

function describe(err: z.ZodError, prefix: string): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${prefix}${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * A round's spends are one per survivor, in survivor order, all of the one
 * mechanism its unit applies (the coordinator builds them with roundSpends),
 * and a record-level mechanism restates its settings beside it (DP-SGD's, or
 * the discrete Gaussian noise of a final evaluation's counts: samplingRate 1,
 * noiseMultiplier σ, stepsPerRound its steps).
 */
function roundProblem(entry: LedgerEntry & { body: RoundBody }): string | null {
  const b = entry.body;
  if (entry.round < 1) return 'round: a round entry needs round >= 1';
  if (new Set(b.participants).size !== b.participants.length) return 'body.participants: duplicate name';
  if (new Set(b.survivors).size !== b.survivors.length) return 'body.survivors: duplicate name';
  const participants = new Set(b.participants);
  const stranger = b.survivors.find((s) => !participants.has(s));
  if (stranger !== undefined) return `body.survivors: ${stranger} is not a participant`;
  if (b.unit === 'none') return b.spends.length === 0 ? null : 'body.spends: a round without DP records no spend';
  if (!(b.delta > 0)) return 'body.delta: a DP round states its epsilons at a delta in (0, 1)';
  if (b.spends.length !== b.survivors.length || b.spends.some((s, i) => s.hospital !== b.survivors[i]))
    return 'body.spends: not one spend per survivor, in survivor order';
  const first = b.spends[0];
  if (!first) return null;
  const kinds = b.unit === 'record' ? ['sampled-gaussian', 'discrete-gaussian'] : ['distributed-discrete-gaussian'];
  if (!kinds.includes(first.mechanism.kind))
    return `body.spends: a ${b.unit}-level round applies ${kinds.join(' or ')}, not ${first.mechanism.kind}`;
  const m = canonicalJson(first.mechanism);
  if (b.spends.some((s) => canonicalJson(s.mechanism) !== m))
    return 'body.spends: survivors charged different mechanisms in one round';
  if (first.mechanism.kind === 'sampled-gaussian') {
    const { q, sigma, steps } = first.mechanism;
    if (q !== b.samplingRate || sigma !== b.noiseMultiplier || steps !== b.stepsPerRound)
      return 'body.spends: mechanism differs from the samplingRate, noiseMultiplier and stepsPerRound stated beside it';
  }
  if (first.mechanism.kind === 'discrete-gaussian') {
    const { sigma, steps } = first.mechanism;
    if (b.samplingRate !== 1 || sigma !== b.noiseMultiplier || steps !== b.stepsPerRound)
      return 'body.spends: mechanism differs from the samplingRate, noiseMultiplier and stepsPerRound stated beside it';
  }
  return null;
}
