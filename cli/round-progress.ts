/**
 * The progress of a simulated job, one completed round at a time. The
 * coordinator's round total counts the job's final evaluation-only round
 * (core/round/job.ts totalRounds = rounds + 1), while --rounds counts training
 * rounds: so the lines count training rounds and name the last one for what
 * it is.
 */
import cliProgress from 'cli-progress';

/** Round `round` of a job of `totalRounds` rounds as the coordinator counts them (its final evaluation included). */
export function roundText(round: number, totalRounds: number): string {
  const training = totalRounds - 1;
  return round <= training ? `round ${round}/${training}` : 'final evaluation';
}

/**
 * Where an evaluated round's pooled accuracy comes from: the hospitals' exact
 * metrics, or (record-level DP) the noisy counts they released, which are
 * only roughly the model's accuracy.
 */
export type PooledSource = 'exact' | 'noisy counts';

const accuracyName = (source: PooledSource) =>
  source === 'exact' ? 'pooled accuracy' : 'pooled accuracy (noisy counts)';

/** One progress line: a round's text and, when the round was evaluated, its pooled accuracy. */
export function progressLine(
  label: string,
  round: number,
  totalRounds: number,
  acc?: number,
  source: PooledSource = 'exact',
): string {
  const which = round < totalRounds ? "the round's starting model" : 'the final model';
  return `${label}: ${roundText(round, totalRounds)}${acc === undefined ? '' : `, ${accuracyName(source)} of ${which} ${acc.toFixed(3)}`}\n`;
}

/** On stderr: a bar on a terminal; elsewhere (a pipe, a file) one line per round. */
export function roundProgress(label: string, source: PooledSource = 'exact') {
  if (!process.stderr.isTTY) {
    return {
      update: (round: number, totalRounds: number, acc?: number) =>
        void process.stderr.write(progressLine(label, round, totalRounds, acc, source)),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {round} | ${accuracyName(source)} {acc}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { round: '-', acc: '-' });
  return {
    update: (round: number, totalRounds: number, acc?: number) => {
      // The bar fills with the training rounds; the final evaluation leaves it full.
      bar.setTotal(totalRounds - 1);
      bar.update(Math.min(round, totalRounds - 1), {
        round: roundText(round, totalRounds),
        acc: acc === undefined ? '-' : acc.toFixed(3),
      });
    },
    stop: () => bar.stop(),
  };
}
