import type { Bars, Timeframe } from '@hindsight/engine';
import {
  type CsvColumnMapping,
  formatSymbol,
  formatTime,
  IMPORTED_SOURCE,
  importFile,
  loadBars,
  type MarketDataCache,
  parseIsoTime,
  parseSymbol,
  parseTimeframe,
  type QualityReport,
  type SeriesInfo,
} from '@hindsight/market-data';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { marketDataFromEnv } from '../market-data-env.js';
import { parseNumber } from '../parse-options.js';

const USAGE = `usage: hindsight data <command> [options]

commands:
  import FILE --symbol NAME   import a CSV or Parquet file as a cached symbol (replaces it)
      --timeframe TF          1m, 5m, 15m, 1h, 1d (default) or 1w
      --timezone ZONE         IANA zone of times written without an offset (default UTC)
      --delimiter C           CSV field separator (default ,)
      --column FIELD=HEADER   read FIELD (time, open, high, low, close, volume) from HEADER
                              (repeatable)
  list                        the cached series
  show SYMBOL                 bars of GOOG, synthetic:DEMO, alphavantage:IBM ... (fetched and
                              cached if missing)
      --timeframe TF          default: the symbol's only cached timeframe, else 1d
      --from DATE --to DATE   ISO dates or date-times, UTC unless an offset is given
      --limit N               rows to print (default 20; 0 for all)
  quality SYMBOL              gaps, duplicate timestamps, outlier jumps, zero-volume bars
                              (--timeframe, --from, --to as for show)

  --json                      machine-readable output

DATA_ROOT (default ./data) holds the cache; ALPHAVANTAGE_API_KEY (and
ALPHAVANTAGE_CALLS_PER_MINUTE, default 5) enable alphavantage:SYMBOL.
`;

const FIELDS = new Set(['time', 'open', 'high', 'low', 'close', 'volume']);

/** `hindsight data ...`: returns the exit code; problems print one line to stderr. */
export const dataCommand = defineCommand({
  name: 'data',
  usage: USAGE,
  options: {
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    timezone: { type: 'string' },
    delimiter: { type: 'string' },
    column: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: true,
  async run({ values, positionals }, io) {
    const [command, ...rest] = positionals;
    if (command === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command === undefined) {
      io.stderr.write(USAGE);
      return 1;
    }
    const { dataRoot, cache, providers } = marketDataFromEnv(io.env);
    const json = values.json ?? false;
    const out = (text: string) => io.stdout.write(text);
    try {
      switch (command) {
        case 'import': {
          const file = single(rest, 'import needs one FILE');
          if (!values.symbol) throw new CliError('import needs --symbol NAME');
          const symbol = parseSymbol(values.symbol);
          if (symbol.source !== IMPORTED_SOURCE) {
            throw new CliError(
              `--symbol ${values.symbol}: imported symbols are bare names, like GOOG`,
            );
          }
          const timeframe = parseTimeframe(values.timeframe ?? '1d');
          const { info, quality } = await importFile(cache, {
            path: file,
            symbol: symbol.name,
            timeframe,
            ...(values.timezone === undefined ? {} : { timezone: values.timezone }),
            ...(values.delimiter === undefined ? {} : { delimiter: values.delimiter }),
            columns: columnMapping(values.column ?? []),
          });
          out(
            json
              ? `${JSON.stringify({ ...infoJson(info), warnings: quality.warnings })}\n`
              : importText(info, quality),
          );
          return 0;
        }
        case 'list': {
          none(rest, 'list');
          const infos = await cache.list();
          out(json ? `${JSON.stringify(infos.map(infoJson))}\n` : listText(infos, dataRoot));
          return 0;
        }
        case 'show':
        case 'quality': {
          const name = single(rest, `${command} needs one SYMBOL`);
          const timeframe = await chooseTimeframe(cache, name, values.timeframe);
          const loaded = await loadBars({
            cache,
            providers,
            symbol: name,
            timeframe,
            ...optionalTime('--from', values.from, 'from'),
            ...optionalTime('--to', values.to, 'to'),
          });
          const title = `${loaded.symbol} ${timeframe}`;
          if (command === 'quality') {
            out(
              json
                ? `${JSON.stringify(qualityJson(loaded.symbol, loaded.quality))}\n`
                : qualityText(title, loaded.quality),
            );
            return 0;
          }
          const limit = parseNumber('--limit', values.limit, json ? 0 : 20);
          if (!Number.isInteger(limit) || limit < 0)
            throw new CliError('--limit must be a whole number >= 0');
          out(
            json
              ? `${JSON.stringify({ symbol: loaded.symbol, timeframe, source: loaded.source, fromCache: loaded.fromCache, bars: barsJson(loaded.bars, limit) })}\n`
              : showText(title, loaded.bars, loaded.fromCache, limit),
          );
          return 0;
        }
        default:
          throw new CliError(
            `unknown command "${command}" (import, list, show, quality; see --help)`,
          );
      }
    } finally {
      await cache.close();
    }
  },
});

function single(positionals: string[], problem: string): string {
  if (positionals.length !== 1) throw new CliError(problem);
  return positionals[0]!;
}

function none(positionals: string[], command: string): void {
  if (positionals.length > 0)
    throw new CliError(`${command} takes no arguments, got "${positionals[0]}"`);
}

function columnMapping(pairs: readonly string[]): CsvColumnMapping {
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim().toLowerCase();
    if (eq <= 0 || !FIELDS.has(field) || pair.slice(eq + 1).trim() === '') {
      throw new CliError(
        `--column must look like FIELD=HEADER with FIELD one of ${[...FIELDS].join(', ')}, got "${pair}"`,
      );
    }
    mapping[field] = pair.slice(eq + 1).trim();
  }
  return mapping;
}

function optionalTime(
  option: string,
  raw: string | undefined,
  key: 'from' | 'to',
): { from?: number; to?: number } {
  if (raw === undefined) return {};
  const time = parseIsoTime(raw);
  if (Number.isNaN(time))
    throw new CliError(`${option} must be an ISO date or date-time, got "${raw}"`);
  return { [key]: time };
}

/** An explicit --timeframe, else the one timeframe an imported symbol is cached at, else 1d. */
async function chooseTimeframe(
  cache: MarketDataCache,
  name: string,
  explicit: string | undefined,
): Promise<Timeframe> {
  if (explicit !== undefined) return parseTimeframe(explicit);
  const symbol = parseSymbol(name);
  const cached = (await cache.list()).filter(
    (info) => info.source === symbol.source && info.symbol === symbol.name,
  );
  if (cached.length === 1) return cached[0]!.timeframe;
  return '1d';
}

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

function infoJson(info: SeriesInfo) {
  return {
    symbol: formatSymbol({ source: info.source, name: info.symbol }),
    source: info.source,
    timeframe: info.timeframe,
    bars: info.bars,
    first: iso(info.first),
    last: iso(info.last),
    version: info.version,
    origin: info.origin,
    updatedAt: info.updatedAt,
  };
}

function qualityJson(symbol: string, quality: QualityReport) {
  return {
    symbol,
    ...quality,
    first: iso(quality.first),
    last: iso(quality.last),
    gaps: {
      ...quality.gaps,
      samples: quality.gaps.samples.map((gap) => ({
        ...gap,
        from: iso(gap.from),
        to: iso(gap.to),
      })),
    },
    duplicates: { ...quality.duplicates, samples: quality.duplicates.samples.map(iso) },
    outliers: {
      ...quality.outliers,
      samples: quality.outliers.samples.map((o) => ({ ...o, time: iso(o.time) })),
    },
    zeroVolume: { ...quality.zeroVolume, samples: quality.zeroVolume.samples.map(iso) },
  };
}

function barsJson(bars: Bars, limit: number) {
  const indexes = visibleRows(bars.length, limit).filter((index) => index >= 0);
  return indexes.map((i) => ({
    time: iso(bars.time[i]!),
    open: bars.open[i]!,
    high: bars.high[i]!,
    low: bars.low[i]!,
    close: bars.close[i]!,
    volume: bars.volume[i]!,
  }));
}

function span(first: number | null, last: number | null): string {
  return first === null || last === null
    ? 'no bars'
    : `from ${formatTime(first)} to ${formatTime(last)}`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function importText(info: SeriesInfo, quality: QualityReport): string {
  const lines = [
    `imported ${info.origin} as ${info.symbol} (${info.timeframe}): ${count(info.bars, 'bar')} ${span(info.first, info.last)}`,
    ...quality.warnings.map((warning) => `warning: ${warning}`),
  ];
  return `${lines.join('\n')}\n`;
}

function listText(infos: readonly SeriesInfo[], dataRoot: string): string {
  if (infos.length === 0) {
    return `the cache at ${dataRoot} is empty: add a symbol with hindsight data import FILE --symbol NAME\n`;
  }
  return table(
    ['SYMBOL', 'TIMEFRAME', 'BARS', 'FIRST', 'LAST', 'ORIGIN', 'UPDATED'],
    infos.map((info) => [
      formatSymbol({ source: info.source, name: info.symbol }),
      info.timeframe,
      String(info.bars),
      info.first === null ? '-' : formatTime(info.first),
      info.last === null ? '-' : formatTime(info.last),
      info.origin ?? '-',
      `${info.updatedAt.slice(0, 10)} ${info.updatedAt.slice(11, 16)}`,
    ]),
    [false, false, true, false, false, false, false],
  );
}

/** Row indexes to print: all, or the first and last halves of `limit` with -1 for the elision. */
function visibleRows(length: number, limit: number): number[] {
  const all = Array.from({ length }, (_, i) => i);
  if (limit === 0 || length <= limit) return all;
  const head = Math.ceil(limit / 2);
  return [...all.slice(0, head), -1, ...all.slice(length - (limit - head))];
}

function showText(title: string, bars: Bars, fromCache: boolean, limit: number): string {
  const first = bars.length > 0 ? bars.time[0]! : null;
  const last = bars.length > 0 ? bars.time[bars.length - 1]! : null;
  const header = `${title}: ${count(bars.length, 'bar')} ${span(first, last)} (${fromCache ? 'from the cache' : 'fetched'})\n`;
  if (bars.length === 0) return header;
  const indexes = visibleRows(bars.length, limit);
  const hidden = bars.length - indexes.filter((i) => i >= 0).length;
  const body = indexes.map((i) =>
    i < 0
      ? [`... ${hidden} more`, '', '', '', '', '']
      : [
          formatTime(bars.time[i]!),
          String(bars.open[i]),
          String(bars.high[i]),
          String(bars.low[i]),
          String(bars.close[i]),
          String(bars.volume[i]),
        ],
  );
  const note = hidden > 0 ? '(--limit 0 prints every bar)\n' : '';
  return (
    header +
    table(['TIME', 'OPEN', 'HIGH', 'LOW', 'CLOSE', 'VOLUME'], body, [
      false,
      true,
      true,
      true,
      true,
      true,
    ]) +
    note
  );
}

function qualityText(title: string, quality: QualityReport): string {
  const spacing =
    quality.medianSpacingMs === null
      ? ''
      : `, typically ${describeMs(quality.medianSpacingMs)} apart`;
  const lines = [
    `${title}: ${count(quality.bars, 'bar')} ${span(quality.first, quality.last)}${spacing}`,
  ];
  const section = (label: string, total: number, extra: string, samples: string[]) => {
    lines.push(`${`${label}:`.padEnd(16)}${total}${extra}`);
    for (const sample of samples) lines.push(`  ${sample}`);
    if (samples.length < total) lines.push(`  ... ${total - samples.length} more`);
  };
  section(
    'gaps',
    quality.gaps.count,
    quality.gaps.count > 0 ? ` (${count(quality.gaps.missing, 'missing bar')})` : '',
    quality.gaps.samples.map(
      (gap) => `${formatTime(gap.from)} -> ${formatTime(gap.to)}  ${gap.missing} missing`,
    ),
  );
  section('duplicates', quality.duplicates.count, '', quality.duplicates.samples.map(formatTime));
  section(
    'outlier jumps',
    quality.outliers.count,
    '',
    quality.outliers.samples.map(
      (o) => `${formatTime(o.time)}  ${o.change >= 0 ? '+' : ''}${(o.change * 100).toFixed(1)}%`,
    ),
  );
  section('zero volume', quality.zeroVolume.count, '', quality.zeroVolume.samples.map(formatTime));
  lines.push(
    quality.warnings.length === 0 ? 'no warnings' : `${count(quality.warnings.length, 'warning')}:`,
  );
  for (const warning of quality.warnings) lines.push(`  ${warning}`);
  return `${lines.join('\n')}\n`;
}

function describeMs(ms: number): string {
  const units: [number, string][] = [
    [604_800_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) {
      const n = Math.round((ms / size) * 10) / 10;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

function table(header: string[], body: string[][], rightAligned: boolean[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}
