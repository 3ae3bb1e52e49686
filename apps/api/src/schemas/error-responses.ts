import { ErrorBody } from '@hindsight/models';

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

/** The error answers a route can give, each with the one error body of the api. */
export function errorResponses<const S extends readonly Status[]>(
  ...statuses: S
): { [K in S[number] | 401 | 429 | 500]: typeof ErrorBody } {
  const out: Partial<Record<Status, typeof ErrorBody>> = {};
  for (const status of [401, 429, 500, ...statuses] as Status[]) out[status] = ErrorBody;
  return out as { [K in S[number] | 401 | 429 | 500]: typeof ErrorBody };
}
