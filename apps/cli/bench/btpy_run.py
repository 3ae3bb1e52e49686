"""backtesting.py 0.6.6's side of `pnpm bench`'s CLI comparison: one whole run as a user makes it.
Reads the CSV with pandas, runs SMA 10/30 (buy on the fast average crossing above the slow one
when flat, close on the cross back: Hindsight's sma_crossover), computes every statistic and
prints the statistics and the trades as JSON.

Usage: /usr/bin/python3 btpy_run.py BACKTESTING_PY_SRC DATA.csv
"""
import json
import math
import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'tools', 'oracle'))
from btpy import import_backtesting  # noqa: E402

src, csv = sys.argv[1], sys.argv[2]
import_backtesting(src)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from backtesting import Backtest, Strategy  # noqa: E402
from backtesting.lib import crossover  # noqa: E402


def sma(values, n):
    x = np.asarray(values, dtype=float)
    out = np.full(len(x), np.nan)
    if len(x) >= n:
        out[n - 1:] = np.lib.stride_tricks.sliding_window_view(x, n).mean(axis=1)
    return out


class SmaCross(Strategy):
    fast = 10
    slow = 30

    def init(self):
        self.f = self.I(sma, self.data.Close, self.fast)
        self.s = self.I(sma, self.data.Close, self.slow)

    def next(self):
        if crossover(self.f, self.s):
            if not self.position:
                self.buy()
        elif crossover(self.s, self.f) and self.position:
            self.position.close()


def clean(v):
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, pd.Timedelta):
        return v.total_seconds() / 86400.0
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return None if math.isnan(v) or math.isinf(v) else v
    return v


df = pd.read_csv(csv, index_col=0, parse_dates=True)
warnings.simplefilter('ignore')
stats = Backtest(df, SmaCross, cash=100_000, commission=0.001).run()
json.dump({
    'stats': {k: clean(v) for k, v in stats.items() if not k.startswith('_')},
    'trades': [{k: clean(v) for k, v in r.items()} for r in stats['_trades'].to_dict('records')],
}, sys.stdout)
sys.stdout.write('\n')
