/** Bad input to this package or a metrics server that cannot start; the message names the fix. */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
}
