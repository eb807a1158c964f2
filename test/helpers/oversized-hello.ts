import { encodeEnvelope } from '../../edge/wire/codec.ts';

/**
 * Issue 16, finding 7: a stranger's 15.8 MB Hello sent before the handshake
 * (two datasets of 100,000 feature names of 77 characters), which the
 * coordinator once decoded in full before refusing. test/hostile/f7-pre-auth
 * asserts it is refused unread; bench/pre-auth.ts prices it.
 */
export function oversizedHello(): Uint8Array {
  const features = Array.from({ length: 100_000 }, (_, i) => `f${String(i).padStart(76, '0')}`);
  return encodeEnvelope({
    sender: 'mallory',
    seq: 1,
    hello: {
      name: 'mallory',
      software: 'x',
      datasets: [
        { schemaId: 's', label: 'y', features },
        { schemaId: 't', label: 'y', features },
      ],
    },
  });
}
