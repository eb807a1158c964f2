/**
 * Shamir t-of-n secret sharing (A. Shamir, "How to share a secret", CACM 22(11),
 * 1979) of the 32-byte secrets a SecAgg client hands to its neighbours: the
 * self-mask seed and the mask secret key (Bonawitz et al., "Practical Secure
 * Aggregation for Privacy-Preserving Machine Learning", CCS 2017, §4, round
 * ShareKeys).
 *
 * The field is GF(65537) (see field.ts for why). A secret of L bytes is read
 * as L/2 little-endian 16-bit chunks; each chunk is the constant term of its
 * own polynomial of degree ≤ t−1 with independent uniform coefficients, and
 * all chunks are evaluated at the same x-coordinates. Each chunk is thus an
 * ordinary Shamir sharing: any t shares determine it, and any t−1 are
 * consistent with every possible chunk value, so they reveal nothing about it.
 * The top coefficient may be 0: requiring it to be non-zero would bias the
 * shares and break that perfect secrecy.
 *
 * Share encoding: a y-value lies in [0, p) and needs 17 bits, so each chunk's
 * y is 3 bytes little-endian (the top byte is 0 or 1). `Share.y` holds exactly
 * those bytes, so a 32-byte secret gives 16 chunks, a 48-byte `y` and a
 * 50-byte wire share: x as uint16 little-endian, then `y`. Byte-aligned
 * rather than bit-packed (34 bytes for 16 × 17 bits) to keep the codec and its
 * range checks obvious; the cost is 16 bytes per share.
 *
 * Not an integrity check: shares must arrive authenticated (in SecAgg they
 * travel under authenticated encryption between the two clients, §4). combine
 * rejects an interpolated chunk ≥ 2^16, but a random corruption lands there
 * with probability only 1/p per chunk.
 */
import { CohortError } from '../errors.ts';
import { P, add, inv, mul, randomElements, sub } from './field.ts';

export interface Share {
  /** Evaluation point, in [1, MAX_X]; never 0, where the secret lives. */
  x: number;
  /** One 3-byte little-endian value in [0, p) per 16-bit chunk of the secret. */
  y: Uint8Array;
}

/** Largest secret accepted, in bytes: far above SecAgg's 32 and bounds the work per call. */
export const MAX_SECRET_BYTES = 4096;
/** Largest x-coordinate: the wire carries x as uint16, so p − 1 = 2^16 itself is excluded. */
export const MAX_X = 0xffff;
/** Bytes per y-value on the wire and in `Share.y`. */
export const Y_BYTES = 3;
const X_BYTES = 2;

/** Bytes of `encodeShare`'s output for a secret of `secretLength` bytes. */
export function encodedShareLength(secretLength: number): number {
  checkSecretLength(secretLength);
  return X_BYTES + (secretLength / 2) * Y_BYTES;
}

/**
 * Splits `secret` into one share per x in `xs`; any `t` of them reconstruct it.
 * Throws E_SECAGG_SHARES unless secret is a Uint8Array of even length in
 * [2, MAX_SECRET_BYTES], t is an integer with 1 ≤ t ≤ xs.length, and the xs
 * are distinct integers in [1, MAX_X].
 */
export function split(secret: Uint8Array, t: number, xs: readonly number[]): Share[] {
  checkSplitArgs(secret, t, xs);
  const coefficients = randomElements((secret.length / 2) * (t - 1));
  try {
    return evaluate(secret, t, xs, coefficients);
  } finally {
    coefficients.fill(0);
  }
}

/**
 * split with caller-chosen coefficients, for test vectors only; not part of
 * the package's API (core/secagg/index.ts must not re-export it).
 * `coefficients[c * (t − 1) + k − 1]` is the coefficient of x^k for chunk c.
 */
export function splitWithCoefficients(
  secret: Uint8Array,
  t: number,
  xs: readonly number[],
  coefficients: ArrayLike<number>,
): Share[] {
  checkSplitArgs(secret, t, xs);
  if (coefficients.length !== (secret.length / 2) * (t - 1)) fail('wrong number of coefficients');
  for (let i = 0; i < coefficients.length; i++) {
    const a = coefficients[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= P) fail(`coefficient ${i} is not in [0, p)`);
  }
  return evaluate(secret, t, xs, coefficients);
}

/**
 * Reconstructs a secret of `secretLength` bytes from the first `t` shares by
 * Lagrange interpolation at x = 0. Every share must be well formed and all x
 * distinct; shares after the first t are validated but not otherwise used, so
 * they are not checked for consistency. Throws E_SECAGG_SHARES on fewer than t
 * shares, a duplicate or out-of-range x, a malformed y, or a chunk that
 * interpolates to 2^16 (impossible for consistent shares).
 */
export function combine(shares: readonly Share[], t: number, secretLength: number): Uint8Array {
  checkSecretLength(secretLength);
  if (!Number.isInteger(t) || t < 1) fail(`threshold must be an integer >= 1, got ${t}`);
  if (!Array.isArray(shares) || shares.length < t)
    fail(`need ${t} shares, got ${Array.isArray(shares) ? shares.length : 'none'}`);
  const chunks = secretLength / 2;
  const seen = new Set<number>();
  for (let i = 0; i < shares.length; i++) {
    const s = shares[i];
    if (typeof s !== 'object' || s === null) fail(`share ${i} is not a share`);
    checkX(s.x, `share ${i}`);
    checkY(s.y, chunks, `share ${i}`);
    if (seen.has(s.x)) fail(`share ${i} repeats x = ${s.x}`);
    seen.add(s.x);
  }
  const used = shares.slice(0, t);
  const lambda = lagrangeAtZero(used.map((s) => s.x));
  const out = new Uint8Array(secretLength);
  let overflow = 0;
  for (let c = 0; c < chunks; c++) {
    let acc = 0;
    for (let i = 0; i < t; i++) acc = add(acc, mul(lambda[i]!, readY(used[i]!.y, c)));
    // Accumulate rather than branch, so the check costs the same for every chunk value.
    overflow |= acc >>> 16;
    out[2 * c] = acc & 0xff;
    out[2 * c + 1] = (acc >>> 8) & 0xff;
  }
  if (overflow !== 0) {
    out.fill(0);
    fail('shares are inconsistent: a chunk interpolates outside [0, 2^16)');
  }
  return out;
}

/** Wire form: x as uint16 little-endian, then `y` (3 bytes per chunk). */
export function encodeShare(s: Share): Uint8Array {
  if (typeof s !== 'object' || s === null) fail('not a share');
  checkX(s.x, 'share');
  if (!(s.y instanceof Uint8Array) || s.y.length === 0 || s.y.length % Y_BYTES !== 0)
    fail('share y has a malformed length');
  const chunks = s.y.length / Y_BYTES;
  if (chunks * 2 > MAX_SECRET_BYTES) fail('share y is longer than any allowed secret');
  checkY(s.y, chunks, 'share');
  const out = new Uint8Array(X_BYTES + s.y.length);
  out[0] = s.x & 0xff;
  out[1] = s.x >>> 8;
  out.set(s.y, X_BYTES);
  return out;
}

/**
 * Parses a share of a `secretLength`-byte secret. The length is checked
 * before anything is read, x must be in [1, MAX_X], and each y in [0, p).
 * The result copies `bytes`, so zeroing either leaves the other intact.
 */
export function decodeShare(bytes: Uint8Array, secretLength: number): Share {
  const expected = encodedShareLength(secretLength);
  if (!(bytes instanceof Uint8Array)) fail('encoded share is not a Uint8Array');
  if (bytes.length !== expected) fail(`encoded share has ${bytes.length} bytes, expected ${expected}`);
  const x = bytes[0]! | (bytes[1]! << 8);
  checkX(x, 'encoded share');
  const y = bytes.slice(X_BYTES);
  checkY(y, secretLength / 2, 'encoded share');
  return { x, y };
}

/** Shares of every chunk at every x: f_c(x) = s_c + Σ_k a_{c,k} x^k, by Horner's rule. */
function evaluate(secret: Uint8Array, t: number, xs: readonly number[], coefficients: ArrayLike<number>): Share[] {
  const chunks = secret.length / 2;
  const degree = t - 1;
  return xs.map((x) => {
    const y = new Uint8Array(chunks * Y_BYTES);
    for (let c = 0; c < chunks; c++) {
      let acc = 0;
      for (let k = degree; k >= 1; k--) acc = mul(add(acc, coefficients[c * degree + k - 1]!), x);
      acc = add(acc, secret[2 * c]! | (secret[2 * c + 1]! << 8));
      y[Y_BYTES * c] = acc & 0xff;
      y[Y_BYTES * c + 1] = (acc >>> 8) & 0xff;
      y[Y_BYTES * c + 2] = acc >>> 16;
    }
    return { x, y };
  });
}

/**
 * λ_i = Π_{j≠i} x_j / (x_j − x_i), so that f(0) = Σ λ_i f(x_i) for any f of
 * degree < xs.length. Depends only on the public x-coordinates.
 */
function lagrangeAtZero(xs: readonly number[]): number[] {
  return xs.map((xi, i) => {
    let num = 1;
    let den = 1;
    xs.forEach((xj, j) => {
      if (j === i) return;
      num = mul(num, xj);
      den = mul(den, sub(xj, xi));
    });
    return mul(num, inv(den));
  });
}

function readY(y: Uint8Array, chunk: number): number {
  const o = Y_BYTES * chunk;
  return y[o]! | (y[o + 1]! << 8) | (y[o + 2]! << 16);
}

function checkSplitArgs(secret: Uint8Array, t: number, xs: readonly number[]): void {
  if (!(secret instanceof Uint8Array)) fail('secret is not a Uint8Array');
  checkSecretLength(secret.length);
  if (!Array.isArray(xs)) fail('xs is not an array');
  if (!Number.isInteger(t) || t < 1 || t > xs.length)
    fail(`threshold must be an integer in [1, ${xs.length}], got ${t}`);
  const seen = new Set<number>();
  xs.forEach((x, i) => {
    checkX(x, `xs[${i}]`);
    if (seen.has(x)) fail(`xs[${i}] repeats x = ${x}`);
    seen.add(x);
  });
}

function checkSecretLength(length: number): void {
  if (!Number.isInteger(length) || length < 2 || length > MAX_SECRET_BYTES || length % 2 !== 0) {
    fail(`secret length must be even and in [2, ${MAX_SECRET_BYTES}], got ${length}`);
  }
}

function checkX(x: unknown, what: string): asserts x is number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > MAX_X)
    fail(`${what}: x must be an integer in [1, ${MAX_X}]`);
}

/** Checks length and that every value is below p, without branching on the (secret) values. */
function checkY(y: unknown, chunks: number, what: string): asserts y is Uint8Array {
  if (!(y instanceof Uint8Array) || y.length !== chunks * Y_BYTES) fail(`${what}: y must be ${chunks * Y_BYTES} bytes`);
  let tooBig = 0;
  for (let c = 0; c < chunks; c++) tooBig |= (P - 1 - readY(y, c)) >>> 31; // sign bit set iff value ≥ p
  if (tooBig !== 0) fail(`${what}: a y-value is not in [0, p)`);
}

function fail(message: string): never {
  throw new CohortError('E_SECAGG_SHARES', message);
}
