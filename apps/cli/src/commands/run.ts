import { runBacktest } from '@hindsight/backtest';
import { type Bars, DEFAULT_COMMISSION, type SimulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { parseNumber, parseParams } from '../parse-options.js';
import { type EquitySeries, formatReport, writeJsonReport } from '../report.js';

const USAGE = `usage: hindsight run (--data FILE.csv | --symbol NAME) --strategy NAME [options]

  --data FILE.csv       bars from a CSV file (Date, Open, High, Low, Close, Volume)
  --symbol NAME         bars from the market-data cache: GOOG (imported) or synthetic:DEMO, alphavantage:IBM
  --timeframe TF        with --symbol: 1m, 5m, 15m, 1h, 1d (default) or 1w
  --start DATE, --end DATE  with --symbol: the range of bars, both inclusive, as the api reads
                        them (2020-01-01 or 2020-01-01T14:30:00Z; a date --end takes that day)

  --param key=value     a strategy parameter (repeatable)
  --cash N              starting cash (default 100000)
  --commission F        fraction of notional per fill (default ${DEFAULT_COMMISSION}, as in the api; 0 for none)
  --commission-fixed N  fixed fee per order (default 0)
  --slippage-bps N      adverse fill slippage in basis points (default 0)
  --fill MODE           next_open (default) or close
  --fractional          fractional units instead of whole units
  --fraction F          share of equity per entry, (0, 1] (default 1)
  --stop-loss PCT       close a trade after it loses PCT percent
  --take-profit PCT     close a trade after it gains PCT percent
  --finalize-trades     close open trades at the end of the data
  --conventions NAME    hindsight (default) or backtesting.py
  --json                print one JSON object { params, stats, trades, openTrades, time, equity,
                        drawdownPct, conventions } in the names and units of the REST api
  --equity none|N       with --json: leave out time, equity and drawdownPct, or thin them to at
                        most N points (N >= 6; M4 as GET /equity's maxPoints; default: every bar)
`;

export const runCommand = defineCommand({
  name: 'run',
  usage: USAGE,
  options: {
    data: { type: 'string' },
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    strategy: { type: 'string' },
    param: { type: 'string', multiple: true },
    cash: { type: 'string' },
    commission: { type: 'string' },
    'commission-fixed': { type: 'string' },
    'slippage-bps': { type: 'string' },
    fill: { type: 'string' },
    fractional: { type: 'boolean' },
    fraction: { type: 'string' },
    'stop-loss': { type: 'string' },
    'take-profit': { type: 'string' },
    'finalize-trades': { type: 'boolean' },
    conventions: { type: 'string' },
    json: { type: 'boolean' },
    equity: { type: 'string' },
  },
  renamed: { '--from': '--start', '--to': '--end' },
  async run({ values }, io) {
    if (!values.strategy) throw new CliError('--strategy is required (see hindsight run --help)');
    if (Boolean(values.data) === Boolean(values.symbol)) {
      throw new CliError('give exactly one of --data FILE.csv or --symbol NAME');
    }
    if (values.equity !== undefined && !values.json) {
      throw new CliError('--equity goes with --json (the report prints no series)');
    }
    const equity = equitySeries(values.equity);
    const config: SimulationConfig = {
      cash: parseNumber('--cash', values.cash, 100_000),
      commission: parseNumber('--commission', values.commission, DEFAULT_COMMISSION),
      commissionFixed: parseNumber('--commission-fixed', values['commission-fixed'], 0),
      slippageBps: parseNumber('--slippage-bps', values['slippage-bps'], 0),
      sizing: {
        mode: 'fraction',
        fraction: parseNumber('--fraction', values.fraction, 1),
        wholeUnits: !values.fractional,
      },
      fill: (values.fill ?? 'next_open') as SimulationConfig['fill'],
      finalizeTrades: values['finalize-trades'] ?? false,
      stopLossPct:
        values['stop-loss'] === undefined
          ? null
          : parseNumber('--stop-loss', values['stop-loss'], 0),
      takeProfitPct:
        values['take-profit'] === undefined
          ? null
          : parseNumber('--take-profit', values['take-profit'], 0),
      conventions: (values.conventions ?? 'hindsight') as SimulationConfig['conventions'],
    };
    const { symbol, bars } = values.data
      ? await loadFile(values.data)
      : // The cache (DuckDB) is loaded only for a symbol: a CSV run does without it.
        await (await import('./load-symbol.js')).loadSymbol(values.symbol!, values, io.env);
    const output = runBacktest({
      symbols: [{ symbol, bars }],
      strategy: values.strategy,
      params: parseParams(values.param ?? []),
      config,
    });
    if (values.json) await writeJsonReport(io.stdout, output, equity);
    else {
      io.stdout.write(
        formatReport({ source: values.data ?? symbol, strategy: values.strategy, bars, output }),
      );
    }
    return 0;
  },
});

async function loadFile(file: string): Promise<{ symbol: string; bars: Bars }> {
  const name = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return { symbol: name, bars: await readCsvFile(file) };
}

/** The fewest points M4 can keep of two series on one axis (see thinEquity). */
const MIN_EQUITY_POINTS = 6;

function equitySeries(raw: string | undefined): EquitySeries {
  if (raw === undefined) return 'all';
  if (raw === 'none') return 'none';
  const points = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(points) || points < MIN_EQUITY_POINTS) {
    throw new CliError(
      `--equity must be none or a whole number of points >= ${MIN_EQUITY_POINTS}, got "${raw}"`,
    );
  }
  return points;
}
