/**
 * The coordinator side of bench/pre-auth.ts, in a process of its own so its
 * CPU time is its own: `node --import tsx bench/pre-auth-server.ts <root>`
 * runs the Coordinator of `<root>/coordinator/coordinator.ts` on a loopback
 * port with enrolment required, tells its parent the port, answers 'cpu'
 * with its CPU time in ms (user + system), and stops on 'stop'.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2];
if (!root || !process.send) throw new Error('usage: forked by bench/pre-auth.ts with the root of the code to run');
const { Coordinator } = (await import(
  pathToFileURL(join(root, 'coordinator', 'coordinator.ts')).href
)) as typeof import('../coordinator/coordinator.ts');
const coordinator = new Coordinator({ dbPath: ':memory:', port: 0, requireEnrolment: true, helloTimeoutMs: 60_000 });
const port = await coordinator.listen();
process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send!({ cpuMs: (u.user + u.system) / 1000 });
  } else if (m === 'stop') {
    void coordinator.close().then(() => process.exit(0));
  }
});
process.send({ port });
