/**
 * A graph model's topology: the tfjs-layers / Keras JSON envelope
 * (`model.toJSON(null, false)`: class_name Sequential or Model, config.layers
 * with inbound_nodes, input_layers, output_layers) and its layers put in the
 * order tfjs gives `model.layers`, which is the order of `model.weights`.
 *
 * One input, one output, no shared layers (each layer called once), every
 * layer on a path from the input to the output: what a hospital reads is
 * exactly what runs.
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';

/** Most layers a graph model may have. */
export const MAX_GRAPH_LAYERS = 512;
/** Largest graph model as JSON text: far above a 512-layer topology (≈ 1 KiB a layer). */
export const MAX_MODEL_JSON_CHARS = 1024 * 1024;

const layerName = z.string().min(1).max(128);
/** [layer, node index, tensor index(, kwargs)]: node and tensor 0, as every layer is called once and has one output. */
const inboundRef = z.tuple([layerName, z.literal(0), z.literal(0)], z.strictObject({}));
const endpoint = z.tuple([layerName, z.literal(0), z.literal(0)]);

const layerEntry = z.strictObject({
  class_name: z.string().min(1).max(64),
  /** Checked against the class's allow-list by core/model/graph-shapes.ts. */
  config: z.record(z.string().max(64), z.unknown()),
  name: layerName.optional(),
  inbound_nodes: z.array(z.array(inboundRef).min(1).max(64)).max(1).optional(),
});

export const graphEnvelopeSchema = z.strictObject({
  class_name: z.enum(['Sequential', 'Model']),
  config: z.strictObject({
    name: layerName.optional(),
    layers: z.array(layerEntry).min(1).max(MAX_GRAPH_LAYERS),
    input_layers: z.array(endpoint).length(1).optional(),
    output_layers: z.array(endpoint).length(1).optional(),
  }),
  keras_version: z.string().max(64).optional(),
  backend: z.string().max(64).optional(),
});

export type GraphModelSpec = z.output<typeof graphEnvelopeSchema>;
export type LayerEntry = GraphModelSpec['config']['layers'][number];

/** One layer with the names of the layers feeding it (none for the input). */
export interface TopoLayer {
  name: string;
  entry: LayerEntry;
  inbound: string[];
}

function fail(message: string): never {
  throw new CohortError('E_JOB_SPEC', message);
}

/**
 * The layers in tfjs's `model.layers` order, so weights can be listed in
 * `model.weights` order. A Sequential model is a chain (an InputLayer first,
 * or the first layer's batch_input_shape). A functional model is ordered as
 * tfjs's Container constructor does (tfjs-layers engine/container.ts): a
 * depth-first walk from the output numbers the layers in the order it meets
 * them; each layer's depth is its longest distance to the output; layers go
 * by decreasing depth, ties by that number.
 */
export function orderedLayers(g: GraphModelSpec): TopoLayer[] {
  return g.class_name === 'Sequential' ? sequentialLayers(g) : functionalLayers(g);
}

function sequentialLayers(g: GraphModelSpec): TopoLayer[] {
  const { layers, input_layers, output_layers } = g.config;
  if (input_layers || output_layers) fail('a Sequential model lists no input_layers or output_layers');
  const names = new Set<string>();
  return layers.map((entry, i) => {
    if (entry.inbound_nodes && entry.inbound_nodes.length > 0) fail('a Sequential model has no inbound_nodes');
    if (entry.class_name === 'InputLayer' && i > 0)
      fail('only the first layer of a Sequential model may be an InputLayer');
    const name = configName(entry, i);
    if (names.has(name)) fail(`two layers are named "${name}"`);
    names.add(name);
    const prev = i > 0 ? configName(layers[i - 1]!, i - 1) : undefined;
    return { name, entry, inbound: prev === undefined ? [] : [prev] };
  });
}

function configName(entry: LayerEntry, i: number): string {
  const n = entry.config['name'];
  if (typeof n !== 'string' || n.length === 0) fail(`layer ${i} has no config.name`);
  if (entry.name !== undefined && entry.name !== n) fail(`layer ${i}: name "${entry.name}" differs from config.name`);
  return n;
}

function functionalLayers(g: GraphModelSpec): TopoLayer[] {
  const { layers, input_layers, output_layers } = g.config;
  if (!input_layers || !output_layers)
    fail('a functional model (class_name "Model") lists input_layers and output_layers');
  const byName = new Map<string, TopoLayer>();
  layers.forEach((entry, i) => {
    const name = configName(entry, i);
    if (entry.name === undefined) fail(`layer "${name}" has no name`);
    if (byName.has(name)) fail(`two layers are named "${name}"`);
    const inbound = (entry.inbound_nodes?.[0] ?? []).map((r) => r[0]);
    if ((entry.class_name === 'InputLayer') !== (inbound.length === 0))
      fail(`layer "${name}": an InputLayer and only an InputLayer has no inbound layers`);
    byName.set(name, { name, entry, inbound });
  });
  const input = input_layers[0]![0];
  if (byName.get(input)?.entry.class_name !== 'InputLayer') fail(`input_layers names "${input}", not an InputLayer`);
  for (const l of byName.values())
    for (const src of l.inbound)
      if (!byName.has(src)) fail(`layer "${l.name}" takes input from unknown layer "${src}"`);
  const output = output_layers[0]![0];
  if (!byName.has(output)) fail(`output_layers names unknown layer "${output}"`);
  const order = containerOrder(byName, output);
  if (order.length !== byName.size) {
    const unused = [...byName.keys()].filter((n) => !order.some((l) => l.name === n));
    fail(`layers not on a path to the output: ${unused.slice(0, 5).join(', ')}`);
  }
  const inputs = order.filter((l) => l.inbound.length === 0);
  if (inputs.length !== 1 || inputs[0]!.name !== input) fail('the model must have exactly one InputLayer, its input');
  return order;
}

/** tfjs's Container layer order (see orderedLayers); throws on a cycle. */
function containerOrder(byName: Map<string, TopoLayer>, output: string): TopoLayer[] {
  const seen = new Map<string, number>();
  const postOrder: string[] = [];
  const inProgress = new Set<string>();
  const finished = new Set<string>();
  // Iterative depth-first walk, so a deep chain cannot exhaust the stack.
  const stack: { name: string; next: number }[] = [{ name: output, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const layer = byName.get(top.name)!;
    if (top.next === 0) {
      if (inProgress.has(top.name)) fail(`layer "${top.name}" is part of a cycle`);
      if (finished.has(top.name)) {
        stack.pop();
        continue;
      }
      if (!seen.has(top.name)) seen.set(top.name, seen.size);
      inProgress.add(top.name);
    }
    if (top.next < layer.inbound.length) {
      const src = layer.inbound[top.next++]!;
      if (inProgress.has(src)) fail(`layer "${src}" is part of a cycle`);
      stack.push({ name: src, next: 0 });
      continue;
    }
    inProgress.delete(top.name);
    finished.add(top.name);
    postOrder.push(top.name);
    stack.pop();
  }
  const depth = new Map<string, number>();
  for (const name of postOrder.reverse()) {
    const d = depth.get(name) ?? 0;
    for (const src of byName.get(name)!.inbound) depth.set(src, Math.max(depth.get(src) ?? 0, d + 1));
    depth.set(name, d);
  }
  return [...depth.keys()]
    .sort((a, b) => depth.get(b)! - depth.get(a)! || seen.get(a)! - seen.get(b)!)
    .map((n) => byName.get(n)!);
}
