/**
 * The rules for the text a frame carries (core/printable.ts says why): every
 * name and free text is bounded and printable, JSON text is bounded (its
 * strings are checked by the schema it is parsed with). Honest senders
 * shape their free text to pass (sendableTexts); receivers refuse a frame
 * that does not (E_WIRE_FIELD, and the connection is closed).
 */
import type { cohort } from '../../proto/generated/cohort.js';
import { CohortError } from '../../core/errors.ts';
import { clipPrintable, firstUnprintable } from '../../core/printable.ts';
import { MAX_NAME_LENGTH } from '../../core/auth/name.ts';

type EnvelopeInit = cohort.v1.Envelope.$Properties;

/** Longest free text (a decline's reason, an error's message, a job event's reason). */
export const MAX_TEXT_LENGTH = 4096;

/** A name or a free text: bounded, and printable. */
export function checkText(field: string, value: string, max: number): void {
  checkLength(field, value, max);
  const at = firstUnprintable(value);
  if (at !== null)
    throw new CohortError(
      'E_WIRE_FIELD',
      `"${field}" holds a control or format character (U+${at.codePoint.toString(16).toUpperCase().padStart(4, '0')} at ${at.index}: an escape, a bidi override)`,
    );
}

/** JSON text: bounded; what its strings hold is checked by the schema it is parsed with. */
export function checkLength(field: string, value: string, max: number): void {
  if (value.length > max) throw new CohortError('E_WIRE_FIELD', `"${field}" longer than ${max} characters`);
}

/** Free text as this side sends it: printable, and cut to MAX_TEXT_LENGTH (with "…"), so every receiver takes it. */
const sendable = (s: string | null | undefined) => clipPrintable(s ?? '', MAX_TEXT_LENGTH);

/**
 * `env` with its free-text fields made sendable. They often quote an error
 * raised from a file or a peer's text; names are never rewritten (an honest
 * sender's names are printable by construction).
 */
export function sendableTexts(env: EnvelopeInit): EnvelopeInit {
  const { declineJob, error, jobEvent } = env;
  if (!declineJob?.reason && !error?.message && !jobEvent?.reason) return env;
  return {
    ...env,
    ...(declineJob ? { declineJob: { ...declineJob, reason: sendable(declineJob.reason) } } : {}),
    ...(error ? { error: { ...error, message: sendable(error.message) } } : {}),
    ...(jobEvent ? { jobEvent: { ...jobEvent, reason: sendable(jobEvent.reason) } } : {}),
  };
}

const names = (field: string, values: readonly (string | null | undefined)[] | null | undefined) => {
  for (const v of values ?? []) checkText(field, v ?? '', MAX_NAME_LENGTH);
};

/**
 * The names a coordinator's welcome and a secure-aggregation session carry
 * (hospital names, job ids, the coordinator's id): each is matched against
 * the roster or the session before it is used, but a refused one is quoted
 * in a log line or an error first.
 */
export function checkSessionNames(env: cohort.v1.Envelope): void {
  if (env.welcome) {
    checkText('welcome.coordinatorId', env.welcome.coordinatorId ?? '', MAX_NAME_LENGTH);
    names('welcome.liveJobs', env.welcome.liveJobs);
  }
  names('roundConfig.secagg.participants', env.roundConfig?.secagg?.participants);
  names('secaggMaskedInput.rejected', env.secaggMaskedInput?.rejected);
  names('secaggSurvivors.survivors', env.secaggSurvivors?.survivors);
  // Every list of named entries (the keys, and each list of NamedBytes): each entry's name.
  const lists: [string, readonly { name?: string | null }[] | null | undefined][] = [
    ['secaggCommitments.commitments', env.secaggCommitments?.commitments],
    ['secaggKeys.clients', env.secaggKeys?.clients],
    ['secaggKeys.reveals', env.secaggKeys?.reveals],
    ['secaggShares.shares', env.secaggShares?.shares],
    ['secaggSharesRelay.shares', env.secaggSharesRelay?.shares],
    ['secaggUnmaskRequest.signatures', env.secaggUnmaskRequest?.signatures],
    ['secaggUnmask.selfMaskShares', env.secaggUnmask?.selfMaskShares],
    ['secaggUnmask.keyShares', env.secaggUnmask?.keyShares],
  ];
  for (const [field, list] of lists)
    names(
      `${field}.name`,
      list?.map((e) => e.name),
    );
}
