import { type Logger, type LoggerOptions, pino } from 'pino';
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
}

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
  };
  const wantPretty = settings.pretty ?? process.stdout.isTTY === true;
  if (!wantPretty) return pino(options);
  return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', sync: true }));
}
