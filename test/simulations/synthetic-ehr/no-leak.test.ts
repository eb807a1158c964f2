/**
 * Defence in depth beside DP: a whole simulated job on generated records full
 * of names, MRNs, national ids, phones, emails and addresses (read from CSV
 * and from FHIR NDJSON), with every frame every process sends and every log
 * line (trace level) and console write captured, and the coordinator's
 * database read byte by byte. None of the generated identifying values may
 * appear in any of them.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureOutbound, lineSink } from '../../helpers/capture-outbound.ts';
import { createLogger } from '../../../edge/log.ts';
import { decodeEnvelope } from '../../../edge/wire/codec.ts';
import { IDENTIFIER_KINDS } from '../../../simulations/synthetic-ehr/index.ts';
import { runSyntheticEhr } from '../../../simulations/synthetic-ehr/scenario.ts';

const { frames, consoleText } = captureOutbound();

/**
 * Every string inside a decoded frame or log line. Byte fields (tensors, keys,
 * signatures) are skipped, and so are the same bytes written as hex (a roster's
 * keys and signatures, ledger hashes): a 5-digit ZIP turns up inside random hex
 * by chance. JSON inside a string (a roster chain, a ledger entry) is searched
 * value by value.
 */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    if (/^[0-9a-f]{32,}$/.test(v)) return out;
    if (/^\s*[[{]/.test(v)) {
      try {
        return strings(JSON.parse(v) as unknown, out);
      } catch {
        // not JSON: searched as text below
      }
    }
    out.push(v);
  } else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) for (const x of Object.values(v)) strings(x, out);
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Digits match only as a whole number (a ZIP inside a timestamp is not a leak), words as whole words. */
const pattern = (value: string) =>
  new RegExp(
    /^\d+$/.test(value) ? `(?<!\\d)${value}(?!\\d)` : `(?<![\\p{L}\\p{N}])${escape(value)}(?![\\p{L}\\p{N}])`,
    'u',
  );

describe('synthetic EHR job: no identifier leaves a hospital', () => {
  it('no generated identifier is in any frame, log line, console write or the coordinator database', async () => {
    const { lines: logLines, sink } = lineSink();
    const r = await runSyntheticEhr({
      hospitals: 3,
      patientsPerHospital: 150,
      rounds: 2,
      log: createLogger({ level: 'trace', destination: sink }),
    });
    expect(r.ledgerOk).toBe(true);
    expect(frames.length).toBeGreaterThan(50);
    expect(logLines.length).toBeGreaterThan(20);

    const frameText = frames.map((f) => strings(decodeEnvelope(f)).join('\n')).join('\n');
    const rawFrames = Buffer.concat(frames).toString('latin1');
    const logs = logLines.join('');
    // The string values of the log lines: a 5-digit ZIP must not be matched against a port or pid number.
    const logStrings = logLines.map((l) => strings(JSON.parse(l) as unknown).join('\n')).join('\n');
    const printed = consoleText.join('');
    const db =
      readFileSync(join(r.workdir, 'coordinator.db')).toString('latin1') +
      readFileSync(join(r.workdir, 'coordinator.db-wal'), { flag: 'a+' }).toString('latin1');
    const { identifiers: _sets, ...figures } = r;
    const report = JSON.stringify(figures);

    let checked = 0;
    const found: string[] = [];
    for (const site of r.identifiers) {
      for (const kind of IDENTIFIER_KINDS) {
        for (const value of site[kind]) {
          checked++;
          const re = pattern(value);
          // Digits alone (ZIPs) are looked for in string values only: logs and test output are full of numbers (ports, pids, times).
          const numeric = /^\d+$/.test(value);
          const inText = numeric
            ? re.test(frameText) || re.test(logStrings) || re.test(strings(JSON.parse(report) as unknown).join('\n'))
            : re.test(frameText) || re.test(logs) || re.test(printed) || re.test(report);
          if (inText) found.push(`${kind}: in a frame, log line, console write or the report`);
          // Raw bytes (a binary frame, the database file): long values only, so chance byte patterns cannot match.
          if (value.length >= 8 && (rawFrames.includes(value) || db.includes(value)))
            found.push(`${kind}: in raw frame or database bytes`);
        }
      }
    }
    expect(checked).toBeGreaterThan(3 * 150 * 8);
    // Kinds only: the test's own output must not print a patient's identifiers either.
    expect([...new Set(found)]).toEqual([]);
  }, 120_000);
});
