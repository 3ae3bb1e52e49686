import { describe, expect, it } from 'vitest';
import { RuleError } from './errors.js';
import { type Expr, parse, RULE_LIMITS } from './parser.js';

/** The tree as a fully parenthesised string, to see precedence and associativity at a glance. */
function show(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return String(expr.value);
    case 'name':
      return expr.name;
    case 'variable':
      return `$${expr.name}`;
    case 'call':
      return `${expr.name}(${expr.args.map(show).join(', ')})`;
    case 'unary':
      return `(${expr.operator} ${show(expr.operand)})`;
    case 'binary':
      return `(${show(expr.left)} ${expr.operator} ${show(expr.right)})`;
    case 'lag':
      return `${show(expr.target)}[${show(expr.bars)}]`;
  }
}

function refusal(source: string): RuleError {
  try {
    parse(source);
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source.slice(0, 40))} to be refused`);
}

describe('parse', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['-close[1] * 2', '((- close[1]) * 2)'],
    ['a < b and c > d or e == f', '(((a < b) and (c > d)) or (e == f))'],
    ['not a > b and c != d', '((not (a > b)) and (c != d))'],
    ['(a or b) and c', '((a or b) and c)'],
    ['sma(close, $fast)[2] >= .5e1', '(sma(close, $fast)[2] >= 5)'],
    ['obv() <= x[1][2]', '(obv() <= x[1][2])'],
    ['crosses_above(macd(close, 12, 26, 9), 0)', 'crosses_above(macd(close, 12, 26, 9), 0)'],
  ])('%s parses as %s', (source, expected) => {
    expect(show(parse(source))).toBe(expected);
  });

  it('records the 1-based column of every node', () => {
    const expr = parse('  sma(close, 10) > $level');
    expect(expr).toMatchObject({
      kind: 'binary',
      column: 18,
      left: { kind: 'call', column: 3, args: [{ column: 7 }, { column: 14 }] },
      right: { kind: 'variable', column: 20 },
    });
  });

  it.each([
    ['', 1, 'the expression is empty'],
    ['   ', 1, 'the expression is empty'],
    ['sma(close', 10, "expected ',' or ')' in the arguments, found the end of the expression"],
    ['(close > 1', 11, "expected ')' to close the '(' at column 1"],
    ['close > ', 9, 'the expression ends too early'],
    ['close >> 1', 8, "unexpected '>'"],
    ['close > 1 open', 11, "unexpected 'open'"],
    ['close[1 > 0', 12, "expected ']' to close the lag"],
    ['close && open', 7, "unexpected character '&' (write 'and')"],
    ['close = open', 7, "unexpected character '=' (write '==' to compare)"],
    ['require("fs")', 9, `unexpected character '"'`],
    ['a.b', 2, "unexpected character '.'"],
    ['$', 1, "'$' must be followed by a variable name"],
    ['close > 1e999', 9, '1e999 is too large'],
    ['close\u0000', 6, 'unexpected character U+0000'],
  ])('refuses %j at column %i: %s', (source, column, message) => {
    const error = refusal(source);
    expect(error.column).toBe(column);
    expect(error.message).toContain(`at column ${column}: ${message}`);
  });

  it('refuses an expression longer than the limit before reading it', () => {
    const terms = Array.from({ length: 20_000 }, () => 'close').join(' + ');
    const error = refusal(terms);
    expect(error.message).toContain(`at most ${RULE_LIMITS.maxLength} are allowed`);
    expect(refusal(`${'('.repeat(5000)}close${')'.repeat(5000)}`).message).toContain(
      'characters long',
    );
  });

  it('refuses nesting past the depth limit while reading, within the length limit', () => {
    const cases = [
      `${'('.repeat(900)}close${')'.repeat(900)} > 1`,
      `${'-'.repeat(1500)}close > 1`,
      `${'not '.repeat(450)}close > 1`,
      `${'sma('.repeat(200)}close${', 2)'.repeat(200)} > 1`,
      `close${'[close'.repeat(200)}${']'.repeat(200)} > 1`,
    ];
    for (const source of cases) {
      expect(source.length).toBeLessThanOrEqual(RULE_LIMITS.maxLength);
      expect(refusal(source).message, source.slice(0, 20)).toContain(
        `nests deeper than ${RULE_LIMITS.maxDepth} levels`,
      );
    }
    expect(() =>
      parse(`${'('.repeat(RULE_LIMITS.maxDepth - 1)}close${')'.repeat(RULE_LIMITS.maxDepth - 1)}`),
    ).not.toThrow();
  });

  it('refuses more nodes than the limit', () => {
    const source = Array.from({ length: 400 }, () => 'c').join('+');
    expect(source.length).toBeLessThanOrEqual(RULE_LIMITS.maxLength);
    expect(refusal(source).message).toContain(`more than ${RULE_LIMITS.maxNodes} terms`);
  });
});
