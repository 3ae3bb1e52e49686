/** Input that the statistics cannot be computed from; the message names the offending value. */
export class MetricsInputError extends Error {
  override readonly name = 'MetricsInputError';
}
