#!/usr/bin/python3
"""Writes fixtures/oracle/: reference values from the REAL backtesting.py 0.6.6, for the tests of
Hindsight's `backtesting.py` conventions profile (packages/backtest/src/oracle.test.ts, the CLI's
and the api's oracle tests). Nothing here re-implements backtesting.py: every number is printed by
the library itself, run through the workplace's oracle script (shared/tools/btpy_oracle.py), which
this file executes unchanged; only the equity curve, which the oracle does not print, is read off
the same `Backtest.run()` result.

Setup (development only; the tests need no Python):
  apt-get install -y python3-numpy python3-pandas
  fetch github:kernc/backtesting.py (the search tool's `fetch` prints its git directory G), then
  BTPY=$(mktemp -d); git --git-dir=G archive 9c2b8e1c99f3a860883222ba8d6d5b5cac3a932d | tar -x -C "$BTPY"

Regenerate, from the repository root:
  /usr/bin/python3 tools/oracle/make_cases.py --src "$BTPY" --oracle ../shared/tools/btpy_oracle.py

It rewrites fixtures/oracle/data/*.csv (synthetic series, seeded: byte-identical on every run) and
fixtures/oracle/cases.json. The real series are fixtures/market-data/{GOOG,EURUSD,BTCUSD}.csv.
"""
import argparse
import contextlib
import io
import json
import math
import random
import runpy
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from btpy import STAT_KEYS, alias_month_end_offsets

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / 'fixtures' / 'oracle'
REAL = REPO / 'fixtures' / 'market-data'
PINNED = '9c2b8e1c99f3a860883222ba8d6d5b5cac3a932d'

# ---------------------------------------------------------------------------------------------
# Synthetic series. Plain `random` with fixed seeds and 4-decimal prices, so the files are the
# same bytes on every machine.


def walk(rng, n, start=100.0, sigma=0.015, drift=0.0002, flat=()):
    """Closes of a geometric random walk; bars inside a (from, to) range of `flat` repeat the last
    close exactly (a market that does not move: no crossover, zero returns, dd == 0 stretches)."""
    closes, price = [], start
    for i in range(n):
        if not any(a <= i < b for a, b in flat):
            price *= math.exp(rng.gauss(drift, sigma))
        closes.append(round(price, 4))
    return closes


def bars_of(rng, closes, flat=()):
    rows, prev = [], closes[0]
    for i, close in enumerate(closes):
        if any(a <= i < b for a, b in flat):
            rows.append((close, close, close, close, 0))
            prev = close
            continue
        open_ = round(prev * math.exp(rng.gauss(0, 0.003)), 4)
        high = round(max(open_, close) * (1 + abs(rng.gauss(0, 0.004))), 4)
        low = round(min(open_, close) * (1 - abs(rng.gauss(0, 0.004))), 4)
        rows.append((open_, high, low, close, rng.randint(1_000, 90_000)))
        prev = close
    return rows


def write_csv(name, stamps, rows):
    path = OUT / 'data' / f'{name}.csv'
    with path.open('w', newline='\n') as f:
        f.write(',Open,High,Low,Close,Volume\n')
        for stamp, (o, h, l, c, v) in zip(stamps, rows):
            f.write(f'{stamp},{o},{h},{l},{c},{v}\n')
    return path


def day_stamps(start, count, weekends):
    out, d = [], start
    while len(out) < count:
        if weekends or d.weekday() < 5:
            out.append(d.strftime('%Y-%m-%d'))
        d += timedelta(days=1)
    return out


def intraday_stamps(start, count, step_minutes, session, weekends):
    """`session` = (first minute of the day, last minute) or None for round the clock."""
    out, t = [], start
    while len(out) < count:
        minute = t.hour * 60 + t.minute
        in_session = session is None or session[0] <= minute <= session[1]
        if in_session and (weekends or t.weekday() < 5):
            out.append(t.strftime('%Y-%m-%d %H:%M:%S'))
        t += timedelta(minutes=step_minutes)
    return out


def month_starts(year, month, count):
    out = []
    for k in range(count):
        y, m = divmod(month - 1 + k, 12)
        out.append(f'{year + y:04d}-{m + 1:02d}-01')
    return out


def synthetic():
    """name -> (path, description)."""
    made = {}

    def make(name, description, stamps, seed, flat=(), **walk_args):
        rng = random.Random(seed)
        closes = walk(rng, len(stamps), flat=flat, **walk_args)
        made[name] = (write_csv(name, stamps, bars_of(rng, closes, flat)), description)

    make('daily-flat', 'weekdays with two long flat stretches (constant prices, zero volume)',
         day_stamps(datetime(2016, 1, 4), 900, weekends=False), 11, flat=((150, 330), (600, 700)))
    make('daily-365', 'every calendar day, weekends included (A = 365)',
         day_stamps(datetime(2019, 3, 1), 1200, weekends=True), 12, sigma=0.03)
    make('intraday-session', '30-minute bars 09:30-16:00 on weekdays (14 bars a day)',
         intraday_stamps(datetime(2021, 6, 1, 9, 30), 3000, 30, (570, 960), weekends=False), 13,
         sigma=0.004, drift=0.00002)
    make('intraday-24-7', '15-minute bars round the clock, weekends included',
         intraday_stamps(datetime(2022, 2, 3, 0, 0), 5000, 15, None, weekends=True), 14,
         sigma=0.003, drift=0.0)
    make('weekly', 'weekly bars on Fridays (A = 52, resampled by calendar week)',
         [d for d in day_stamps(datetime(2010, 1, 1), 3000, weekends=True)
          if datetime.strptime(d, '%Y-%m-%d').weekday() == 4][:420], 15, sigma=0.035, drift=0.001)
    make('monthly', 'monthly bars on the 1st (median spacing 31 days: A = 12)',
         month_starts(2000, 1, 240), 16, sigma=0.06, drift=0.004)
    make('yearly', 'year-end bars (median spacing 365 days: A = 1, resampled by year)',
         [f'{y}-12-31' for y in range(1950, 2024)], 17, sigma=0.18, drift=0.05)
    make('one-day-minutes', 'one-minute bars of a single day: no daily return at all',
         intraday_stamps(datetime(2023, 3, 15, 9, 30), 390, 1, (570, 959), weekends=False), 18,
         sigma=0.0008, drift=0.0)
    return made


# ---------------------------------------------------------------------------------------------
# The oracle, run in this process so that the equity curve of the same run can be kept.


class Oracle:
    def __init__(self, script, src):
        self.script, self.src = str(script), src
        self.equity = None
        # The first run imports backtesting.py (and stubs bokeh) the way the oracle does;
        # Backtest.run can be wrapped only after that.
        self._run([str(REAL / 'GOOG.csv')])
        import backtesting
        original = backtesting.Backtest.run

        def run(bt, **kwargs):
            stats = original(bt, **kwargs)
            self.equity = stats['_equity_curve']['Equity'].tolist()
            return stats

        backtesting.Backtest.run = run
        alias_month_end_offsets()

    def _run(self, argv):
        saved = sys.argv
        sys.argv = [self.script, '--src', self.src, *argv]
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(self.script, run_name='__main__')
        finally:
            sys.argv = saved
        return json.loads(out.getvalue())

    def __call__(self, argv):
        self.equity = None
        result = self._run(argv)
        assert self.equity is not None, 'Backtest.run was not called'
        return result, self.equity


TRADE_KEYS = {
    'Size': 'size', 'EntryBar': 'entryBar', 'ExitBar': 'exitBar', 'EntryPrice': 'entryPrice',
    'ExitPrice': 'exitPrice', 'PnL': 'pnl', 'Commission': 'commission',
    'ReturnPct': 'returnFraction', 'EntryTime': 'entryTime', 'ExitTime': 'exitTime',
}


def iso(stamp):
    """The oracle prints naive timestamps of UTC bars: '2004-08-19T00:00:00' -> ...000Z."""
    return datetime.fromisoformat(stamp).strftime('%Y-%m-%dT%H:%M:%S.000Z')


def translate(result):
    stats = {}
    for name, value in result['stats'].items():
        key = STAT_KEYS[name]  # a KeyError: backtesting.py grew a statistic; map it in btpy.py
        stats[key] = iso(value) if key in ('start', 'end') else value
    # backtesting.py leaves 'Commissions [$]' out when they are zero; Hindsight reports 0.
    stats.setdefault('commissions', 0)
    trades = [{TRADE_KEYS[k]: (iso(v) if k.endswith('Time') else v)
               for k, v in t.items() if k in TRADE_KEYS} for t in result['trades']]
    return stats, trades


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--src', required=True, help='backtesting.py source at commit ' + PINNED)
    ap.add_argument('--oracle', default=str(REPO.parent / 'shared' / 'tools' / 'btpy_oracle.py'))
    args = ap.parse_args()
    (OUT / 'data').mkdir(parents=True, exist_ok=True)

    data = {name: (REAL / f'{name}.csv', desc) for name, desc in (
        ('GOOG', 'GOOG daily 2004-2013, weekdays (A = 252)'),
        ('EURUSD', 'EURUSD hourly 2017-2018, round the clock on weekdays'),
        ('BTCUSD', 'BTCUSD month-end bars 2012-2024 (median spacing 30.5 days: daily basis)'),
    )}
    data.update(synthetic())

    # GOOG cut so that the last bar is a signal bar of SMA 10/30: an order placed on the last bar.
    goog = (REAL / 'GOOG.csv').read_text().splitlines()
    oracle = Oracle(args.oracle, args.src)
    first, _ = oracle([str(REAL / 'GOOG.csv'), '--fast', '10', '--slow', '30'])
    signal_bar = first['trades'][5]['EntryBar'] - 1
    cut = write_csv('goog-last-bar-order', [l.split(',')[0] for l in goog[1:signal_bar + 2]],
                    [tuple(l.split(',')[1:]) for l in goog[1:signal_bar + 2]])
    data['goog-last-bar-order'] = (cut, f'GOOG cut after bar {signal_bar}, where SMA 10/30 '
                                        'crosses up: the buy is ordered on the last bar')

    sma = lambda f, s: ('sma_crossover', {'fast': f, 'slow': s})  # noqa: E731
    rsi = lambda p, lo, up: ('rsi_mean_reversion', {'period': p, 'lower': lo, 'upper': up})  # noqa: E731
    hold = ('buy_and_hold', {})
    plan = [  # (data, strategy, cash, commissions to try)
        ('GOOG', sma(10, 30), 10_000, (0, 0.002)),
        ('GOOG', rsi(14, 30, 70), 100_000, (0, 0.001)),
        ('GOOG', rsi(14, 0, 70), 100_000, (0.001,)),  # RSI is never below 0: no trade at all
        ('GOOG', hold, 100_000, (0, 0.001)),  # one trade with finalize, one open trade without
        ('goog-last-bar-order', sma(10, 30), 10_000, (0, 0.002)),
        ('EURUSD', sma(12, 48), 100_000, (0, 0.0002)),
        ('EURUSD', rsi(14, 25, 75), 100_000, (0.0001,)),
        ('BTCUSD', sma(3, 9), 100_000, (0, 0.001)),
        ('BTCUSD', hold, 100_000, (0.001,)),
        ('daily-flat', sma(5, 20), 100_000, (0, 0.001)),
        ('daily-365', sma(10, 40), 100_000, (0, 0.002)),
        ('intraday-session', sma(14, 56), 100_000, (0, 0.0005)),
        ('intraday-24-7', sma(20, 80), 100_000, (0, 0.0005)),
        ('intraday-24-7', rsi(21, 30, 70), 100_000, (0.0005,)),
        ('weekly', sma(4, 13), 100_000, (0, 0.001)),
        ('monthly', sma(3, 12), 100_000, (0, 0.001)),
        ('monthly', rsi(6, 35, 65), 100_000, (0.001,)),
        ('yearly', sma(2, 5), 100_000, (0, 0.001)),
        ('one-day-minutes', sma(5, 20), 100_000, (0, 0.0005)),
    ]
    cases = []
    for name, (strategy, params), cash, commissions in plan:
        path, description = data[name]
        for commission in commissions:
            for finalize in (False, True):
                argv = [str(path), '--strategy', strategy, '--cash', str(cash),
                        '--commission', repr(commission)]
                argv += {'sma_crossover': lambda: ['--fast', str(params.get('fast')),
                                                   '--slow', str(params.get('slow'))],
                         'rsi_mean_reversion': lambda: ['--rsi-period', str(params['period']),
                                                        '--lower', str(params['lower']),
                                                        '--upper', str(params['upper'])],
                         'buy_and_hold': lambda: []}[strategy]()
                if finalize:
                    argv.append('--finalize')
                result, equity = oracle(argv)
                stats, trades = translate(result)
                label = '-'.join(f'{v:g}' for v in params.values())
                cases.append({
                    'name': f'{name} {strategy}{" " + label if label else ""} c={commission:g}'
                            f'{" finalize" if finalize else ""}',
                    'description': description,
                    'data': path.relative_to(REPO).as_posix(),
                    'strategy': strategy,
                    'params': params,
                    'cash': cash,
                    'commission': commission,
                    'finalizeTrades': finalize,
                    'oracleArgs': ['btpy_oracle.py', '--src', '$BTPY',
                                   path.relative_to(REPO).as_posix(), *argv[1:]],
                    'stats': stats,
                    'trades': trades,
                    'equity': equity,
                })
    with (OUT / 'cases.json').open('w') as f:
        json.dump({
            'source': f'backtesting.py 0.6.6 (kernc/backtesting.py@{PINNED}), run by '
                      'shared/tools/btpy_oracle.py',
            'command': '/usr/bin/python3 tools/oracle/make_cases.py --src "$BTPY" '
                       '(the oracle: the workplace\'s shared/tools/btpy_oracle.py)',
            'notes': 'Durations in days; trade returnFraction is backtesting.py\'s ReturnPct (a '
                     'fraction); times ISO 8601 UTC; equity is Backtest.run()["_equity_curve"].Equity; '
                     'null where backtesting.py prints NaN.',
            'cases': cases,
        }, f, separators=(',', ':'))
        f.write('\n')
    print(f'{len(cases)} cases over {len(data)} series -> {(OUT / "cases.json").relative_to(REPO)}',
          file=sys.stderr)


if __name__ == '__main__':
    main()
