/**
 * Synchronous library work during which the console prints nothing. The
 * FHIRPath engine (`fhirpath`) and its UCUM library (@lhncbc/ucum-lhc) write
 * to the console themselves, quoting the resource they evaluate: ucum-lhc
 * logs a coded unit it cannot parse ("Unit requested for unit string <the
 * record's Quantity.code> ..."), fhirpath warns of a truncated duration "in
 * operation with <the record's date>". The console is the daemon's stdout and
 * stderr, where its JSON log lines go, so such a line would put a patient's
 * value in the log past the logger's redaction (edge/log.ts). As dcmjs's
 * loggers are silenced (dicom.ts), the intake runs each resource's evaluation
 * with the console muted. Only for synchronous work (FHIRPath evaluation is:
 * core/data/fhir-path.ts), so nothing else runs while it is muted.
 */
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;
const mute = () => {};

/** `f()`, with every console method a no-op while it runs. */
export function withoutConsole<T>(f: () => T): T {
  const saved = METHODS.map((m) => console[m]);
  for (const m of METHODS) console[m] = mute;
  try {
    return f();
  } finally {
    METHODS.forEach((m, i) => (console[m] = saved[i]!));
  }
}
