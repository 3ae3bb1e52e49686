import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The version of @hindsight/engine this process runs: it goes into each result's manifest (worker)
 * and salts each fingerprint (api), so a new engine never answers from an old engine's results.
 * Read from the package's own package.json (its `exports` hide that file from import), which sits
 * one level above both its `src/` and `dist/` entry.
 */
export function engineVersion(): string {
  if (cached === undefined) {
    const entry = fileURLToPath(import.meta.resolve('@hindsight/engine'));
    const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
    cached = String((manifest as { version?: unknown }).version ?? 'unknown');
  }
  return cached;
}

/** Salts every fingerprint with the engine's version: a new engine must not answer from an old one's results. */
export function fingerprintSalt(): string {
  return `@hindsight/engine@${engineVersion()}`;
}
