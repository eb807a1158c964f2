/** Hand-written Sequential topologies in the form `model.toJSON(null, false)` writes, for tests that need no tfjs. */
export function sequential(inputShape: number[], layers: [cls: string, config: Record<string, unknown>][]) {
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential_1',
      layers: layers.map(([cls, config], i) => ({
        class_name: cls,
        config: { name: `layer_${i}`, ...(i === 0 ? { batch_input_shape: [null, ...inputShape] } : {}), ...config },
      })),
    },
  };
}
