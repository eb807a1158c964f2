import type { Coordinator } from '../../coordinator/coordinator.ts';

/** The status `jobId` ends in (completed, failed or cancelled): the first one that is neither waiting nor running. */
export function jobEnded(coordinator: Coordinator, jobId: string): Promise<string> {
  return new Promise((resolve) => {
    coordinator.on('job', (e) => {
      if (e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting') resolve(e.status);
    });
  });
}
