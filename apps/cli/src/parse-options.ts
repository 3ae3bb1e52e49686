import { CliError } from './cli-error.js';

/** A numeric option: absent -> the default; present -> a finite number or a CliError naming it. */
export function parseNumber(option: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliError(`${option} must be a number, got "${raw}"`);
  }
  return value;
}

/**
 * `--param key=value` pairs into an object: numbers and booleans are parsed, anything else stays a
 * string, so the strategy's schema decides what is valid and says so.
 */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--param must look like key=value, got "${pair}"`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (key in params) throw new CliError(`--param ${key} is given twice`);
    params[key] = parseValue(raw);
  }
  return params;
}

/** A value as the command line gives it: numbers and booleans parsed, anything else a string. */
export function parseValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const value = Number(raw);
  return raw !== '' && Number.isFinite(value) ? value : raw;
}

/**
 * Options renamed to the api's names: an old one is refused with one line naming its successor,
 * where parseArgs would only say it is unknown. Values after `--` are not options.
 */
export function rejectRenamedOptions(
  argv: readonly string[],
  renamed: Readonly<Record<string, string>>,
): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const name = arg.split('=', 1)[0]!;
    if (Object.hasOwn(renamed, name)) {
      throw new CliError(`unknown option ${name}: use ${renamed[name]}`);
    }
  }
}
