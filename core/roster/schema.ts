/**
 * What a well-formed roster file is (zod, strict: unknown fields are
 * refused). Beyond shapes and limits, order is part of the format: members
 * and signatures must be sorted by name. The body hash is over RFC 8785
 * canonical JSON, which sorts object fields but keeps array order, so a
 * roster with its members in another order would be another body with
 * another hash; requiring one order gives one body, one hash, per member
 * list, and a file that is out of order is refused rather than silently
 * re-sorted (re-sorting would change what the signatures cover).
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';
import { clipPrintable } from '../printable.ts';
import { COORDINATOR_NAME, NAME_SHAPE, isNameShaped } from '../auth/name.ts';
import { MAX_ROSTER_MEMBERS, MAX_ROSTER_VERSIONS, ROSTER_FORMAT, type RosterChain } from './types.ts';

const name = z.string().refine(isNameShaped, `expected ${NAME_SHAPE}`);
const memberName = name.refine((n) => n !== COORDINATOR_NAME, `"${COORDINATOR_NAME}" is reserved`);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');
const hex128 = z.string().regex(/^[0-9a-f]{128}$/, 'expected 128 lowercase hex digits');

const member = z.strictObject({ name: memberName, key: hex64 });

const body = z
  .strictObject({
    format: z.literal(ROSTER_FORMAT),
    network: name,
    version: z.number().int().min(1).max(MAX_ROSTER_VERSIONS),
    previous: hex64.nullable(),
    members: z.array(member).min(1).max(MAX_ROSTER_MEMBERS),
  })
  .superRefine((b, ctx) => {
    if ((b.version === 1) !== (b.previous === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['previous'],
        message: 'must be null for version 1 and a hash for every later version',
      });
    }
    requireSortedNames(b.members, ctx, 'members', 'is listed twice');
    const keys = new Set<string>();
    b.members.forEach((m, i) => {
      if (keys.has(m.key))
        ctx.addIssue({
          code: 'custom',
          path: ['members', i, 'key'],
          message: `the key of "${m.name}" is another member's key`,
        });
      keys.add(m.key);
    });
  });

const signature = z.strictObject({ name: memberName, signature: hex128 });

const version = z
  .strictObject({
    body,
    // The signing set is the previous version's members and this one's: at most twice a version's size.
    signatures: z.array(signature).max(2 * MAX_ROSTER_MEMBERS),
  })
  .superRefine((v, ctx) => requireSortedNames(v.signatures, ctx, 'signatures', 'signs twice'));

const chain = z.strictObject({ versions: z.array(version).min(1).max(MAX_ROSTER_VERSIONS) });

function requireSortedNames(
  items: readonly { name: string }[],
  ctx: z.RefinementCtx,
  field: string,
  twice: string,
): void {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!.name;
    const b = items[i]!.name;
    if (a === b) ctx.addIssue({ code: 'custom', path: [field, i], message: `"${b}" ${twice}` });
    // JavaScript's < on strings compares UTF-16 code units, the order RFC 8785 also uses.
    else if (b < a)
      ctx.addIssue({
        code: 'custom',
        path: [field, i],
        message: `"${b}" is out of order: ${field} must be sorted by name`,
      });
  }
}

/** Longest text one issue adds to a refusal: an unknown key is quoted, and it may be as long as the file. */
const MAX_ISSUE_CHARS = 200;

/**
 * Parses untrusted JSON (a roster file's content) into a RosterChain: a new
 * object, nothing of the input shared. Throws E_ROSTER_INVALID naming the
 * path and problem of the first three issues. Checks form only: whether the
 * versions link and are signed is verify.ts's job. An issue can quote the
 * input (an unknown key), which the coordinator or a peer chose, and the
 * refusal is logged: each is made printable and cut to MAX_ISSUE_CHARS here
 * (core/printable.ts), so no terminal escape or newline reaches a log.
 */
export function parseRosterChain(json: unknown): RosterChain {
  const r = chain.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 3)
      .map((i) => clipPrintable(`${i.path.join('.') || '(root)'}: ${i.message}`, MAX_ISSUE_CHARS));
    throw new CohortError('E_ROSTER_INVALID', `roster: ${issues.join('; ')}`);
  }
  return r.data;
}
