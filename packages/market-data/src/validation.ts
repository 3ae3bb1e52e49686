import { formatTime } from './time-format.js';

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
  if (!(open > 0) || open === Number.POSITIVE_INFINITY) return `open ${open} must be positive`;
  if (!(high > 0) || high === Number.POSITIVE_INFINITY) return `high ${high} must be positive`;
  if (!(low > 0) || low === Number.POSITIVE_INFINITY) return `low ${low} must be positive`;
  if (!(close > 0) || close === Number.POSITIVE_INFINITY) return `close ${close} must be positive`;
  if (high < low) return `high ${high} is below low ${low}`;
  if (high < open) return `high ${high} is below open ${open}`;
  if (high < close) return `high ${high} is below close ${close}`;
  if (low > open) return `low ${low} is above open ${open}`;
  if (low > close) return `low ${low} is above close ${close}`;
  if (volume < 0) return `volume ${volume} is negative`;
  if (!Number.isFinite(volume)) return `volume ${volume} is not a finite number`;
  return null;
}
