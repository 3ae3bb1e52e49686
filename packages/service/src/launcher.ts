/**
 * Resolves when the launcher that started this process with an IPC channel (`npm start`'s,
 * scripts/start.ts) is gone: the channel closes when it dies, even by SIGKILL, and neither the
 * api nor a worker may outlive it holding ports, jobs and connections. Call it on the process's
 * first line: the launcher can die while the modules still load, and a channel already closed
 * (`process.connected` false) counts as gone. Never resolves for a process started without one.
 */
export function launcherGone(): Promise<void> {
  // `connected` is false once a channel this process had has closed, undefined when it never had one.
  if (process.connected === false) return Promise.resolve();
  const { channel } = process;
  if (!channel) return new Promise<void>(() => {});
  channel.unref();
  return new Promise<void>((resolve) => process.once('disconnect', () => resolve()));
}
