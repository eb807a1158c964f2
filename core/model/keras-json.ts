/**
 * Keras (Python) `to_json()` output normalised to the tfjs-layers form that
 * core/model/graph-topology.ts validates (what tfjs 4.22's
 * `model.toJSON(null, false)` writes), so a researcher can hand over the JSON
 * Keras 2 (tf.keras 2.x) or Keras 3 writes for a model of allowed layers.
 *
 * Only spelling is rewritten; nothing that changes what runs is dropped:
 * - class_name `Functional` → `Model`; the Keras 3 envelope's `module`,
 *   `registered_name`, `build_config` and `compile_config` (the researcher's
 *   optimiser and loss: the job spec decides training) are dropped;
 * - Keras 3 `inbound_nodes` (`{args: [__keras_tensor__ …], kwargs: {}}`) →
 *   `[[[layer, 0, 0, {}]]]`; a single `input_layers`/`output_layers` triple →
 *   a list of one;
 * - `batch_shape` → `batch_input_shape`; a DTypePolicy of float32 →
 *   `"float32"`; initializer objects lose `module`/`registered_name`;
 * - keys Keras writes at their no-op value (`groups: 1`, `ragged: false`,
 *   `synchronized: false`, `keepdims: false`, …: TRIVIAL) are dropped; at any
 *   other value they stay and the allow-list refuses them.
 *
 * Refused here with E_JOB_SPEC: objects from outside Keras (a `module` not
 * under `keras`, a non-null `registered_name`: custom layers and
 * initializers), dtype policies other than float32 (mixed precision),
 * regularizers and constraints, layers called more than once (shared
 * layers), calls with keyword arguments or non-tensor arguments, and models
 * with more than one input or output. Unknown classes (Lambda, Masking,
 * nested models) and keys (channels_first, mask_zero true, …) are left to the
 * allow-list (graph-layers.ts), which refuses them.
 *
 * A spec already in the tfjs form comes back as the same object, so
 * normalising is idempotent and a normalised spec re-parses to itself.
 */
import { CohortError } from '../errors.ts';

type Obj = Record<string, unknown>;

function fail(message: string): never {
  throw new CohortError('E_JOB_SPEC', message);
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys Keras writes at a value that changes nothing tfjs computes; dropped only at exactly that value. */
const TRIVIAL: Readonly<Record<string, unknown>> = {
  ragged: false,
  optional: false,
  groups: 1,
  synchronized: false,
  keepdims: false,
  rms_scaling: false,
  renorm: false,
  renorm_clipping: null,
  renorm_momentum: 0.99,
  lora_rank: null,
  lora_alpha: null,
  quantization_config: null,
};

/** Keys trivial for one class only: tfjs's 1-D pooling is channels_last and writes no data_format. */
const CLASS_TRIVIAL: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  MaxPooling1D: { data_format: 'channels_last' },
  AveragePooling1D: { data_format: 'channels_last' },
};

/** The classes Keras names a float32 dtype policy with (Keras 3: DTypePolicy, 3.2–3.3 FloatDTypePolicy; tf.keras: Policy). */
const POLICY_CLASSES = new Set(['DTypePolicy', 'FloatDTypePolicy', 'Policy']);

/** Deepest nesting of a Keras 3 call's `args` (a merge layer's list of tensors is depth 2). */
const MAX_ARGS_DEPTH = 4;

/**
 * `v` in the tfjs-layers form: the same object when it already is (or is not
 * a model envelope at all: the envelope schema then says what is wrong), else
 * a normalised copy. E_JOB_SPEC naming what is refused.
 */
export function normaliseKerasJson(v: unknown): unknown {
  if (!isObj(v) || !isObj(v['config']) || !Array.isArray(v['config']['layers'])) return v;
  const out = normaliseModel(v);
  return JSON.stringify(out) === JSON.stringify(v) ? v : out;
}

/** A `module`/`registered_name` pair must name a built-in Keras object: custom objects carry code. */
function kerasOrigin(o: Obj, what: string, registered?: string): void {
  const m = o['module'];
  if (m !== undefined && (typeof m !== 'string' || !/^keras(\.|$)/.test(m)))
    fail(`${what} comes from module ${JSON.stringify(m)}, not Keras: custom objects are refused`);
  const r = o['registered_name'];
  if (r !== undefined && r !== null && r !== registered)
    fail(`${what} is the custom object ${JSON.stringify(r)}: custom objects are refused`);
}

function normaliseModel(v: Obj): Obj {
  kerasOrigin(v, 'the model', 'Functional');
  const out: Obj = {};
  for (const [k, value] of Object.entries(v)) {
    if (k === 'module' || k === 'registered_name' || k === 'build_config' || k === 'compile_config') continue;
    if (k === 'class_name') out[k] = value === 'Functional' ? 'Model' : value;
    else if (k === 'config') out[k] = modelConfig(value as Obj, v['class_name'] === 'Sequential');
    else out[k] = value;
  }
  return out;
}

function modelConfig(c: Obj, sequential: boolean): Obj {
  const out: Obj = {};
  for (const [k, value] of Object.entries(c)) {
    if (k === 'trainable') {
      if (value !== true) fail('the model is not trainable (config.trainable false): cohort trains every weight');
    } else if (k === 'dtype') floatPolicy(value, 'the model');
    else if (k === 'build_input_shape') continue;
    else if (k === 'layers') out[k] = (value as unknown[]).map((e, i) => layerEntry(e, i));
    else if (k === 'input_layers' || k === 'output_layers') out[k] = endpoints(value, k === 'input_layers');
    else out[k] = value;
  }
  if (sequential) buildShape(out, c['build_input_shape']);
  return out;
}

/** A Sequential built with `model.build(shape)` declares its input only as build_input_shape: give it to the first layer. */
function buildShape(config: Obj, shape: unknown): void {
  const layers = config['layers'] as unknown[];
  const first = layers[0];
  if (!Array.isArray(shape) || !isObj(first) || first['class_name'] === 'InputLayer' || !isObj(first['config'])) return;
  if (first['config']['batch_input_shape'] !== undefined) return;
  layers[0] = { ...first, config: { ...first['config'], batch_input_shape: shape } };
}

/** `[name, 0, 0]` (Keras 3, one tensor) or `[[name, 0, 0], …]`: a list of exactly one triple. */
function endpoints(v: unknown, input: boolean): unknown {
  if (!Array.isArray(v)) return v;
  const list = typeof v[0] === 'string' ? [v] : v;
  if (list.length > 1) {
    const names = list.map((e) => (Array.isArray(e) ? String(e[0]) : '?')).join(', ');
    fail(
      `the model has ${list.length} ${input ? 'inputs' : 'outputs'} (${names}); a cohort model has one input and one output`,
    );
  }
  return list;
}

function layerEntry(e: unknown, i: number): unknown {
  if (!isObj(e)) return e;
  const cfg = e['config'];
  const name = isObj(cfg) && typeof cfg['name'] === 'string' ? cfg['name'] : `#${i}`;
  const what = `layer "${name}" (${String(e['class_name'])})`;
  kerasOrigin(e, what);
  const out: Obj = {};
  for (const [k, value] of Object.entries(e)) {
    if (k === 'module' || k === 'registered_name' || k === 'build_config') continue;
    if (k === 'config' && isObj(value)) out[k] = layerConfig(value, what, classTrivial(e['class_name']));
    else if (k === 'inbound_nodes') out[k] = inboundNodes(value, name);
    else out[k] = value;
  }
  return out;
}

const classTrivial = (cls: unknown) =>
  typeof cls === 'string' && Object.hasOwn(CLASS_TRIVIAL, cls) ? CLASS_TRIVIAL[cls] : undefined;

function layerConfig(c: Obj, what: string, classTrivial: Readonly<Record<string, unknown>> = {}): Obj {
  const out: Obj = {};
  for (const [k, value] of Object.entries(c)) {
    if (Object.hasOwn(TRIVIAL, k) && value === TRIVIAL[k]) continue;
    if (Object.hasOwn(classTrivial, k) && value === classTrivial[k]) continue;
    if (k === 'dtype') out[k] = floatPolicy(value, what);
    else if (k === 'batch_shape') {
      if (c['batch_input_shape'] !== undefined) fail(`${what} declares both batch_shape and batch_input_shape`);
      out['batch_input_shape'] = value;
    } else if ((k.endsWith('_regularizer') || k.endsWith('_constraint')) && value !== null)
      fail(
        `${what}: ${k} is set; regularizers and constraints are refused (they add computation to training that a hospital cannot see)`,
      );
    else if (k.endsWith('_initializer')) out[k] = initializer(value, `${what}: ${k}`);
    else out[k] = value;
  }
  return out;
}

/** float32 as Keras writes it: the string, or a DTypePolicy object named float32. */
function floatPolicy(v: unknown, what: string): 'float32' {
  if (v === 'float32') return v;
  if (isObj(v) && POLICY_CLASSES.has(v['class_name'] as string) && isObj(v['config'])) {
    kerasOrigin(v, `${what}: dtype policy`);
    if (v['config']['name'] === 'float32') return 'float32';
    v = v['config']['name'];
  }
  return fail(`${what}: dtype ${JSON.stringify(v)} is refused; cohort trains in float32 (no mixed precision)`);
}

/** A Keras 3 initializer `{module, class_name, config, registered_name}` as tfjs writes it: `{class_name, config}`. */
function initializer(v: unknown, what: string): unknown {
  if (!isObj(v) || !('module' in v || 'registered_name' in v)) return v;
  kerasOrigin(v, what);
  return { class_name: v['class_name'], config: v['config'] };
}

/** `[[ref, …]]` with every ref `[layer, 0, 0, {}]`: one call, of first outputs (no shared or multi-output layers). */
function inboundNodes(v: unknown, name: string): unknown {
  if (!Array.isArray(v)) return v;
  if (v.length > 1)
    fail(`layer "${name}" is called ${v.length} times (a shared layer); each layer of a cohort model is called once`);
  const nodes = v.map((node) => (isObj(node) ? kerasCall(node, name) : node));
  for (const node of nodes)
    if (Array.isArray(node)) for (const ref of node) if (Array.isArray(ref)) checkRef(ref, name);
  return nodes;
}

function checkRef(ref: unknown[], name: string): void {
  const [src, node, tensor] = ref;
  if (typeof node === 'number' && node !== 0)
    fail(`layer "${name}" takes call ${node} of layer "${String(src)}" (a shared layer); each layer is called once`);
  if (typeof tensor === 'number' && tensor !== 0)
    fail(`layer "${name}" takes output ${tensor} of layer "${String(src)}"; a layer has one output`);
}

/** A Keras 3 call `{args, kwargs}` as the refs of the tensors it passes, in order. */
function kerasCall(node: Obj, name: string): unknown[][] {
  const extra = Object.keys(node).filter((k) => k !== 'args' && k !== 'kwargs');
  if (extra.length > 0) fail(`layer "${name}": inbound node has unknown key(s) ${extra.join(', ')}`);
  const kwargs = node['kwargs'];
  if (kwargs !== undefined && (!isObj(kwargs) || Object.keys(kwargs).length > 0))
    fail(
      `layer "${name}" is called with keyword arguments (${isObj(kwargs) ? Object.keys(kwargs).join(', ') : 'not an object'}): refused, a call passes tensors only`,
    );
  const refs: unknown[][] = [];
  collectTensors(node['args'], name, refs, 0);
  return refs.map((r) => [...r, {}]);
}

function collectTensors(v: unknown, name: string, refs: unknown[][], depth: number): void {
  if (depth > MAX_ARGS_DEPTH) fail(`layer "${name}": inbound arguments nested too deep`);
  if (Array.isArray(v)) {
    for (const x of v) collectTensors(x, name, refs, depth + 1);
    return;
  }
  const history =
    isObj(v) && v['class_name'] === '__keras_tensor__' && isObj(v['config']) && v['config']['keras_history'];
  if (!Array.isArray(history) || history.length !== 3)
    fail(`layer "${name}" is called with an argument that is not a tensor of the model`);
  refs.push(history);
}
