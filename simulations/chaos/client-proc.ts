/**
 * One chaos-run hospital, in its own process: a real ClientDaemon with its
 * state database (budget, ledger copy, kept round outputs) and identity key
 * file, on a seeded synthetic table. With --crash-before R:PHASE it SIGKILLs
 * itself just before that secure-aggregation phase of round R; --clock-skew-ms
 * runs its handshake clock ahead. Usage (by simulations/chaos/run.ts):
 *   node --import tsx simulations/chaos/client-proc.ts --coordinator URL --name N --key F --roster F --state F --data-seed S [--crash-before R:PHASE] [--clock-skew-ms MS]
 */
import { ClientDaemon } from '../../client/daemon.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { readIdentityKey } from '../../edge/keys.ts';
import { readRosterFile } from '../../edge/roster-file.ts';
import { chaosDataset } from './data.ts';
import { procArgs, say } from './proc-args.ts';
import { createLogger } from '../../edge/log.ts';
import { loadTf } from '../../client/trainer/index.ts';

const values = procArgs(
  ['coordinator', 'name', 'key', 'roster', 'state', 'data-seed', 'crash-before', 'clock-skew-ms'],
  { 'clock-skew-ms': '0' },
);
const [crashRound, crashPhase] = (values['crash-before'] ?? ':').split(':');
const skew = Number(values['clock-skew-ms']);
const dataset = chaosDataset(Number(values['data-seed']));
const state = openHospitalState(values.state!);
state.budget.setBudget(dataset.schemaId, { epsilon: 100, delta: 1e-5, accountant: 'pld' });

const log = createLogger({ level: 'info', destination: process.stderr });
await loadTf(log); // before connecting, as `cohort client start` does: the first round must not wait for it
const daemon = new ClientDaemon({
  log,
  coordinatorUrl: values.coordinator!,
  name: values.name!,
  dataset,
  identity: readIdentityKey(values.key!),
  roster: readRosterFile(values.roster!),
  budget: state.budget,
  ledger: state.ledger,
  outputs: state.outputs,
  backoffMinMs: 100,
  backoffMaxMs: 1_000,
  clock: () => Date.now() + skew,
  crashBefore: ({ round, phase }) => {
    if (String(round) !== crashRound || phase !== crashPhase) return false;
    say({ event: 'crashing', round, phase });
    process.kill(process.pid, 'SIGKILL');
    return true;
  },
});
daemon.on('connected', () => say({ event: 'connected' }));
daemon.on('refused', (e) => say({ event: 'refused', round: e.round }));
daemon.start();
process.once(
  'SIGTERM',
  () =>
    void daemon.stop().then(() => {
      state.close();
      process.exit(0);
    }),
);
