/** The bars where a signal column is set, so a test can state them as a short list. */
export function flaggedBars(flags: Uint8Array): number[] {
  const bars: number[] = [];
  flags.forEach((flag, i) => {
    if (flag) bars.push(i);
  });
  return bars;
}
