/**
 * A job's stored round count includes its final evaluation round, so "21 of
 * 20" would be printed as it is: the training rounds done (at most the
 * planned ones), and whether the final evaluation ran. The dashboard and
 * `cohort job status` both show this.
 */
export function roundProgress(
  completedRounds: number,
  planned: number,
): { completedRounds: number; evaluated: boolean } {
  return { completedRounds: Math.min(completedRounds, planned), evaluated: completedRounds > planned };
}
