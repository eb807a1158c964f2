/**
 * Training-time image augmentation, declared by the job (`image.augment`,
 * core/job/spec.ts) so a hospital sees in the offer exactly what is done to
 * its images, and no code travels with the job: each training image is
 * redrawn as a random affine view of itself (a shift, a rotation and a zoom
 * about the centre, optionally a horizontal mirror), sampled bilinearly with
 * the edge pixels extended past the border. Evaluation never augments.
 *
 * Why: PneumoniaMNIST's test split comes from a shifted distribution
 * (README.md, "Images"); views that vary position, angle and size teach the
 * model what does not change between X-ray machines and patients'
 * positioning, the standard remedy for a small imaging set.
 *
 * Privacy: a view is a function of one record and of the generator it is
 * given. Under DP-SGD the trainer gives it the CSPRNG (client/trainer/views.ts
 * says why a public seed would not do), so each record's view is secret and
 * independent of the others' presence, each record still contributes one
 * clipped gradient a step, and the sensitivity and the ε the accountant
 * charges are unchanged.
 */
import { z } from 'zod';
import type { SeededRng } from '../rng.ts';
import type { ImageShape } from './types.ts';

export const imageAugmentSchema = z.strictObject({
  /** Largest shift, in pixels, along each axis (uniform in [−shift, shift]). */
  shift: z.number().finite().min(0).max(64).default(0),
  /** Largest rotation, in degrees either way. */
  rotate: z.number().finite().min(0).max(180).default(0),
  /** Largest zoom, as a fraction: the scale is uniform in [1 − scale, 1 + scale]. */
  scale: z.number().finite().min(0).max(0.5).default(0),
  /** Mirror left-right with probability ½ (wrong for anatomy with a side, such as a chest X-ray). */
  flipHorizontal: z.boolean().default(false),
});
export type ImageAugment = z.infer<typeof imageAugmentSchema>;

/** True when the augmentation changes nothing (every range 0, no mirror). */
export function isIdentityAugment(a: ImageAugment): boolean {
  return a.shift === 0 && a.rotate === 0 && a.scale === 0 && !a.flipHorizontal;
}

/** One view's inverse map: output pixel p reads input m·(p − c − t) + c, m the 2×2 inverse of mirror, rotation and zoom. */
interface View {
  m00: number;
  m01: number;
  m10: number;
  m11: number;
  tx: number;
  ty: number;
}

function drawView(a: ImageAugment, rng: SeededRng): View {
  const span = (r: number) => (2 * rng.float() - 1) * r;
  const tx = span(a.shift);
  const ty = span(a.shift);
  const theta = (span(a.rotate) * Math.PI) / 180;
  const s = 1 + span(a.scale);
  const flip = a.flipHorizontal && rng.float() < 0.5 ? -1 : 1;
  const c = Math.cos(theta) / s;
  const sn = Math.sin(theta) / s;
  // Inverse of [flip·x] then rotate by θ and scale by s: source = F · R(−θ)/s · (dest − centre − t) + centre.
  return { m00: flip * c, m01: flip * sn, m10: -sn, m11: c, tx, ty };
}

/**
 * A new array of `n` rows (height × width × channels values each, row-major
 * NHWC as a DatasetSplit holds images), each row an independent random view
 * of the same row of `x`. Draws from `rng` in row order, so a seed gives the
 * same views. Values are convex combinations of the row's own values: the
 * output stays within each row's range.
 */
export function augmentImages(
  x: Float32Array,
  n: number,
  shape: ImageShape,
  a: ImageAugment,
  rng: SeededRng,
): Float32Array {
  const { height: H, width: W, channels: C } = shape;
  const size = H * W * C;
  const out = new Float32Array(n * size);
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  for (let i = 0; i < n; i++) {
    const v = drawView(a, rng);
    const base = i * size;
    for (let y = 0; y < H; y++) {
      for (let xo = 0; xo < W; xo++) {
        const u = xo - cx - v.tx;
        const w = y - cy - v.ty;
        const sx = v.m00 * u + v.m01 * w + cx;
        const sy = v.m10 * u + v.m11 * w + cy;
        sampleBilinear(x, base, H, W, C, sx, sy, out, base + (y * W + xo) * C);
      }
    }
  }
  return out;
}

const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);

/** Writes the C channels at (sx, sy) of the image at `base`, bilinear, coordinates clamped to the edge. */
function sampleBilinear(
  x: Float32Array,
  base: number,
  H: number,
  W: number,
  C: number,
  sx: number,
  sy: number,
  out: Float32Array,
  at: number,
): void {
  const px = clamp(sx, W - 1);
  const py = clamp(sy, H - 1);
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  const x1 = Math.min(x0 + 1, W - 1);
  const y1 = Math.min(y0 + 1, H - 1);
  const fx = px - x0;
  const fy = py - y0;
  const r0 = base + y0 * W * C;
  const r1 = base + y1 * W * C;
  for (let c = 0; c < C; c++) {
    const top = (1 - fx) * x[r0 + x0 * C + c]! + fx * x[r0 + x1 * C + c]!;
    const bottom = (1 - fx) * x[r1 + x0 * C + c]! + fx * x[r1 + x1 * C + c]!;
    out[at + c] = (1 - fy) * top + fy * bottom;
  }
}
