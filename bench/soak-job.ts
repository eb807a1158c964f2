/** A job run on the soak's coordinator, followed to its end, and its round rate. */
import { procStats, type CoordinatorMsg, type CoordinatorProcess, type RoundMsg } from './soak-process.ts';

export interface JobRun {
  jobId: string;
  status: string;
  reason: string;
  submittedAt: number;
  rounds: (RoundMsg & { at: number; coordinator: { rss: number; fds: number } | null; clientRss: number })[];
  failures: { round: number; attempt: number; reason: string }[];
}

/** Submits a job and follows it to its end, sampling both processes at each round boundary. */
export async function runJob(
  coord: CoordinatorProcess,
  spec: object,
  onSubmitted: (jobId: string) => void = () => {},
): Promise<JobRun> {
  const run: JobRun = { jobId: '', status: '', reason: '', submittedAt: performance.now(), rounds: [], failures: [] };
  const onMsg = (m: CoordinatorMsg) => {
    if (!('jobId' in m) || m.jobId !== run.jobId) return;
    if (m.type === 'round') {
      const p = procStats(coord.pid);
      run.rounds.push({
        ...m,
        at: performance.now(),
        coordinator: p && { rss: p.rss, fds: p.fds },
        clientRss: process.memoryUsage().rss,
      });
    } else if (m.type === 'roundFailed') run.failures.push({ round: m.round, attempt: m.attempt, reason: m.reason });
  };
  coord.on('msg', onMsg);
  const submitted = coord.submit(spec);
  // The job's end may be reported before the submission's reply is read: both are awaited on the same stream.
  const ended = coord.next((m) =>
    m.type === 'job' && m.jobId === run.jobId && !['running', 'waiting', 'paused'].includes(m.status) ? m : undefined,
  );
  run.jobId = await submitted;
  onSubmitted(run.jobId);
  const end = await ended;
  coord.off('msg', onMsg);
  run.status = end.type === 'job' ? end.status : '';
  run.reason = end.type === 'job' ? end.reason : '';
  return run;
}

/**
 * Round rate from the end of the first training round to the end of the
 * last (steady state: the first round also pays for offers, joins and the
 * trainer's first compilation), and mean participants per round.
 */
export function roundRate(run: JobRun): {
  rounds: number;
  perMinute: number;
  meanRoundMs: number;
  meanParticipants: number;
  firstRoundMs: number;
} {
  const train = run.rounds.filter((r) => r.kind === 'train');
  const ms = train.length > 1 ? train.at(-1)!.at - train[0]!.at : Number.NaN;
  const meanRoundMs = ms / (train.length - 1);
  return {
    rounds: train.length,
    perMinute: 60_000 / meanRoundMs,
    meanRoundMs,
    meanParticipants: train.reduce((s, r) => s + r.participants, 0) / train.length,
    firstRoundMs: train.length > 0 ? train[0]!.at - run.submittedAt : Number.NaN,
  };
}
