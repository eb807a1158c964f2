import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { streamBundle } from '../../../client/intake/fhir-bundle-file.ts';

const MiB = 1 << 20;

/** A Bundle whose `entry` array is produced lazily, `n` entries of about `size` bytes each; `produced` counts bytes handed out. */
function lazyBundle(n: number, size: number, head = '{"resourceType":"Bundle","type":"collection","entry":[') {
  const state = { produced: 0, done: false };
  const pad = 'x'.repeat(size);
  async function* gen() {
    const give = (s: string) => {
      state.produced += s.length;
      return s;
    };
    yield give(head);
    for (let i = 0; i < n; i++)
      yield give(
        `${i ? ',' : ''}{"fullUrl":"urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}","resource":{"resourceType":"Observation","id":"o${i}","note":[{"text":"${pad}"}],"n":${i},"ok":true,"nil":null}}`,
      );
    yield give(']}');
    state.done = true;
  }
  return { stream: Readable.from(gen(), { objectMode: false, highWaterMark: 64 * 1024 }), state };
}

describe('a Bundle streamed entry by entry', () => {
  it('hands out each entry while the stream is still being produced: never more than about a chunk ahead', async () => {
    // 20,000 entries of ~1 KiB: a ~20 MiB Bundle. If the parser held the Bundle, the first entry
    // would come after all 20 MiB were produced; here each comes within a chunk of its own bytes.
    const n = 20_000;
    const { stream, state } = lazyBundle(n, 1000);
    let maxAhead = 0;
    let firstAt = -1;
    let seen = 0;
    let entryBytes = 0;
    let bad = 0;
    const r = await streamBundle(stream, {
      maxEntryBytes: 4 * MiB,
      onEntry(e) {
        const { resource } = e as {
          resource: { id: string; n: number; ok: boolean; nil: null; note: { text: string }[] };
        };
        const whole = resource.id === `o${seen}` && resource.n === seen && resource.ok && resource.nil === null;
        if (!whole || resource.note[0]!.text.length !== 1000) bad++;
        entryBytes += JSON.stringify(e).length + 1;
        if (firstAt < 0) firstAt = state.produced;
        maxAhead = Math.max(maxAhead, state.produced - entryBytes);
        seen++;
      },
    });
    expect(r).toMatchObject({
      entries: n,
      oversized: 0,
      deferred: false,
      head: { resourceType: 'Bundle', type: 'collection' },
    });
    expect(r.rejected).toBeUndefined();
    expect(bad).toBe(0);
    expect(state.produced).toBeGreaterThan(20 * MiB);
    expect(firstAt).toBeLessThan(MiB);
    expect(maxAhead).toBeLessThan(MiB);
  });

  it('values kept from the entries do not keep the text they were read from alive', async () => {
    // The tokenizer's strings are slices of its input chunks; kept as they are, one kept fullUrl
    // per entry would hold every chunk, so the file's whole text, in memory.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { stream, state } = lazyBundle(20_000, 2000);
    const kept: string[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    await streamBundle(stream, { maxEntryBytes: MiB, onEntry: (e) => kept.push((e as { fullUrl: string }).fullUrl) });
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(kept).toHaveLength(20_000);
    expect(kept[7]).toBe('urn:uuid:00000000-0000-4000-8000-000000000007');
    expect(state.produced).toBeGreaterThan(40 * MiB);
    // 20,000 strings of 45 characters: about 1.5 MiB kept; the text would be 40.
    expect(grown).toBeLessThan(8 * MiB);
  });

  it('an entry over the cap is one oversized entry, not built, and the entries after it are still read', async () => {
    const entry = (i: number, note: Iterable<string>) => [
      `${i ? ',' : ''}{"resource":{"resourceType":"Observation","id":"o${i}","note":"`,
      ...note,
      '"}}',
    ];
    // Entry 1's note is a 16 MiB string, produced in 1 MiB pieces.
    const big = Readable.from([
      '{"resourceType":"Bundle","type":"collection","entry":[',
      ...entry(0, ['short']),
      ...entry(
        1,
        Array.from({ length: 16 }, () => 'y'.repeat(MiB)),
      ),
      ...entry(2, ['short']),
      ']}',
    ]);
    const ids: string[] = [];
    const r = await streamBundle(big, {
      maxEntryBytes: MiB,
      onEntry: (e) => ids.push((e as { resource: { id: string } }).resource.id),
    });
    expect(ids).toEqual(['o0', 'o2']);
    expect(r).toMatchObject({ entries: 2, oversized: 1 });
    expect(r.rejected).toBeUndefined();
  });

  it('entries before resourceType and type are deferred (the file is read again), a wrong or missing head is refused, a cut is counted', async () => {
    const entries = '"entry":[{"resource":{"resourceType":"Patient","id":"a"}}]';
    const run = async (text: string, knownHead = false) => {
      const got: unknown[] = [];
      const r = await streamBundle(Readable.from([text]), {
        maxEntryBytes: MiB,
        onEntry: (e) => got.push(e),
        knownHead,
      });
      return { ...r, got: got.length };
    };
    expect(await run(`{${entries},"type":"searchset","resourceType":"Bundle"}`)).toMatchObject({
      deferred: true,
      got: 0,
    });
    expect(await run(`{${entries},"type":"searchset","resourceType":"Bundle"}`, true)).toMatchObject({ got: 1 });
    expect(await run(`{"resourceType":"Bundle","type":"transaction",${entries}}`)).toMatchObject({
      deferred: false,
      got: 1,
    });
    for (const type of ['batch-response', 'history', 'transaction-response'])
      expect(await run(`{"resourceType":"Bundle","type":"${type}",${entries}}`)).toMatchObject({
        got: 0,
        rejected: 'fhir:bundle-type',
      });
    expect(await run(`{"resourceType":"Patient",${entries}}`)).toMatchObject({ got: 0, rejected: 'fhir:bundle-type' });
    expect(await run(`[1,2]`)).toMatchObject({ got: 0, rejected: 'fhir:bundle-type' });
    // A type too long to be one is refused, not taken for a missing type (read as a collection).
    const long = `{"resourceType":"Bundle","type":"collection${'x'.repeat(100)}",${entries}}`;
    expect(await run(long)).toMatchObject({ got: 0, rejected: 'fhir:bundle-type' });
    expect(await run(`{"resourceType":"Bundle",${entries}}`)).toMatchObject({ deferred: true, got: 0 });
    expect((await run(`{"resourceType":"Bundle",${entries}}`)).rejected).toBeUndefined();
    // Cut short, and not JSON: entries completed before the break are kept, the file counted once.
    const cut = await run(
      `{"resourceType":"Bundle","type":"collection",${entries.slice(0, -1)},{"resource":{"resourceType":"Pat`,
    );
    expect(cut).toMatchObject({ got: 1, rejected: 'fhir:bundle-json' });
    expect(await run('Name,Surname\nSENTINEL,Doe\n')).toMatchObject({ got: 0, rejected: 'fhir:bundle-json' });
    expect(await run('\ufeff{"resourceType":"Bundle","type":"collection",' + entries + '}')).toMatchObject({ got: 1 });
  });

  it('builds values as JSON.parse does, "__proto__" an own property and escapes decoded', async () => {
    const resource = {
      resourceType: 'Observation',
      __proto__x: 1,
      s: 'a"b\\c\u00e9\ud83d\ude00\n',
      n: -1.5e3,
      a: [[], {}, [1, [2]]],
    };
    const text = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":${JSON.stringify(resource)}},{"resource":{"__proto__":{"polluted":1}}}]}`;
    const got: unknown[] = [];
    // One character at a time: every token split across chunks.
    await streamBundle(Readable.from(text.split('')), { maxEntryBytes: MiB, onEntry: (e) => got.push(e) });
    expect(got[0]).toEqual(JSON.parse(text).entry[0]);
    const proto = (got[1] as { resource: object }).resource;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });
});
