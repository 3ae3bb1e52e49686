import { createHash } from 'node:crypto';
import type { BacktestRequest } from './schemas/backtest-request.js';

/** Fields that label a backtest or steer caching but cannot change its numbers. */
const LABELS = new Set<keyof BacktestRequest>(['name', 'tags', 'cache']);

/** JSON with object keys sorted at every depth, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * A sha256 (hex) of everything in a parsed config that decides the result, so two backtests with
 * equal fingerprints must produce equal results. `salt` adds what the config does not hold but
 * the result depends on (an engine version); `dataVersions`, one per symbol, the version of the
 * cached bars the run reads (see the api's checkMarketData), so other data never shares a result.
 */
export function fingerprintConfig(
  config: BacktestRequest,
  salt = '',
  dataVersions: readonly string[] = [],
): string {
  const decisive = Object.fromEntries(
    Object.entries(config).filter(([key]) => !LABELS.has(key as keyof BacktestRequest)),
  );
  const hash = createHash('sha256').update(salt).update('\u0000').update(canonicalJson(decisive));
  if (dataVersions.length > 0) hash.update('\u0000').update(canonicalJson(dataVersions));
  return hash.digest('hex');
}

/** fingerprintConfig for a sweep: everything but its labels, so equal sweeps hash alike. */
export function fingerprintSweep(
  config: { name?: string; tags: string[]; cache: boolean },
  salt = '',
): string {
  const { name: _name, tags: _tags, cache: _cache, ...decisive } = config;
  return createHash('sha256')
    .update(salt)
    .update('\u0000sweep\u0000')
    .update(canonicalJson(decisive))
    .digest('hex');
}
