/**
 * Which access denials go into the ledger. Each (identity, action, job) once,
 * at most MAX_DENIALS_PER_IDENTITY per identity: keyed by the authenticated
 * identity, not the connection, so reconnecting resets nothing. The map is
 * bounded too: past MAX_DENIED_IDENTITIES identities, denials of identities
 * not yet in it are refused as before but not recorded (with enrolment the
 * identities are the enrolled ones, far fewer). It lives as long as the
 * coordinator process: a restart starts the counts again.
 */
export const MAX_DENIALS_PER_IDENTITY = 64;
export const MAX_DENIED_IDENTITIES = 10_000;

export class DenialLog {
  private readonly byIdentity = new Map<string, Set<string>>();

  constructor(
    private readonly perIdentity = MAX_DENIALS_PER_IDENTITY,
    private readonly identities = MAX_DENIED_IDENTITIES,
  ) {}

  /** True if this denial is to be recorded (and it is remembered); false for a repeat or past a cap. */
  admit(identity: string, action: string, jobId: string): boolean {
    let seen = this.byIdentity.get(identity);
    if (!seen) {
      if (this.byIdentity.size >= this.identities) return false;
      seen = new Set();
      this.byIdentity.set(identity, seen);
    }
    const key = `${action}/${jobId}`;
    if (seen.has(key) || seen.size >= this.perIdentity) return false;
    seen.add(key);
    return true;
  }
}
