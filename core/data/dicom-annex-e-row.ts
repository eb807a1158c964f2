/**
 * The shape of one row of PS3.15 Table E.1-1 as core/data/dicom-annex-e.ts
 * lists it. Hand-written, so the generator (scripts/gen-dicom-annex-e.mjs)
 * writes only the data and the types are read and changed here.
 */

/** A Basic Profile action as the table states it (compound actions resolved in dicom-deidentify.ts). */
export type BasicAction = 'X' | 'Z' | 'D' | 'U' | 'X/Z' | 'X/D' | 'Z/D' | 'X/Z/D' | 'X/Z/U*';

/** [tag (8 hex digits, X wildcard), VR, Basic Profile action, modified-dates option cleans it (1), keyword]. */
export type AnnexERow = readonly [tag: string, vr: string, action: BasicAction, modifiedDates: 0 | 1, keyword: string];
