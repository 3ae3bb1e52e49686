import { randomInt } from 'node:crypto';
import type { RandomSearch } from '@hindsight/backtest';
import { MAX_SEARCH_SAMPLES, MAX_SEARCH_SEED } from '@hindsight/models';
import { CliError } from './cli-error.js';

/** The random-search options of a sweep command, as parseArgs takes them. */
export const SEARCH_OPTIONS = {
  search: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
} as const;

export const SEARCH_USAGE = `  --search random --samples N [--seed S]
                        run N combinations of the grid drawn at random (without repeats;
                        all of them when N >= the grid) instead of all; the same seed
                        (0..${MAX_SEARCH_SEED}) draws the same ones as the service's
                        search { mode: "random", samples, seed }; without --seed one is
                        drawn and printed`;

function wholeNumber(option: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new CliError(
      `${option} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got "${raw}"`,
    );
  }
  return value;
}

/**
 * `--search random --samples N [--seed S]` into a sweep's `search`, in the bounds of the api's
 * schema; undefined without `--search`. A missing seed is drawn here, so the caller can print
 * the one that repeats the sample.
 */
export function parseSearch(values: {
  search?: string | undefined;
  samples?: string | undefined;
  seed?: string | undefined;
}): RandomSearch | undefined {
  if (values.search === undefined) {
    if (values.samples !== undefined || values.seed !== undefined) {
      throw new CliError('--samples and --seed need --search random');
    }
    return undefined;
  }
  if (values.search !== 'random') {
    throw new CliError(`--search must be random, got "${values.search}"`);
  }
  if (values.samples === undefined) throw new CliError('--search random needs --samples N');
  return {
    mode: 'random',
    samples: wholeNumber('--samples', values.samples, 1, MAX_SEARCH_SAMPLES),
    seed:
      values.seed === undefined
        ? randomInt(MAX_SEARCH_SEED + 1)
        : wholeNumber('--seed', values.seed, 0, MAX_SEARCH_SEED),
  };
}
