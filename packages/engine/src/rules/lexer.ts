import { RuleError } from './errors.js';

type TokenType = 'number' | 'name' | 'variable' | 'operator' | 'end';

export interface Token {
  readonly type: TokenType;
  /** The source text: `12.5`, `sma`, `fast` (a variable without its `$`), `<=`, `(`. */
  readonly text: string;
  /** 1-based column of the token's first character. */
  readonly column: number;
}

const WORD_OPERATORS = new Set(['and', 'or', 'not']);
const TWO_CHAR_OPERATORS = new Set(['<=', '>=', '==', '!=']);
const ONE_CHAR_OPERATORS = new Set(['+', '-', '*', '/', '<', '>', '(', ')', '[', ']', ',']);
/** Spellings from other languages, answered with this one's. */
const HINTS: Readonly<Record<string, string>> = {
  '&': "write 'and'",
  '|': "write 'or'",
  '!': "write 'not', or '!=' for not equal",
  '=': "write '==' to compare",
};

const isDigit = (c: string) => c >= '0' && c <= '9';
const isNameStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNamePart = (c: string) => isNameStart(c) || isDigit(c);

/** The tokens of `source`, ending with an `end` token. @throws RuleError at the first bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const column = i + 1;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      const end = numberEnd(source, i);
      tokens.push({ type: 'number', text: source.slice(i, end), column });
      i = end;
    } else if (isNameStart(c)) {
      let end = i + 1;
      while (end < source.length && isNamePart(source[end]!)) end++;
      const text = source.slice(i, end);
      tokens.push({ type: WORD_OPERATORS.has(text) ? 'operator' : 'name', text, column });
      i = end;
    } else if (c === '$') {
      let end = i + 1;
      if (!isNameStart(source[end] ?? '')) {
        throw new RuleError(column, "'$' must be followed by a variable name, as in $fast");
      }
      while (end < source.length && isNamePart(source[end]!)) end++;
      tokens.push({ type: 'variable', text: source.slice(i + 1, end), column });
      i = end;
    } else if (TWO_CHAR_OPERATORS.has(source.slice(i, i + 2))) {
      tokens.push({ type: 'operator', text: source.slice(i, i + 2), column });
      i += 2;
    } else if (ONE_CHAR_OPERATORS.has(c)) {
      tokens.push({ type: 'operator', text: c, column });
      i++;
    } else {
      const hint = HINTS[c];
      throw new RuleError(column, `unexpected character ${quote(c)}${hint ? ` (${hint})` : ''}`);
    }
  }
  tokens.push({ type: 'end', text: '', column: source.length + 1 });
  return tokens;
}

/** Digits, an optional fraction and an optional exponent: `12`, `0.5`, `.5`, `1e-3`. */
function numberEnd(source: string, start: number): number {
  let i = start;
  while (isDigit(source[i] ?? '')) i++;
  if (source[i] === '.') {
    i++;
    while (isDigit(source[i] ?? '')) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    if (isDigit(source[j] ?? '')) {
      while (isDigit(source[j] ?? '')) j++;
      i = j;
    }
  }
  return i;
}

/** A character as the message shows it: printable ones quoted, others by code point. */
function quote(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code >= 0x20 && code < 0x7f
    ? `'${c}'`
    : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
