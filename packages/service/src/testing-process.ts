import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `node --conditions=source` resolves the workspace packages. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it printed, for the error message when it dies. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * For tests and benchmarks of the real processes (an app may not import another app, so they
 * start it). Runs a TypeScript entry of this repository (`apps/worker/src/main.ts`) as its own process
 * with `env` added, and resolves once a line of its output matches `ready` (or, given a URL,
 * once that URL answers 200). `nodeArgs` go to node before the entry (`--cpu-prof`, which
 * NODE_OPTIONS does not allow).
 */
export function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp | URL,
  timeoutMs = 60_000,
  nodeArgs: readonly string[] = [],
): Promise<ServiceProcess> {
  const args = [...nodeArgs, '--import', 'tsx', '--conditions=source', entry];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: ServiceProcess = {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} was not ready within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Keep the tail only: a long run logs a lot.
      if (output.length > 200_000) output = output.slice(-100_000);
      if (ready instanceof RegExp && ready.test(output)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    if (ready instanceof URL) {
      const poll = async () => {
        while (child.exitCode === null) {
          const ok = await fetch(ready).then(
            (response) => response.status === 200,
            () => false,
          );
          if (ok) {
            clearTimeout(timer);
            resolve(handle);
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      void poll();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`${entry} exited with ${code} before it was ready:\n${output.slice(-2000)}`),
      );
    });
  });
}
