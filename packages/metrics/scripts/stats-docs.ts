import Type from 'typebox';
import { StatsConventionsSchema, StatsSchema } from '../src/stats-schema.js';

/**
 * The tables of docs/statistics.md, rendered from the schemas so that the page cannot drift from
 * the statistics: write-stats-docs.ts writes them, test/stats-docs.test.ts fails when they are
 * stale. Each table sits between a begin and an end marker; the prose around them is hand-written.
 */

export const TABLES = {
  conventions: {
    begin:
      '<!-- stats-conventions:begin (generated from StatsConventionsSchema: pnpm docs:stats) -->',
    end: '<!-- stats-conventions:end -->',
  },
  statistics: {
    begin: '<!-- stats:begin (generated from StatsSchema: pnpm docs:stats) -->',
    end: '<!-- stats:end -->',
  },
} as const;

function describedBy(key: string, schema: object): string {
  if (!('description' in schema) || typeof schema.description !== 'string') {
    throw new Error(`${key} has no description`);
  }
  return schema.description;
}

/** A description's text and its unit, which stats-schema.ts writes as the last sentence. */
function splitUnit(key: string, description: string): { text: string; unit: string } {
  const match = /^(.*) Unit: ([^.]+)\.$/s.exec(description);
  if (!match) throw new Error(`${key}'s description does not end in "Unit: <unit>."`);
  return { text: match[1]!, unit: match[2]! };
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** A Markdown table, its columns padded to line up as a formatter would leave them. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((text, i) => text.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(cells[0]!),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.slice(1).map(line),
  ].join('\n');
}

export function conventionsTable(): string {
  const rows = Object.entries(StatsConventionsSchema.properties).map(([key, schema]) => [
    `\`${key}\``,
    describedBy(key, schema),
  ]);
  return table(['field', 'meaning'], rows);
}

export function statisticsTable(): string {
  const rows = Object.entries(StatsSchema.properties)
    .filter(([key]) => key !== 'conventions')
    .map(([key, schema]) => {
      const { text, unit } = splitUnit(key, describedBy(key, schema));
      const nullable = Type.IsUnion(schema) && schema.anyOf.some((member) => Type.IsNull(member));
      return [`\`${key}\``, unit, nullable ? 'yes' : 'no', text];
    });
  return table(['key', 'unit', 'may be null', 'definition'], rows);
}

function replaceBetween(markdown: string, marks: { begin: string; end: string }, body: string) {
  const from = markdown.indexOf(marks.begin);
  const to = markdown.indexOf(marks.end);
  if (from < 0 || to < from) throw new Error(`no ${marks.begin} ... ${marks.end} in the page`);
  return `${markdown.slice(0, from + marks.begin.length)}\n\n${body}\n\n${markdown.slice(to)}`;
}

/** `markdown` (docs/statistics.md) with both tables rendered afresh from the schemas. */
export function withStatsTables(markdown: string): string {
  const conventions = replaceBetween(markdown, TABLES.conventions, conventionsTable());
  return replaceBetween(conventions, TABLES.statistics, statisticsTable());
}
