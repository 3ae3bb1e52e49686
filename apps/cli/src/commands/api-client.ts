import { CliError } from '../cli-error.js';

const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** The `--url` and `--key` options every command that talks to the api accepts. */
export const API_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
} as const;

export const API_OPTIONS_USAGE = `  --url URL             the api (default: HINDSIGHT_URL, else ${DEFAULT_API_URL})
  --key KEY             the API key (default: HINDSIGHT_API_KEY)
`;

interface ErrorAnswer {
  error: { code: string; message: string };
}

function isErrorAnswer(body: unknown): body is ErrorAnswer {
  const error = (body as { error?: unknown } | null)?.error as
    | { code?: unknown; message?: unknown }
    | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** A thin client over global fetch: JSON in, JSON out, every failure a one-line CliError. */
export class ApiClient {
  readonly baseUrl: string;
  readonly key: string;

  constructor(baseUrl: string, key: string) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new CliError(`the api URL must be an http:// or https:// URL, got "${baseUrl}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(`the api URL must be an http:// or https:// URL, got "${baseUrl}"`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.key = key;
  }

  /** The api's answer as JSON; an error answer becomes `HS_ERR_X: message (HTTP 4xx)`. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      // fetch rejects only when no HTTP answer came back: refused, unknown host, reset.
      throw this.unreachable();
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      if (isErrorAnswer(parsed)) {
        throw new CliError(
          `${parsed.error.code}: ${parsed.error.message} (HTTP ${response.status})`,
        );
      }
      throw new CliError(
        `${method} ${path} answered HTTP ${response.status}: ${text.slice(0, 200) || response.statusText}`,
      );
    }
    return parsed as T;
  }

  /** The WebSocket URL of an api path (`/ws/backtest/ID`), on the same host as REST. */
  wsUrl(path: string): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}${path}`;
  }

  unreachable(): CliError {
    return new CliError(
      `cannot reach the Hindsight api at ${this.baseUrl}: is it running (npm start)?`,
    );
  }
}

/** The client for `--url`/`--key`, falling back to HINDSIGHT_URL / HINDSIGHT_API_KEY. */
export function apiClientFrom(
  values: { url?: string | undefined; key?: string | undefined },
  env: NodeJS.ProcessEnv,
): ApiClient {
  const url = values.url ?? env.HINDSIGHT_URL ?? DEFAULT_API_URL;
  const key = values.key ?? env.HINDSIGHT_API_KEY;
  if (!key) {
    throw new CliError(
      'no API key: set HINDSIGHT_API_KEY or pass --key (pnpm start prints an admin key on first start; hindsight keys create makes more)',
    );
  }
  return new ApiClient(url, key);
}
