/**
 * The rule for an identity's name (a hospital, researcher or auditor), one
 * for everything that reads one: the wire's Hello and senders
 * (edge/wire/codec.ts validateClientName), enrolment, rosters
 * (core/roster/schema.ts) and mutual-TLS certificates (certificate.ts).
 * Plain characters, so a name is safe in a path, a log line or a URL;
 * bounded; never the coordinator's own name on the wire.
 */

/** Longest name (also the wire's bound on its other short text fields, edge/wire/codec.ts). */
export const MAX_NAME_LENGTH = 128;
/** The characters of a name, at any length (a caller that allows an empty value checks the length itself). */
export const NAME_RE = /^[A-Za-z0-9._-]+$/;
/** The coordinator's name as a sender on the wire: no identity may take it. */
export const COORDINATOR_NAME = 'coordinator';
/** The shape of a name, in words, for messages. */
export const NAME_SHAPE = `1-${MAX_NAME_LENGTH} characters of [A-Za-z0-9._-]`;

/** Whether `name` has a name's shape: 1 to MAX_NAME_LENGTH characters of NAME_RE (a roster's network name is one too). */
export function isNameShaped(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

/** Whether `name` may name an identity: name-shaped, and not the coordinator's name. */
export function isIdentityName(name: string): boolean {
  return isNameShaped(name) && name !== COORDINATOR_NAME;
}
