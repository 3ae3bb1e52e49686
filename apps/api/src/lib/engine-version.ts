import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The installed @hindsight/engine's version, read from its package.json beside this app (its
 * `exports` do not publish package.json, so it is found on disk). It salts every fingerprint: a
 * new engine must not answer from results of an old one.
 */
export function engineVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', '@hindsight', 'engine', 'package.json');
    if (existsSync(candidate)) {
      cached = (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
      return cached;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@hindsight/engine is not installed beside the api');
    dir = parent;
  }
}

export function fingerprintSalt(): string {
  return `@hindsight/engine@${engineVersion()}`;
}
