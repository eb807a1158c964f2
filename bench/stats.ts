/** Summary statistics the benches print. */

/** The median of a sample; of an even count, the upper of the two middle values (a measured time, not an average of two). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
