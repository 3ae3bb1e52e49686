import type { ErrorBody } from './schemas/error-body.js';

/**
 * Every error Hindsight answers with, in one place: a stable code, the HTTP status and a message
 * template whose `{placeholders}` the caller fills (like fastify's lib/errors.js).
 */
export const ERRORS = {
  HS_ERR_VALIDATION: { statusCode: 400, template: 'invalid request: {reason}' },
  HS_ERR_UNKNOWN_STRATEGY: {
    statusCode: 400,
    template: "unknown strategy '{name}'; available: {available}",
  },
  HS_ERR_BAD_STRATEGY_PARAMS: {
    statusCode: 400,
    template: "invalid parameters for strategy '{name}': {reason}",
  },
  HS_ERR_END_BEFORE_START: {
    statusCode: 400,
    template: '{endField} {end} must be after {startField} {start}',
  },
  HS_ERR_TOO_MANY_SYMBOLS: {
    statusCode: 400,
    template: '{count} symbols requested; at most {max} are allowed',
  },
  HS_ERR_SYMBOL_UNAVAILABLE: {
    statusCode: 400,
    template: "symbol '{symbol}' cannot be loaded: {reason}",
  },
  HS_ERR_LIMIT: {
    statusCode: 400,
    template: 'the run needs {requested} {limit}; the {tier} tier allows {max}',
  },
  HS_ERR_BAD_CURSOR: { statusCode: 400, template: 'invalid pagination cursor: {reason}' },
  HS_ERR_COMPARE_COUNT: {
    statusCode: 400,
    template: 'compare takes {min} to {max} backtests, got {count}',
  },
  HS_ERR_WEBHOOK_URL: { statusCode: 400, template: 'webhook url refused: {reason}' },
  HS_ERR_TOO_MANY_WEBHOOKS: {
    statusCode: 400,
    template: 'you have {count} webhooks; at most {max} are allowed',
  },
  HS_ERR_EMAIL_UNAVAILABLE: {
    statusCode: 400,
    template: 'e-mail notifications are not available: {reason}',
  },
  HS_ERR_UNAUTHORIZED: { statusCode: 401, template: 'missing or invalid API key' },
  HS_ERR_FORBIDDEN: { statusCode: 403, template: '{action} requires an admin API key' },
  HS_ERR_NOT_FOUND: { statusCode: 404, template: "backtest '{id}' not found" },
  HS_ERR_WEBHOOK_NOT_FOUND: { statusCode: 404, template: "webhook '{id}' not found" },
  HS_ERR_SYMBOL_NOT_FOUND: {
    statusCode: 404,
    template: "no cached bars for symbol '{symbol}' at timeframe {timeframe}",
  },
  HS_ERR_ROUTE_NOT_FOUND: { statusCode: 404, template: 'no route {method} {url}' },
  HS_ERR_SWEEP_NOT_FOUND: { statusCode: 404, template: "sweep '{id}' not found" },
  HS_ERR_SWEEP_ALREADY_TERMINAL: {
    statusCode: 409,
    template: "sweep '{id}' is already {status}",
  },
  HS_ERR_SWEEP_NOT_READY: {
    statusCode: 409,
    template: "sweep '{id}' has no best combination yet (status {status})",
  },
  HS_ERR_SWEEP_EMPTY: {
    statusCode: 400,
    template: 'the sweep has no combination to run: {reason}',
  },
  HS_ERR_WALK_FORWARD_WINDOWS: {
    statusCode: 400,
    template: 'the walk-forward analysis cannot run: {reason}',
  },
  HS_ERR_ALREADY_TERMINAL: {
    statusCode: 409,
    template: "backtest '{id}' is already {status}",
  },
  HS_ERR_NOT_READY: {
    statusCode: 409,
    template: "backtest '{id}' has no result yet (status {status})",
  },
  HS_ERR_CONFLICT: { statusCode: 409, template: 'conflict: {reason}' },
  HS_ERR_PAYLOAD_TOO_LARGE: {
    statusCode: 413,
    template: 'request body exceeds the limit of {limit} bytes',
  },
  HS_ERR_IDEMPOTENCY_MISMATCH: {
    statusCode: 422,
    template: "Idempotency-Key '{key}' was already used with a different request",
  },
  HS_ERR_QUOTA_EXCEEDED: {
    statusCode: 429,
    template: '{active} backtests are queued or running; the {tier} tier allows {limit}',
  },
  HS_ERR_SWEEP_QUOTA_EXCEEDED: {
    statusCode: 429,
    template: '{active} sweeps are queued or running; the {tier} tier allows {limit}',
  },
  HS_ERR_RATE_LIMITED: {
    statusCode: 429,
    template: 'too many requests; retry in {retryAfterSeconds} s',
  },
  HS_ERR_INTERNAL: { statusCode: 500, template: 'internal error' },
  HS_ERR_MARKET_DATA_UNAVAILABLE: {
    statusCode: 502,
    template: "market data provider '{provider}' failed: {reason}",
  },
  HS_ERR_STORE_UNAVAILABLE: { statusCode: 503, template: 'the store is unavailable: {reason}' },
  HS_ERR_QUEUE_UNAVAILABLE: {
    statusCode: 503,
    template: 'the job queue is unavailable: {reason}',
  },
  HS_ERR_CANCEL_UNAVAILABLE: {
    statusCode: 503,
    template: 'the cancel request could not reach the workers: {reason}',
  },
} as const satisfies Record<`HS_ERR_${string}`, { statusCode: number; template: string }>;

export type ErrorCode = keyof typeof ERRORS;

type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values an error's template needs, named by its placeholders. */
export type ErrorParams<C extends ErrorCode> = {
  [K in Placeholders<(typeof ERRORS)[C]['template']>]: string | number | boolean;
};

export interface ErrorOptions {
  /** Machine-readable context for the client; defaults to the template's params. */
  details?: unknown;
  cause?: unknown;
}

type ParamArgs<C extends ErrorCode> = [Placeholders<(typeof ERRORS)[C]['template']>] extends [never]
  ? [params?: Record<string, never>, options?: ErrorOptions]
  : [params: ErrorParams<C>, options?: ErrorOptions];

export class HindsightError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'HindsightError';
  readonly statusCode: number;

  constructor(
    readonly code: C,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = ERRORS[code].statusCode;
  }
}

export function createError<C extends ErrorCode>(
  code: C,
  ...args: ParamArgs<C>
): HindsightError<C> {
  const [params, options] = args;
  const values: Record<string, unknown> = params ?? {};
  const message = ERRORS[code].template.replace(/\{(\w+)\}/g, (_, name: string) =>
    String(values[name]),
  );
  const hasParams = Object.keys(values).length > 0;
  const details = options?.details ?? (hasParams ? values : undefined);
  const cause = options?.cause === undefined ? undefined : { cause: options.cause };
  return new HindsightError(code, message, details, cause);
}

/** Also true for an error from another copy of this module (a built and a source import). */
export function isHindsightError(value: unknown): value is HindsightError {
  if (value instanceof HindsightError) return true;
  if (!(value instanceof Error) || value.name !== 'HindsightError') return false;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** The JSON body of an error answer. Only a HindsightError's message reaches the client. */
export function toErrorBody(error: unknown): ErrorBody {
  if (!isHindsightError(error)) {
    return { error: { code: 'HS_ERR_INTERNAL', message: ERRORS.HS_ERR_INTERNAL.template } };
  }
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}
