import { ConfigError } from '@hindsight/service';

/**
 * One line for any error, except a bad configuration, which names every bad variable on its own line. Errors of ours carry a message written for the user; a system error
 * (a missing file) names its path. HINDSIGHT_DEBUG=1 adds the stack for bug reports.
 */
export function describeError(error: unknown, env: NodeJS.ProcessEnv): string {
  if (env.HINDSIGHT_DEBUG === '1' && error instanceof Error && error.stack) return error.stack;
  if (error instanceof ConfigError) return `invalid configuration\n${error.message}`;
  if (isSystemError(error)) {
    const reason = SYSTEM_ERRORS[error.code] ?? error.code;
    return error.path ? `${error.path}: ${reason}` : error.message;
  }
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
};

function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
