import { formatTime } from '../time/time-format.js';

/**
 * The largest price a bar may hold: a thousand times any traded instrument's. The engine
 * multiplies prices by sizes (cash up to 1e12), by each other (squared returns, variances) and
 * sums them over millions of bars; a price of 1e308 imports fine and then turns a run's pnl into
 * NaN. At 1e12 every such product stays finite, with room to spare.
 */
export const MAX_PRICE = 1e12;
/** The largest volume: far above any day's traded units, low enough that sums stay finite. */
export const MAX_VOLUME = 1e15;

/**
 * What is wrong with one bar, in words for a person fixing the file, or null when it is fine.
 * `previousTime` is the bar before's timestamp (NaN for the first bar) and `previousLabel` where it
 * came from ("line 5"), so order problems can point at both rows. The checks are those of the
 * engine's `createBars`, worded for a file.
 */
export function barProblem(
  time: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  previousTime: number,
  previousLabel: string,
): string | null {
  if (time <= previousTime) {
    return time === previousTime
      ? `duplicate timestamp ${formatTime(time)} (also on ${previousLabel})`
      : `timestamp ${formatTime(time)} is before ${formatTime(previousTime)} on ${previousLabel} ` +
          '(rows must be in time order)';
  }
  for (const [name, price] of [
    ['open', open],
    ['high', high],
    ['low', low],
    ['close', close],
  ] as const) {
    if (!(price > 0 && price <= MAX_PRICE)) {
      return `${name} ${price} must be positive and at most ${MAX_PRICE} (larger prices overflow the engine's products)`;
    }
  }
  if (high < low) return `high ${high} is below low ${low}`;
  if (high < open) return `high ${high} is below open ${open}`;
  if (high < close) return `high ${high} is below close ${close}`;
  if (low > open) return `low ${low} is above open ${open}`;
  if (low > close) return `low ${low} is above close ${close}`;
  if (volume < 0) return `volume ${volume} is negative`;
  if (!(volume <= MAX_VOLUME)) return `volume ${volume} must be at most ${MAX_VOLUME}`;
  return null;
}
