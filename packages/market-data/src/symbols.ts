import { InvalidSymbolError } from './errors.js';

/** The source of a bare symbol name: something imported into the cache from a file. */
export const IMPORTED_SOURCE = 'csv';

export interface ParsedSymbol {
  /** Provider name, lower case: `csv`, `synthetic`, `alphavantage`. */
  readonly source: string;
  /** Symbol name, upper case (so `goog` and `GOOG` are one series on every file system). */
  readonly name: string;
}

const SOURCE = /^[a-z][a-z0-9_-]{0,31}$/;
// Names become directory names: no path separators, no leading dot.
const NAME = /^[A-Z0-9^][A-Z0-9._^=-]{0,63}$/;

/**
 * `GOOG` -> `{ source: 'csv', name: 'GOOG' }`; `synthetic:demo` -> `{ source: 'synthetic',
 * name: 'DEMO' }`.
 */
export function parseSymbol(input: string): ParsedSymbol {
  const text = input.trim();
  const colon = text.indexOf(':');
  const source = colon < 0 ? IMPORTED_SOURCE : text.slice(0, colon).toLowerCase();
  const name = (colon < 0 ? text : text.slice(colon + 1)).toUpperCase();
  if (!SOURCE.test(source)) {
    throw new InvalidSymbolError(input, `source '${source}' must be letters, digits, - or _`);
  }
  if (!NAME.test(name)) {
    throw new InvalidSymbolError(
      input,
      name === ''
        ? 'the name is empty'
        : 'a name is 1-64 letters, digits or . _ ^ = -, not starting with . _ = or -',
    );
  }
  return { source, name };
}

/** The canonical spelling: bare for imported symbols, `source:NAME` otherwise. */
export function formatSymbol(symbol: ParsedSymbol): string {
  return symbol.source === IMPORTED_SOURCE ? symbol.name : `${symbol.source}:${symbol.name}`;
}
