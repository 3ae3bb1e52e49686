import { runColumns, runPrepared } from '@hindsight/backtest';
import { getStrategy, resolveParams } from '@hindsight/engine';
import { BARS_OPTIONS, BARS_USAGE, loadBarsFrom } from '../bars-option.js';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { parseParams } from '../parse-options.js';
import { type EquitySeries, formatReport, writeJsonReport } from '../report.js';
import { SIMULATION_OPTIONS, SIMULATION_USAGE, simulationFrom } from '../simulation-options.js';

const USAGE = `usage: hindsight run (--data FILE.csv | --symbol NAME) --strategy NAME [options]

${BARS_USAGE}

  --param key=value     a strategy parameter (repeatable)
${SIMULATION_USAGE}
  --json                print one JSON object { params, stats, trades, openTrades, time, equity,
                        drawdownPct, conventions } in the names and units of the REST api
  --equity none|N       with --json: leave out time, equity and drawdownPct, or thin them to at
                        most N points (N >= 6; M4 as GET /equity's maxPoints; default: every bar)
`;

export const runCommand = defineCommand({
  name: 'run',
  usage: USAGE,
  options: {
    ...BARS_OPTIONS,
    strategy: { type: 'string' },
    param: { type: 'string', multiple: true },
    ...SIMULATION_OPTIONS,
    json: { type: 'boolean' },
    equity: { type: 'string' },
  },
  renamed: { '--from': '--start', '--to': '--end' },
  async run({ values }, io) {
    if (!values.strategy) throw new CliError('--strategy is required (see hindsight run --help)');
    if (values.equity !== undefined && !values.json) {
      throw new CliError('--equity goes with --json (the report prints no series)');
    }
    const equity = equitySeries(values.equity);
    const prepared = {
      strategy: getStrategy(values.strategy),
      params: resolveParams(values.strategy, parseParams(values.param ?? [])),
      simulation: simulationFrom(values),
    };
    // Only the columns the run reads are loaded, and neither the report nor --json prints the
    // cash series, so it is not kept: a million-bar run holds 32 MB less, the same result.
    const { symbol, bars } = await loadBarsFrom(values, io.env, runColumns(prepared));
    const output = runPrepared(prepared, [{ symbol, bars }], { keepCash: false });
    if (values.json) await writeJsonReport(io.stdout, output, equity);
    else {
      io.stdout.write(
        formatReport({ source: values.data ?? symbol, strategy: values.strategy, bars, output }),
      );
    }
    return 0;
  },
});

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
