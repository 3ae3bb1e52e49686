import {
  MAX_WALK_FORWARD_FOLDS,
  WALK_FORWARD_DEFAULTS,
  WALK_FORWARD_MODES,
  type WalkForwardSpec,
} from '@hindsight/models';
import { CliError } from './cli-error.js';
import { parseNumber } from './parse-options.js';

/** The walk-forward options of both sweep commands, as parseArgs takes them. */
export const WALK_FORWARD_OPTIONS = {
  'walk-forward': { type: 'string' },
  'walk-forward-mode': { type: 'string' },
  'in-sample-fraction': { type: 'string' },
} as const;

/** `--walk-forward K` and its two options as both sweep commands' usage describes them. */
export const WALK_FORWARD_USAGE = `  --walk-forward K      also a walk-forward analysis in K folds (2..${MAX_WALK_FORWARD_FOLDS}): optimise in sample,
                        test the choice on the window after; prints each fold's choice
  --walk-forward-mode M ${WALK_FORWARD_MODES.join(' or ')} (default ${WALK_FORWARD_DEFAULTS.mode}): in-sample windows
                        that slide, or that all start on the first bar
  --in-sample-fraction F  each fold's in-sample share, 0 < F < 1 (default ${WALK_FORWARD_DEFAULTS.inSampleFraction})`;

/**
 * `--walk-forward K` and its two options into a sweep's `walkForward`, checked against the
 * bounds of the api's schema (so both commands refuse the same inputs with one line naming the
 * option) and completed with its defaults; undefined without `--walk-forward`.
 */
export function parseWalkForward(values: {
  'walk-forward'?: string | undefined;
  'walk-forward-mode'?: string | undefined;
  'in-sample-fraction'?: string | undefined;
}): WalkForwardSpec | undefined {
  const folds = values['walk-forward'];
  const mode = values['walk-forward-mode'] ?? WALK_FORWARD_DEFAULTS.mode;
  const fraction = values['in-sample-fraction'];
  if (folds === undefined) {
    if (values['walk-forward-mode'] !== undefined || fraction !== undefined) {
      throw new CliError('--walk-forward-mode and --in-sample-fraction need --walk-forward K');
    }
    return undefined;
  }
  const k = Number(folds);
  if (!/^\d+$/.test(folds) || k < 2 || k > MAX_WALK_FORWARD_FOLDS) {
    throw new CliError(
      `--walk-forward must be a whole number of folds from 2 to ${MAX_WALK_FORWARD_FOLDS}, got "${folds}"`,
    );
  }
  if (!(WALK_FORWARD_MODES as readonly string[]).includes(mode)) {
    throw new CliError(
      `--walk-forward-mode must be ${WALK_FORWARD_MODES.join(' or ')}, got "${mode}"`,
    );
  }
  const inSampleFraction = parseNumber(
    '--in-sample-fraction',
    fraction,
    WALK_FORWARD_DEFAULTS.inSampleFraction,
  );
  if (!(inSampleFraction > 0 && inSampleFraction < 1)) {
    throw new CliError(`--in-sample-fraction must be above 0 and below 1, got "${fraction}"`);
  }
  return { folds: k, mode: mode as WalkForwardSpec['mode'], inSampleFraction };
}
