import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '@hindsight/backtest';
import { DEFAULT_COMMISSION, type SimulationConfig, simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { drawdownPct } from '@hindsight/metrics';
import { toTradeRecord } from '@hindsight/service';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { runCommand } from './run.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const GOOG = join(REPO, 'fixtures', 'market-data', 'GOOG.csv');

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return runInProcess(runCommand, argv, env);
}

/** `hindsight run`'s settings when no option changes them. */
const DEFAULT_CONFIG: SimulationConfig = simulationConfig();

function badCsv(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hindsight-cli-')), 'bad.csv');
  writeFileSync(file, content);
  return file;
}

describe('hindsight run', () => {
  it('prints a readable report', async () => {
    const { code, stdout, stderr } = await run(['--data', GOOG, '--strategy', 'sma_crossover']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^sma_crossover \{"fast":10,"slow":30,"allowShort":false\} on .*GOOG\.csv \(2148 bars\)/,
    );
    expect(stdout).toMatch(/Equity Final \[\$\]\s+\d+\.\d{2}\n/);
    expect(stdout).toMatch(/Sharpe Ratio\s+-?\d/);
  });

  it('prints one JSON object in the names and units of REST', async () => {
    const { code, stdout } = await run([
      '--data',
      GOOG,
      '--strategy',
      'rsi_mean_reversion',
      '--param',
      'period=14',
      '--commission',
      '0.001',
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual([
      'params',
      'stats',
      'trades',
      'openTrades',
      'time',
      'equity',
      'drawdownPct',
      'conventions',
    ]);
    expect(report.params).toEqual({ period: 14, lower: 30, upper: 70 });
    // Columns as GET /equity gives them: one time axis (epoch ms), equity, drawdownPct.
    expect(report.time).toHaveLength(2148);
    expect(report.time[0]).toBe(Date.UTC(2004, 7, 19));
    expect(report.equity[0]).toBe(100_000);
    expect(report.drawdownPct).toHaveLength(2148);
    expect(report.drawdownPct[0]).toBe(0);
    // Trades as GET /trades gives them: instants ISO 8601 UTC, returnPct a percent.
    expect(report.trades.length).toBe(report.stats.trades);
    const trade = report.trades[0];
    expect(Object.keys(trade).sort()).toEqual(
      [
        'symbol',
        'size',
        'entryBar',
        'exitBar',
        'entryTime',
        'exitTime',
        'entryPrice',
        'exitPrice',
        'pnl',
        'commission',
        'returnPct',
        'exitReason',
      ].sort(),
    );
    expect(trade.entryTime).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/);
    expect(trade.returnPct).toBeCloseTo(
      (trade.pnl / (Math.abs(trade.size) * trade.entryPrice)) * 100,
      10,
    );
    expect(report.stats.conventions).toEqual(report.conventions);
    expect(report.conventions).toMatchObject({
      profile: 'hindsight',
      periodsPerYear: 252,
      riskFreeRate: 0,
    });
  });

  it('streams exactly the bytes JSON.stringify writes for the whole document', async () => {
    const params = ['--param', 'fast=2', '--param', 'slow=3'];
    const argv = ['--data', GOOG, '--strategy', 'sma_crossover', ...params, '--finalize-trades'];
    const { code, stdout } = await run([...argv, '--json']);
    expect(code).toBe(0);
    const output = runBacktest({
      symbols: [{ symbol: 'GOOG', bars: await readCsvFile(GOOG) }],
      strategy: 'sma_crossover',
      params: { fast: 2, slow: 3 },
      config: { ...DEFAULT_CONFIG, finalizeTrades: true },
    });
    const { simulation, stats } = output;
    expect(simulation.trades.length, 'more trades than one chunk of the stream').toBeGreaterThan(
      256,
    );
    const whole = {
      params: output.params,
      stats,
      trades: simulation.trades.map(toTradeRecord),
      openTrades: simulation.openTrades.map(toTradeRecord),
      time: Array.from(simulation.time),
      equity: Array.from(simulation.equity),
      drawdownPct: Array.from(drawdownPct(simulation.equity)),
      conventions: stats.conventions,
    };
    expect(stdout).toBe(`${JSON.stringify(whole)}\n`);
  });

  it('leaves the series out with --equity none, and thins them with --equity N', async () => {
    const argv = ['--data', GOOG, '--strategy', 'sma_crossover', '--json'];
    const full = JSON.parse((await run(argv)).stdout);
    const none = JSON.parse((await run([...argv, '--equity', 'none'])).stdout);
    expect(Object.keys(none)).toEqual(['params', 'stats', 'trades', 'openTrades', 'conventions']);
    expect(none.stats).toEqual(full.stats);
    expect(none.trades).toEqual(full.trades);

    const thin = JSON.parse((await run([...argv, '--equity', '100'])).stdout);
    expect(Object.keys(thin)).toEqual(Object.keys(full));
    expect(thin.time.length).toBeLessThanOrEqual(100);
    expect(thin.time.length).toBeGreaterThan(50);
    // M4 as GET /equity: first and last bar, every extreme of equity and drawdown, one time axis.
    expect(thin.time[0]).toBe(full.time[0]);
    expect(thin.time.at(-1)).toBe(full.time.at(-1));
    expect(Math.max(...thin.equity)).toBe(Math.max(...full.equity));
    expect(Math.min(...thin.drawdownPct)).toBe(Math.min(...full.drawdownPct));
    thin.time.forEach((time: number, k: number) => {
      const i = full.time.indexOf(time);
      expect([thin.equity[k], thin.drawdownPct[k]]).toEqual([full.equity[i], full.drawdownPct[i]]);
    });
    const large = JSON.parse((await run([...argv, '--equity', '100000'])).stdout);
    expect(large, 'more points than bars: the whole series').toEqual(full);
  });

  it("charges the api's default commission unless told otherwise; --commission 0 charges none", async () => {
    const stats = async (extra: string[]) => {
      const argv = ['--data', GOOG, '--strategy', 'sma_crossover', ...extra, '--json'];
      return JSON.parse((await run(argv)).stdout).stats;
    };
    const byDefault = await stats([]);
    expect(byDefault).toEqual(await stats(['--commission', String(DEFAULT_COMMISSION)]));
    expect(byDefault.commissions).toBeGreaterThan(0);
    expect((await stats(['--commission', '0'])).commissions).toBe(0);
  });

  it.each<[string[], RegExp]>([
    [['--data', GOOG], /--strategy is required/],
    [['--strategy', 'sma_crossover'], /exactly one of --data FILE.csv or --symbol NAME/],
    [
      ['--data', GOOG, '--strategy', 'sma_cross'],
      /unknown strategy ['"]?sma_cross['"]?.*sma_crossover/,
    ],
    [
      ['--data', GOOG, '--strategy', 'sma_crossover', '--param', 'fast=30', '--param', 'slow=10'],
      /fast must be < slow/,
    ],
    [
      ['--data', GOOG, '--strategy', 'sma_crossover', '--param', 'fast'],
      /--param must look like key=value/,
    ],
    [['--data', GOOG, '--strategy', 'sma_crossover', '--param', 'speed=3'], /speed/],
    [
      ['--data', GOOG, '--strategy', 'sma_crossover', '--cash', 'lots'],
      /--cash must be a number, got "lots"/,
    ],
    [['--data', GOOG, '--strategy', 'sma_crossover', '--cash=-5'], /cash must be/],
    [
      ['--data', GOOG, '--strategy', 'sma_crossover', '--fill', 'later'],
      /fill must be one of next_open, close/,
    ],
    [
      ['--data', GOOG, '--strategy', 'sma_crossover', '--conventions', 'zipline'],
      /conventions must be one of/,
    ],
    [
      [
        '--data',
        GOOG,
        '--strategy',
        'sma_crossover',
        '--slippage-bps',
        '5',
        '--conventions',
        'backtesting.py',
      ],
      /does not support/,
    ],
    [
      ['--data', 'no-such-file.csv', '--strategy', 'buy_and_hold'],
      /no-such-file\.csv: no such file/,
    ],
    [['--data', GOOG, '--strategy', 'buy_and_hold', '--colour'], /Unknown option '--colour'/],
    [
      ['--symbol', 'synthetic:DEMO', '--strategy', 'buy_and_hold', '--from', '2020-01-01'],
      /^hindsight run: unknown option --from: use --start\n$/,
    ],
    [
      ['--symbol', 'synthetic:DEMO', '--strategy', 'buy_and_hold', '--to=2020-02-01'],
      /^hindsight run: unknown option --to: use --end\n$/,
    ],
    [
      ['--data', GOOG, '--strategy', 'buy_and_hold', '--equity', 'none'],
      /--equity goes with --json/,
    ],
    ...['all', '5', '100.5', '-10', '1e3', ''].map((value): [string[], RegExp] => [
      ['--data', GOOG, '--strategy', 'buy_and_hold', '--json', `--equity=${value}`],
      new RegExp(`--equity must be none or a whole number of points >= 6, got "${value}"`),
    ]),
    [
      ['--symbol', 'synthetic:DEMO', '--strategy', 'buy_and_hold', '--end', '2020-02-30'],
      /--end must be a date \(2020-01-01\) or a date-time with an offset, got "2020-02-30"/,
    ],
  ])('rejects %j with one line naming the problem', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n'), 'one line, no stack trace').toHaveLength(1);
    expect(stderr).toMatch(/^hindsight run: /);
  });

  it('names the file, line and problem of a bad CSV', async () => {
    const file = badCsv(
      'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,0.8,0.9,1,10\n',
    );
    const { code, stderr } = await run(['--data', file, '--strategy', 'buy_and_hold']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.csv.*line 3.*high/i);
  });

  it('runs on a symbol from the market-data cache, fetching what is missing', async () => {
    const env = { DATA_ROOT: mkdtempSync(join(tmpdir(), 'hindsight-cli-')) };
    const argv = [
      '--symbol',
      'synthetic:DEMO',
      '--strategy',
      'buy_and_hold',
      '--start',
      '2020-01-01',
      '--end',
      '2020-12-31',
      '--json',
    ];
    const first = await run(argv, env);
    expect(first.stderr).toBe('');
    const report = JSON.parse(first.stdout);
    expect(report.time[0]).toBe(Date.UTC(2020, 0, 1));
    expect(report.time.at(-1), 'a date --end takes that whole day').toBe(Date.UTC(2020, 11, 31));
    expect(report.time.length).toBeGreaterThan(200);
    const second = await run(argv, env);
    expect(second.stdout, 'the cached series gives the same result').toBe(first.stdout);
  });

  it('names a symbol that is not cached and how to add it', async () => {
    const env = { DATA_ROOT: mkdtempSync(join(tmpdir(), 'hindsight-cli-')) };
    const { code, stderr } = await run(['--symbol', 'NOPE', '--strategy', 'buy_and_hold'], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/NOPE .*not in the cache.*hindsight data import FILE --symbol NOPE/);
  });

  it('exits non-zero with no stack trace as a real process', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        'apps/cli/src/main.ts',
        'run',
        '--data',
        GOOG,
        '--strategy',
        'nope',
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\s+at /);
    // tsx compiles the CLI at start: seconds on a loaded machine.
  }, 60_000);
});

describe('hindsight run --strategy rules', () => {
  const SMA_RULES = [
    '--param',
    'entry=crosses_above(sma(close, $fast), sma(close, $slow))',
    '--param',
    'exit=crosses_below(sma(close, $fast), sma(close, $slow))',
    '--param',
    'fast=10',
    '--param',
    'slow=30',
  ];

  it('runs expressions given as --param, with numbers as their $variables, like the built-in', async () => {
    const rules = await run(['--data', GOOG, '--strategy', 'rules', ...SMA_RULES, '--json']);
    expect(rules.stderr).toBe('');
    const builtIn = await run(['--data', GOOG, '--strategy', 'sma_crossover', '--json']);
    const fromRules = JSON.parse(rules.stdout);
    const fromBuiltIn = JSON.parse(builtIn.stdout);
    expect(fromRules.params).toEqual({
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
      fast: 10,
      slow: 30,
    });
    expect(fromRules.trades.length).toBeGreaterThan(0);
    expect(fromRules.stats).toEqual(fromBuiltIn.stats);
    expect(fromRules.trades).toEqual(fromBuiltIn.trades);
  });

  it('refuses a bad expression in one line naming the parameter and the column', async () => {
    const { code, stdout, stderr } = await run([
      '--data',
      GOOG,
      '--strategy',
      'rules',
      '--param',
      'entry=crosses_above(sma(close, $fast), smaa(close, 30))',
      '--param',
      'exit=close < open',
      '--param',
      'fast=10',
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "hindsight run: rules: entry at column 34: unknown function 'smaa' (functions: sma, ema, wma, rsi, roc, highest, lowest, stdev, percentile, atr, vwap, obv, stoch_k, stoch_d, macd, macd_signal, macd_hist, bbands_upper, bbands_middle, bbands_lower, crosses_above, crosses_below)\n",
    );
  });

  it("takes the expressions from a real shell, single-quoted so $variables stay the rule's", () => {
    const command =
      'node --import tsx --conditions=source apps/cli/src/main.ts run --data "$GOOG" --strategy rules ' +
      "--param entry='rsi(close, $period) < $lower' --param exit='rsi(close, $period) > 70' " +
      '--param period=14 --param lower=30 --json';
    const result = spawnSync('bash', ['-c', command], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, GOOG },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).params).toMatchObject({
      entry: 'rsi(close, $period) < $lower',
    });
    // tsx compiles the CLI at start: seconds on a loaded machine.
  }, 60_000);
});
