/**
 * The image schema: a hospital's declaration of how a folder of images (or a
 * CSV manifest of image paths) becomes model input. As with the tabular
 * schema (schema.ts), nothing is fitted on the hospital's records: the size,
 * the channels and the normalisation constants are declared up front, and the
 * constants must be public ones (the [0, 1] scale, or a published mean/std such
 * as ImageNet's), never statistics of the local images, so one image never
 * changes how another is encoded. Parsed once at the edge (docs/images.md).
 */
import { z } from 'zod';
import { parseOrThrow } from '../parse-issues.ts';
import { isPrintable } from '../printable.ts';
import { DEFAULT_MAX_SHIFT_DAYS } from './dicom-deidentify.ts';
import { DEFAULT_MAX_REJECTED_FRACTION } from './schema.ts';

/** Longest side of the declared model input, in pixels. */
export const MAX_IMAGE_SIDE = 1024;
/** Most classes an image schema may declare (as a multiclass task allows). */
export const MAX_IMAGE_CLASSES = 1000;

/** Defaults of the intake's limits (each can be lowered or raised in the schema's `limits`). */
export const IMAGE_LIMIT_DEFAULTS = {
  /** Largest image file read, in bytes; a larger one is rejected ('image:file-too-large') unread. */
  maxFileBytes: 64 * 1024 * 1024,
  /** Largest width × height decoded, read from the header before decoding ('image:too-large'): 16.8 MP. */
  maxPixels: 4096 * 4096,
  /** Most image files (candidates, before decoding) in one dataset; more refuses the dataset. */
  maxImages: 1_000_000,
} as const;

const name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}/\\]+$/u, 'no control characters, "/" or "\\"');

// Names the dataset offers on the wire (a Hello's label): no control or format character, or the coordinator refuses it.
const columnName = z
  .string()
  .min(1)
  .max(64)
  .refine(isPrintable, 'no control or format characters (escapes, bidi overrides)');

const positive = z.number().finite().positive();

/** Normalisation of each value after it is scaled to [0, 1] (8-bit: v / 255; 16-bit: v / 65535). */
const normalise = z.discriminatedUnion('kind', [
  /** Keep the [0, 1] values. */
  z.strictObject({ kind: z.literal('scale') }),
  /** (v − mean[c]) / std[c] per channel, with published constants (e.g. ImageNet's). */
  z.strictObject({
    kind: z.literal('mean-std'),
    mean: z.array(z.number().finite().min(0).max(1)).min(1).max(3),
    std: z.array(positive).min(1).max(3),
    /** Where the constants come from (a paper, a model card): they must be public. */
    source: z.string().min(1).max(256),
  }),
]);

const source = z.discriminatedUnion('layout', [
  /** `<root>/<label>/<file>`, or `<root>/<split>/<label>/<file>` when `splits` is declared. */
  z.strictObject({ layout: z.literal('folder') }),
  /** A CSV file with a header; image paths are relative to the manifest's folder. */
  z.strictObject({
    layout: z.literal('manifest'),
    pathColumn: columnName,
    labelColumn: columnName,
    splitColumn: columnName.optional(),
  }),
]);

/** How DICOM files (a .dcm name, or "DICM" at byte 128) are read: docs/images.md, "DICOM". Every field has a default. */
const dicom = z
  .strictObject({
    /** PS3.15 Annex E profile applied before pixels are used: the Basic Application Level Confidentiality Profile. */
    profile: z.literal('basic').default('basic'),
    /** PS3.15 option: shift dates by a keyed per-patient offset instead of removing them. */
    retainLongitudinalTemporalModifiedDates: z.boolean().default(false),
    /** Largest shift, in days either way, under that option. */
    maxDateShiftDays: z.number().int().min(1).max(3650).default(DEFAULT_MAX_SHIFT_DAYS),
    /** Use images whose Burned In Annotation is YES (text such as a name in the pixels); refused by default. */
    allowBurnedInAnnotation: z.boolean().default(false),
    /** Refuse images that do not state Burned In Annotation (default: used, and counted). */
    requireBurnedInAnnotationNo: z.boolean().default(false),
    /** [0, 1] by the range Bits Stored holds, or by the file's window center/width (core/data/dicom-pixels.ts). */
    scaling: z.enum(['stored-range', 'window']).default('stored-range'),
    /** Multi-frame files: use the first frame, or refuse them. */
    multiFrame: z.enum(['first-frame', 'refuse']).default('first-frame'),
  })
  .prefault({});

const imageSchemaFields = z.strictObject({
  /** Tells an image schema file from a tabular one. */
  kind: z.literal('images'),
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only'),
  source,
  /** Model input size [height, width]: every image is resized to it (bilinear, half-pixel centres). */
  size: z.tuple([z.number().int().min(1).max(MAX_IMAGE_SIDE), z.number().int().min(1).max(MAX_IMAGE_SIDE)]),
  /** 1: grey (RGB converted by ITU-R BT.601 luma); 3: RGB (grey replicated). */
  channels: z.union([z.literal(1), z.literal(3)]),
  normalise,
  /** The label's name, as the jobs this data serves name it (a job's `label`); absent: "label" (image-dataset.ts). */
  label: columnName.optional(),
  /** Class names in label order: y is the index in this list (binary: classes[1] is the positive class). */
  classes: z.array(name).min(2).max(MAX_IMAGE_CLASSES),
  /** Folder names (or manifest label values) mapped to classes; a class name not listed here maps to itself. */
  labels: z.record(name, name).default({}),
  /** Split names; with a folder layout, declaring them means the first folder level is the split. */
  splits: z.array(name).min(1).max(16).optional(),
  limits: z
    .strictObject({
      maxFileBytes: z
        .number()
        .int()
        .min(1024)
        .max(1024 * 1024 * 1024),
      maxPixels: z.number().int().min(1).max(100_000_000),
      maxImages: z.number().int().min(1).max(10_000_000),
    })
    .partial()
    .default({}),
  /**
   * Largest fraction of the files read that may be rejected (any reason):
   * more refuses the dataset (E_DATA_UNTRAINABLE), as the tabular schema's.
   */
  maxRejectedFraction: z.number().min(0).max(1).default(DEFAULT_MAX_REJECTED_FRACTION),
  dicom,
});

export const imageSchemaSchema = imageSchemaFields.superRefine((s, ctx) => {
  if (s.normalise.kind === 'mean-std') {
    for (const k of ['mean', 'std'] as const) {
      if (s.normalise[k].length !== s.channels)
        ctx.addIssue({ code: 'custom', path: ['normalise', k], message: `one value per channel (${s.channels})` });
    }
  }
  if (new Set(s.classes).size !== s.classes.length)
    ctx.addIssue({ code: 'custom', path: ['classes'], message: 'class names repeat' });
  for (const [from, to] of Object.entries(s.labels)) {
    if (!s.classes.includes(to))
      ctx.addIssue({ code: 'custom', path: ['labels', from], message: `"${to}" is not a declared class` });
  }
  if (s.splits && new Set(s.splits).size !== s.splits.length)
    ctx.addIssue({ code: 'custom', path: ['splits'], message: 'split names repeat' });
  if (s.source.layout === 'manifest' && s.source.splitColumn && !s.splits)
    ctx.addIssue({ code: 'custom', path: ['splits'], message: 'a split column needs the declared split names' });
  if (s.source.layout === 'manifest' && !s.source.splitColumn && s.splits)
    ctx.addIssue({ code: 'custom', path: ['source', 'splitColumn'], message: 'declared splits need a split column' });
});

export type ImageSchema = z.output<typeof imageSchemaFields>;
export type ImageSchemaInput = z.input<typeof imageSchemaFields>;
export type ImageNormalisation = ImageSchema['normalise'];
export type DicomOptions = ImageSchema['dicom'];
export type ImageLimits = { readonly [K in keyof typeof IMAGE_LIMIT_DEFAULTS]: number };

/** Parses untrusted input into an ImageSchema, or throws E_SCHEMA_INVALID naming each bad field path. */
export function parseImageSchema(input: unknown): ImageSchema {
  return parseOrThrow(imageSchemaSchema, input, 'E_SCHEMA_INVALID');
}

/** The schema's limits with the defaults filled in. */
export function imageLimits(s: ImageSchema): ImageLimits {
  return { ...IMAGE_LIMIT_DEFAULTS, ...s.limits };
}

/** The class index of a folder name or manifest label, or undefined when it maps to no declared class. */
export function classIndexOf(s: ImageSchema, label: string): number | undefined {
  const cls = Object.hasOwn(s.labels, label) ? s.labels[label]! : label;
  const i = s.classes.indexOf(cls);
  return i < 0 ? undefined : i;
}

/** True for a parsed JSON document that declares itself an image schema. */
export function isImageSchemaDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'images';
}
