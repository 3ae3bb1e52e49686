/** A problem the user can fix: printed as one line, never with a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}
