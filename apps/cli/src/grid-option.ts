import { MAX_GRID_VALUES } from '@hindsight/models';
import { CliError } from './cli-error.js';
import { parseValue } from './parse-options.js';

/** `--grid P=SPEC` as both sweep commands' usage describes it. */
export const GRID_USAGE = `  --grid P=SPEC         the values of parameter P to try: start:stop:step (both ends included,
                        e.g. fast=5:50:5) or a list (fast=5,10,20); repeatable, one per parameter`;

/** Digits after the point, so 0.1 steps give 0.3, not 0.30000000000000004. */
function decimals(raw: string): number {
  const dot = raw.indexOf('.');
  return dot < 0 ? 0 : raw.length - dot - 1;
}

function gridNumber(spec: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliError(`--grid ${spec}: "${raw}" is not a number`);
  }
  return value;
}

/** `start:stop:step`, both ends included. */
function parseRange(spec: string, body: string): number[] {
  const parts = body.split(':');
  if (parts.length !== 3) {
    throw new CliError(`--grid ${spec}: a range is start:stop:step, e.g. fast=5:50:5`);
  }
  const [start, stop, step] = parts.map((p) => gridNumber(spec, p.trim())) as [
    number,
    number,
    number,
  ];
  if (step <= 0) throw new CliError(`--grid ${spec}: the step must be positive`);
  if (stop < start) throw new CliError(`--grid ${spec}: the stop is below the start`);
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > MAX_GRID_VALUES) {
    throw new CliError(
      `--grid ${spec}: ${count} values, more than the ${MAX_GRID_VALUES} a parameter may have`,
    );
  }
  const digits = Math.max(...parts.map((p) => decimals(p.trim())));
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toFixed(digits)));
}

/** `--grid` options into a sweep's grid; every mistake is one line naming the option. */
export function parseGrid(specs: readonly string[]): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, Math.max(0, eq)).trim();
    const body = spec.slice(eq + 1).trim();
    if (eq <= 0 || name === '' || body === '') {
      throw new CliError(
        `--grid must look like name=start:stop:step or name=v1,v2,..., got "${spec}"`,
      );
    }
    if (name in grid) throw new CliError(`--grid ${name} is given twice`);
    if (body.includes(':')) {
      grid[name] = parseRange(spec, body);
      continue;
    }
    const values = body.split(',').map((raw) => raw.trim());
    if (values.some((v) => v === '')) throw new CliError(`--grid ${spec}: an empty value`);
    // Numbers and booleans parsed as --param parses them; the strategy's schema judges the rest.
    grid[name] = values.map(parseValue);
  }
  return grid;
}
