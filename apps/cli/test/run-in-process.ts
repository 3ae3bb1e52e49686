import { PassThrough } from 'node:stream';
import type { Command } from '../src/command.js';

/** A command run in this process, as main.ts runs it, with what it wrote to stdout and stderr. */
export async function runInProcess(
  command: Command,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await command(argv, { stdout, stderr, env });
  return { code, stdout: out, stderr: err };
}
