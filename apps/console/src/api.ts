import type { BacktestStatus } from '@hindsight/models';
// The API's own TypeBox-derived types (type-only: nothing of the api is bundled), so a change of
// a response shape fails the console's type check.
import type {
  BacktestView,
  BacktestViewPage,
  SubmitAccepted,
} from '../../api/src/schemas/backtest-view.js';
import type { CompareResponse } from '../../api/src/schemas/compare.js';
import type { EquityBody, ResultBody, TradesBody } from '../../api/src/schemas/result.js';
import type { SweepResultItem, SweepView } from '../../api/src/schemas/sweep-view.js';

export type {
  BacktestStatus,
  BacktestView,
  BacktestViewPage,
  CompareResponse,
  EquityBody,
  ResultBody,
  SubmitAccepted,
  SweepResultItem,
  SweepView,
  TradesBody,
};
// The api exports these two page schemas without a static type (and the console has no typebox).
export type SweepResultsPage = { items: SweepResultItem[]; next: string | null };
export type SweepViewPage = { items: SweepView[]; nextCursor: string | null };
export type Trade = TradesBody['trades'][number];

/** Where the key is kept: this tab's session only, never localStorage or a cookie. */
const KEY_ITEM = 'hindsight.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
}

/**
 * A key passed once as `#key=...` (the start-up banner prints such a link): kept for the
 * session and removed from the address bar, so it stays out of the history and of screenshots.
 */
export function takeKeyFromHash(): void {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  storeKey(decodeURIComponent(match[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

/** An error answer of the api (docs/api.md, "Errors"): switch on `code`, show `message`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

/** Called when the api refuses the key, so the app can ask for another. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(path: string, init: RequestInit = {}, key = storedKey()): Promise<T> {
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as
    | (T & { error?: { code: string; message: string; details?: unknown } })
    | null;
  if (!response.ok) {
    const error = body?.error;
    if (response.status === 401 && key === storedKey()) onUnauthorized();
    throw new ApiError(
      response.status,
      error?.code ?? 'HS_ERR_INTERNAL',
      error?.message ?? `the api answered ${response.status}`,
      error?.details,
    );
  }
  return body as T;
}

export function post<T>(path: string, body?: unknown): Promise<T> {
  return api<T>(path, {
    method: 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export const v1 = (path: string) => `/api/v1${path}`;
export const backtestPath = (id: string, rest = '') =>
  v1(`/backtests/${encodeURIComponent(id)}${rest}`);

export const sweepPath = (id: string) => v1(`/sweeps/${encodeURIComponent(id)}`);

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
