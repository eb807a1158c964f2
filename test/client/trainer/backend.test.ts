import { describe, expect, it, vi } from 'vitest';

interface Captured {
  level: 'info' | 'warn';
  obj: object;
  msg: string;
}

function capture() {
  const records: Captured[] = [];
  return {
    records,
    log: {
      info: (obj: object, msg: string) => void records.push({ level: 'info', obj, msg }),
      warn: (obj: object, msg: string) => void records.push({ level: 'warn', obj, msg }),
    },
  };
}

/** A fresh copy of the loader module, so each test sees an unmemoised first load. */
async function freshLoader(env: string | undefined) {
  vi.resetModules();
  if (env === undefined) delete process.env.COHORT_TF_BACKEND;
  else process.env.COHORT_TF_BACKEND = env;
  return import('../../../client/trainer/backend.ts');
}

describe('loadTf', () => {
  it('returns a usable backend and memoises it', async () => {
    const { loadTf, BACKENDS } = await freshLoader('cpu');
    const a = await loadTf();
    const b = await loadTf();
    expect(b).toBe(a);
    expect(BACKENDS).toContain(a.backend);
    expect(a.backend).toBe('cpu');
    expect(a.tf.getBackend()).toBe('cpu');
    a.tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
    expect(a.tf.tidy(() => a.tf.add(1, 2).dataSync()[0])).toBe(3);
  });

  it('logs the choice once, naming the forcing', async () => {
    const { loadTf } = await freshLoader('cpu');
    const { records, log } = capture();
    await Promise.all([loadTf(log), loadTf(log)]);
    await loadTf(log);
    expect(records).toHaveLength(1);
    expect(records[0]!.level).toBe('info');
    expect(records[0]!.obj).toEqual({ backend: 'cpu', forced: true, fallbacks: [] });
  });

  it('without forcing, explains each fallback taken', async () => {
    const { loadTf } = await freshLoader(undefined);
    const { records, log } = capture();
    const { backend } = await loadTf(log);
    const obj = records[0]!.obj as { backend: string; forced: boolean; fallbacks: { from: string; reason: string }[] };
    expect(records).toHaveLength(1);
    expect(obj.backend).toBe(backend);
    expect(obj.forced).toBe(false);
    // Every backend preferred over the chosen one appears with a reason.
    const order = ['tensorflow', 'wasm', 'cpu'];
    expect(obj.fallbacks.map((f) => f.from)).toEqual(order.slice(0, order.indexOf(backend)));
    for (const f of obj.fallbacks) expect(f.reason.length).toBeGreaterThan(0);
  });

  it('rejects an unknown COHORT_TF_BACKEND with E_CONFIG_INVALID', async () => {
    const { loadTf } = await freshLoader('gpu');
    await expect(loadTf()).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
  });
});

describe('nativeBackendFirst (told without loading tfjs)', () => {
  it('follows a forced backend, and otherwise whether tfjs-node is installed (not here)', async () => {
    expect((await freshLoader('tensorflow')).nativeBackendFirst()).toBe(true);
    expect((await freshLoader('wasm')).nativeBackendFirst()).toBe(false);
    expect((await freshLoader(undefined)).nativeBackendFirst()).toBe(false);
    const { nativeBackendFirst } = await freshLoader('gpu');
    expect(() => nativeBackendFirst()).toThrow(/COHORT_TF_BACKEND expected one of/);
    delete process.env.COHORT_TF_BACKEND;
  });
});
