import { TelemetryError } from './errors.js';

/** An ISO 8601 string (as the store and events carry times), epoch milliseconds or a Date. */
export type Timestamp = string | number | Date;

/** @throws TelemetryError naming `what` when the time cannot be read. */
export function epochMs(time: Timestamp, what: string): number {
  const ms =
    time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(ms))
    throw new TelemetryError(`${what} is not a valid time: ${String(time)}`);
  return ms;
}
