import { ClientDaemon, type ClientOptions } from '../../client/daemon.ts';
import { openHospitalState, type HospitalState } from '../../client/hospital-state.ts';
import type { SimulatedNetwork } from '../../simulations/network.ts';
import { syntheticDataset } from '../../simulations/synthetic.ts';

/**
 * A hospital of `net` as its daemon runs it, not yet started: its state
 * database at `statePath` (a budget of ε 100 on synthetic-v1 under
 * `accountant`, its copy of the ledger, and its kept round outputs unless
 * `keepOutputs` is false), the synthetic records of `seed`, and the
 * coordinator on `port`. `options` are the daemon's own, over these.
 * `close` stops the daemon, then closes its state.
 */
export function hospitalDaemon(o: {
  port: number;
  net: SimulatedNetwork;
  name: string;
  statePath: string;
  seed: number;
  accountant: 'rdp' | 'pld';
  keepOutputs?: boolean;
  options?: Partial<ClientOptions>;
}): { d: ClientDaemon; st: HospitalState; close(): Promise<void> } {
  const st = openHospitalState(o.statePath);
  st.budget.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: o.accountant });
  const d = new ClientDaemon({
    coordinatorUrl: `ws://127.0.0.1:${o.port}`,
    name: o.name,
    dataset: syntheticDataset(o.seed),
    identity: o.net.identity(o.name),
    roster: o.net.chain,
    budget: st.budget,
    ledger: st.ledger,
    ...(o.keepOutputs === false ? {} : { outputs: st.outputs }),
    ...o.options,
  });
  const close = async () => {
    await d.stop();
    st.close();
  };
  return { d, st, close };
}

/**
 * A daemon without state (no budget, no ledger copy) named `name` and signing
 * as `identity` (a hospital of `net`, or an impostor), on the synthetic
 * records of seed 3, reconnecting fast: for handshake and authentication tests.
 */
export function statelessDaemon(
  port: number,
  net: SimulatedNetwork,
  name: string,
  identity: ClientOptions['identity'],
  options: Partial<ClientOptions> = {},
): ClientDaemon {
  return new ClientDaemon({
    coordinatorUrl: `ws://127.0.0.1:${port}`,
    name,
    dataset: syntheticDataset(3),
    identity,
    roster: net.chain,
    backoffMinMs: 20,
    backoffMaxMs: 50,
    ...options,
  });
}
