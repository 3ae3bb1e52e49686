import { SYMBOL_NAME_PATTERN, SYMBOL_SOURCE_PATTERN } from '@hindsight/engine';
import { InvalidSymbolError } from './errors.js';

/** The source of a bare symbol name: something imported into the cache from a file. */
export const IMPORTED_SOURCE = 'csv';

export interface ParsedSymbol {
  /** Provider name, lower case: `csv`, `synthetic`, `alphavantage`. */
  readonly source: string;
  /** Symbol name, upper case (so `goog` and `GOOG` are one series on every file system). */
  readonly name: string;
}

const SOURCE = new RegExp(`^${SYMBOL_SOURCE_PATTERN}$`);
const NAME = new RegExp(`^${SYMBOL_NAME_PATTERN}$`);

/**
 * `GOOG` -> `{ source: 'csv', name: 'GOOG' }`; `synthetic:demo` -> `{ source: 'synthetic',
 * name: 'DEMO' }`. Accepts what SYMBOL_PATTERN accepts, once surrounding whitespace is trimmed;
 * the parts are checked before their case is changed, as `'ß'.toUpperCase()` is `'SS'`.
 */
export function parseSymbol(input: string): ParsedSymbol {
  const text = input.trim();
  const colon = text.indexOf(':');
  const source = colon < 0 ? IMPORTED_SOURCE : text.slice(0, colon);
  const name = colon < 0 ? text : text.slice(colon + 1);
  if (!SOURCE.test(source)) {
    throw new InvalidSymbolError(
      input,
      `source '${source}' must be 1-32 letters, digits, - or _, starting with a letter`,
    );
  }
  if (!NAME.test(name)) {
    throw new InvalidSymbolError(
      input,
      name === ''
        ? 'the name is empty'
        : 'a name is 1-64 letters, digits or . _ ^ = -, not starting with . _ = or -',
    );
  }
  return { source: source.toLowerCase(), name: name.toUpperCase() };
}

/** The canonical spelling: bare for imported symbols, `source:NAME` otherwise. */
export function formatSymbol(symbol: ParsedSymbol): string {
  return symbol.source === IMPORTED_SOURCE ? symbol.name : `${symbol.source}:${symbol.name}`;
}
