/**
 * Words that are PromQL syntax, not metric names, where they can stand without a parenthesis
 * after them (functions and aggregations always have one, so they need no list).
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
]);

/** `by (a, b)`, `on(a)`, `group_left (c)`: label lists, not selectors. */
const LABEL_LIST = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
/** A number (decimal, exponent or hex) or a name; numbers are matched first so `1e3` stays whole. */
const TOKEN = /0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|([a-z_:][a-z0-9_:]*)/gi;

/** Blanks out quoted strings (with their escapes), keeping every other character where it was. */
function blankStrings(expr: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i += 1) {
    const ch = expr[i] as string;
    if (quote === null) {
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
      out += quote === null ? ch : ' ';
    } else {
      if (ch === '\\' && quote !== '`') {
        out += '  ';
        i += 1;
        continue;
      }
      if (ch === quote) quote = null;
      out += ' ';
    }
  }
  return out;
}

/** Removes every bracketed block opened by `open`, nested or not. */
function dropBlocks(expr: string, open: string, close: string): string {
  let out = '';
  let depth = 0;
  for (const ch of expr) {
    if (ch === open) depth += 1;
    else if (ch === close && depth > 0) depth -= 1;
    else if (depth === 0) out += ch;
  }
  return out;
}

/**
 * The metric names a PromQL expression selects, in order of first use, without repeats. Strings,
 * label matchers (`{...}`), ranges and subqueries (`[...]`), label lists (`by (...)`), Grafana
 * variables (`$__rate_interval`), functions and keywords are not names. Enough PromQL for
 * dashboards and alert rules; `{__name__="x"}` selectors are not read.
 */
export function metricNamesIn(expr: string): string[] {
  let text = blankStrings(expr);
  text = text.replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  text = dropBlocks(text, '{', '}');
  text = dropBlocks(text, '[', ']');
  text = text.replace(LABEL_LIST, ' ');
  text = text.replace(/\boffset\s+-?\w+|@\s*(?:start|end)\s*\(\s*\)|@\s*[\d.]+/gi, ' ');

  const names: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const name = match[1];
    if (name === undefined || KEYWORDS.has(name.toLowerCase())) continue;
    const after = text.slice((match.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(')) continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
