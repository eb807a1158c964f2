/**
 * Decoded pixels to model input: [0, 1] scaling by the file's own bit depth,
 * channel conversion, bilinear resizing and normalisation by declared
 * constants. Every step is a fixed function of one image and the schema, so
 * no image changes how another is encoded.
 */
import type { DecodedImage } from './image-decode.ts';
import type { ImageNormalisation } from './image-schema.ts';

/** ITU-R BT.601 luma weights (Y' = 0.299 R' + 0.587 G' + 0.114 B'), as PIL's "L" mode and tf.image.rgbToGrayscale. */
export const BT601 = [0.299, 0.587, 0.114] as const;

/**
 * Samples scaled to [0, 1] by the image's maxValue, in `channels` channels:
 * grey from RGB by BT.601 luma (on the stored, gamma-encoded values), RGB from
 * grey by replication. Interleaved (HWC), row-major.
 */
export function toChannels(img: DecodedImage, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  const s = 1 / img.maxValue;
  const d = img.data;
  if (img.channels === channels) {
    for (let i = 0; i < out.length; i++) out[i] = d[i]! * s;
  } else if (channels === 1) {
    for (let i = 0; i < n; i++)
      out[i] = (BT601[0] * d[3 * i]! + BT601[1] * d[3 * i + 1]! + BT601[2] * d[3 * i + 2]!) * s;
  } else {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = d[i]! * s;
  }
  return out;
}

/**
 * Bilinear resize of an HWC image with half-pixel centres: output pixel
 * (y, x) samples the input at ((y + ½)·H/H' − ½, (x + ½)·W/W' − ½), clamped
 * to the edges. This is tf.image.resizeBilinear(alignCorners = false,
 * halfPixelCenters = true), OpenCV's INTER_LINEAR and PyTorch's
 * interpolate(mode = 'bilinear', align_corners = False, antialias = False);
 * a same-size resize is the identity. No antialiasing: shrinking by more than
 * 2× skips pixels (declare a size near the images' own).
 */
export function resizeBilinear(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Float32Array {
  if (h === outH && w === outW) return src;
  const out = new Float32Array(outH * outW * c);
  const ys = axis(h, outH);
  const xs = axis(w, outW);
  for (let y = 0; y < outH; y++) {
    const top = ys.lo[y]! * w;
    const bottom = ys.hi[y]! * w;
    const fy = ys.frac[y]!;
    for (let x = 0; x < outW; x++) {
      const l = xs.lo[x]!;
      const r = xs.hi[x]!;
      const fx = xs.frac[x]!;
      for (let k = 0; k < c; k++) {
        const tl = src[(top + l) * c + k]!;
        const tr = src[(top + r) * c + k]!;
        const bl = src[(bottom + l) * c + k]!;
        const br = src[(bottom + r) * c + k]!;
        const t = tl + (tr - tl) * fx;
        const b = bl + (br - bl) * fx;
        out[(y * outW + x) * c + k] = t + (b - t) * fy;
      }
    }
  }
  return out;
}

/** Per output coordinate: the two input neighbours and the weight of the upper one (as tfjs's cpu kernel). */
function axis(inLen: number, outLen: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const ratio = inLen / outLen;
  const lo = new Int32Array(outLen);
  const hi = new Int32Array(outLen);
  const frac = new Float64Array(outLen);
  for (let i = 0; i < outLen; i++) {
    const f = ratio * (i + 0.5) - 0.5;
    lo[i] = Math.max(0, Math.floor(f));
    hi[i] = Math.min(inLen - 1, Math.ceil(f));
    frac[i] = f - lo[i]!;
  }
  return { lo, hi, frac };
}

/** Applies the declared normalisation in place to interleaved [0, 1] values with `c` channels. */
export function normalisePixels(px: Float32Array, c: number, norm: ImageNormalisation): void {
  if (norm.kind === 'scale') return;
  const { mean, std } = norm;
  for (let i = 0; i < px.length; i++) {
    const k = i % c;
    px[i] = (px[i]! - mean[k]!) / std[k]!;
  }
}

/** One decoded image to one row of model input: channels, then size, then normalisation. */
export function imageToInput(
  img: DecodedImage,
  size: readonly [number, number],
  channels: 1 | 3,
  norm: ImageNormalisation,
): Float32Array {
  const px = resizeBilinear(toChannels(img, channels), img.height, img.width, channels, size[0], size[1]);
  normalisePixels(px, channels, norm);
  return px;
}
