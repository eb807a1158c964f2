/** Runs the real `cohort` command (node cohort.mjs) and returns what it printed and its exit code, never throwing. */
import { execFileSync } from 'node:child_process';

export function cohort(...args: string[]): { out: string; err: string; code: number } {
  try {
    return {
      out: execFileSync('node', ['cohort.mjs', ...args], { encoding: 'utf8', stdio: 'pipe' }),
      err: '',
      code: 0,
    };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; status: number };
    return { out: x.stdout, err: x.stderr, code: x.status };
  }
}
