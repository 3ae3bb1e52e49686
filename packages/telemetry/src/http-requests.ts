import type { ServiceMetrics } from './registry.js';

export type HttpRequestMetrics = Pick<
  ServiceMetrics<'api'>,
  'httpRequestsTotal' | 'httpRequestDurationSeconds'
>;

/** The `route` label of a request no route matched: raw URLs would make unbounded series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * One answered request: counts it and observes its duration under the same labels. `route` is
 * the route template (`/api/v1/backtests/:id`), never the URL.
 */
export function observeHttpRequest(
  metrics: HttpRequestMetrics,
  request: { route: string | undefined; method: string; statusCode: number; seconds: number },
): void {
  const labels = {
    route: request.route ?? UNMATCHED_ROUTE,
    method: request.method,
    status_code: String(request.statusCode),
  };
  metrics.httpRequestsTotal.inc(labels);
  metrics.httpRequestDurationSeconds.observe(labels, request.seconds);
}
