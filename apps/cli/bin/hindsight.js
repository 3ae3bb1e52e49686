#!/usr/bin/env node
// The `hindsight` command: the CLI bundle in ../dist (plain JavaScript, built by `pnpm build`),
// built here first when it is missing. Kept to a file check so a start costs what node's does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  process.stderr.write('hindsight: building the CLI (once; `pnpm build` rebuilds it)\n');
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/scripts/build.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0 || !existsSync(entry)) {
    process.stderr.write(
      `hindsight: could not build the CLI; in ${root} run: pnpm install && pnpm build\n`,
    );
    process.exit(1);
  }
}
await import(entry.href);
