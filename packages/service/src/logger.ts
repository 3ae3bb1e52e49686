import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: string;
  /** The process or component: `api`, `worker`, `start`. */
  name: string;
  /** Fields on every line (a worker id, a queue). */
  bindings?: Record<string, unknown>;
  /** Default: pretty when stdout is a terminal, JSON lines otherwise. */
  pretty?: boolean;
  /** Where JSON lines go instead of stdout (tests read what would be logged). */
  destination?: DestinationStream;
}

const REDACTED = '[redacted]';

/** Query parameters that carry a credential: the WebSocket's `?token=`, Alpha Vantage's `apikey`. */
const SECRET_PARAMS = /^(token|api[_-]?key|key|access[_-]?token|password|secret)$/i;

/**
 * A URL as it may be logged: credential query values and a URL's password replaced. Works on
 * a path with a query (`/ws/backtest/1?token=...`) as on an absolute URL (`redis://:pw@host`).
 */
export function redactUrl(url: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return url.replace(/\?.*$/, '?[unparsable query removed]');
  }
  let changed = false;
  if (parsed.password !== '') {
    parsed.password = REDACTED;
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name)) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  if (!changed) return url;
  return absolute ? parsed.href : `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the URL redacted (the WebSocket key rides in `?token=`). */
function requestSerializer(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * What every Hindsight logger hides: credential headers wherever a request or its headers are
 * logged, and credentials in request URLs. Shared by createLogger and the api's default logger.
 */
export const LOG_REDACTION: Pick<LoggerOptions, 'redact' | 'serializers'> = {
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-api-key"]',
      'headers.authorization',
      'headers.cookie',
      'headers["x-api-key"]',
      'res.headers["set-cookie"]',
    ],
    censor: REDACTED,
  },
  serializers: { req: requestSerializer },
};

/**
 * A pino logger: JSON lines for machines, or readable colour lines when a person watches the
 * terminal. Pretty output is formatted in this thread (no transport worker), so a crash never
 * loses the last lines.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    name: settings.name,
    base: { pid: process.pid, ...settings.bindings },
    ...LOG_REDACTION,
  };
  if (settings.destination) return pino(options, settings.destination);
  const wantPretty = settings.pretty ?? process.stdout.isTTY === true;
  if (!wantPretty) return pino(options);
  return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', sync: true }));
}
