"""Independent reference for Hindsight's `backtesting.py` conventions profile.

A second, pure-Python reading of backtesting.py 0.6.6 (kernc/backtesting.py) with
`spread=0, margin=1, trade_on_close=False, hedging=False, exclusive_orders=True`: the bar loop
and broker of `backtesting/backtesting.py` (Backtest.run, _Broker), the four Hindsight strategies
as ../shared/BACKTESTING_PY_COMPAT.md defines them, and the statistics of
`backtesting/_stats.py`.  It was written from the compat doc and backtesting.py's source, never
from Hindsight's TypeScript, so that agreement between the two means something.

The statistics come from packages/metrics/reference/stats_reference.py (a colleague's independent
reference, profile 'backtesting.py'); this file simulates and feeds it.  Before writing anything
it reproduces backtesting.py's own published GOOG values (backtesting/test/_test.py,
TestBacktest.test_compute_stats) and refuses to continue if it cannot.

Standard library only.  From the repository root:

    python3 tools/reference/bt_reference.py > tools/reference/cases.json   # regenerate the cases
    python3 tools/reference/bt_reference.py --check                         # published values only

The market data is read from ../shared/data/ (relative to the repository root), never copied.
"""

import importlib.util
import json
import math
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO.parent / 'shared' / 'data'
DATA_ARG = '../shared/data/'

# backtesting.py sizes a default buy()/sell() as the fraction `1 - sys.float_info.epsilon` of the
# available margin (Strategy._FULL_EQUITY), so a whole-equity order never rounds past the cash.
FULL_EQUITY = 1 - sys.float_info.epsilon


def _load_stats_reference():
    path = REPO / 'packages' / 'metrics' / 'reference' / 'stats_reference.py'
    spec = importlib.util.spec_from_file_location('stats_reference', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stats_reference = _load_stats_reference()


# --- data ----------------------------------------------------------------------------------------

def to_ms(text):
    """A naive CSV timestamp, read as UTC the way pandas reads it (no zone, no shift)."""
    fmt = '%Y-%m-%d %H:%M:%S' if ' ' in text else '%Y-%m-%d'
    d = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
    return int(d.timestamp()) * 1000


def load_csv(name):
    rows = (DATA_DIR / name).read_text().strip().splitlines()
    header = rows[0].split(',')
    if header[1:5] != ['Open', 'High', 'Low', 'Close']:
        raise ValueError(f'{name}: unexpected header {header}')
    bars = {'time': [], 'open': [], 'high': [], 'low': [], 'close': []}
    for row in rows[1:]:
        cells = row.split(',')
        bars['time'].append(to_ms(cells[0]))
        for key, cell in zip(('open', 'high', 'low', 'close'), cells[1:5]):
            bars[key].append(float(cell))
    return bars


# --- indicators ----------------------------------------------------------------------------------

NAN = float('nan')


def sma(close, n):
    return [NAN if t < n - 1 else math.fsum(close[t - n + 1:t + 1]) / n for t in range(len(close))]


def wilder_rsi(close, n):
    out = [NAN] * len(close)
    if len(close) <= n:
        return out
    gains = [0.0] + [max(close[t] - close[t - 1], 0.0) for t in range(1, len(close))]
    losses = [0.0] + [max(close[t - 1] - close[t], 0.0) for t in range(1, len(close))]
    avg_gain = sum(gains[1:n + 1]) / n
    avg_loss = sum(losses[1:n + 1]) / n
    for t in range(n, len(close)):
        if t > n:
            avg_gain = ((n - 1) * avg_gain + gains[t]) / n
            avg_loss = ((n - 1) * avg_loss + losses[t]) / n
        if avg_loss == 0:
            out[t] = 50.0 if avg_gain == 0 else 100.0
        else:
            out[t] = 100 - 100 / (1 + avg_gain / avg_loss)
    return out


def first_valid(values):
    """backtesting.py's warm-up of one indicator: the index of its first non-NaN value."""
    for i, v in enumerate(values):
        if not math.isnan(v):
            return i
    return 0  # np.isnan(...).argmin() of an all-NaN array


def crossover(a, b, i):
    """backtesting.lib.crossover at bar i: strict on both bars; NaN compares false."""
    return i >= 1 and a[i - 1] < b[i - 1] and a[i] > b[i]


# --- broker: backtesting.py's _Broker for market orders, spread 0, margin 1 ----------------------

class Trade:
    def __init__(self, size, entry_price, entry_bar):
        self.size = size
        self.entry_price = entry_price
        self.entry_bar = entry_bar
        self.exit_price = None
        self.exit_bar = None
        # Both fees land here only when the trade closes (entry fee recomputed then), as in
        # _Broker._close_trade; an open trade's P&L carries no fee.
        self.commissions = 0.0

    def pl(self, last_price):
        price = self.exit_price if self.exit_price is not None else last_price
        return self.size * (price - self.entry_price) - self.commissions

    def pl_pct(self):
        gross = math.copysign(1, self.size) * (self.exit_price / self.entry_price - 1)
        return gross - self.commissions / (abs(self.size) * self.entry_price)


class Order:
    def __init__(self, size, parent=None):
        self.size = size
        self.parent = parent  # set for Trade.close() orders, which are never contingent


class Broker:
    def __init__(self, bars, cash, commission):
        self.bars = bars
        self.cash = cash
        self.commission_rate = commission
        self.orders = []
        self.trades = []
        self.closed = []
        self.equity = [NAN] * len(bars['time'])
        self.i = 0

    def fee(self, size, price):
        return abs(size) * price * self.commission_rate

    def last_price(self):
        return self.bars['close'][self.i]

    def current_equity(self):
        # Python's sum starts from int 0, exactly like the source's generator sum.
        return self.cash + sum(t.pl(self.last_price()) for t in self.trades)

    def margin_available(self):
        used = sum(abs(t.size) * self.last_price() for t in self.trades)
        return max(0, self.current_equity() - used)

    # Strategy-facing API
    @property
    def position(self):
        return sum(t.size for t in self.trades)

    def close_trade_order(self, trade):
        size = math.copysign(max(1, int(round(abs(trade.size)))), -trade.size)
        self.orders.insert(0, Order(size, parent=trade))

    def close_position(self):
        for trade in self.trades:
            self.close_trade_order(trade)

    def new_order(self, size):
        # exclusive_orders=True: cancel pending non-contingent orders (none here is contingent),
        # then close every trade.  The source cancels while iterating over the same list, which
        # skips every second order; kept, though no case here ever has two pending.
        k = 0
        while k < len(self.orders):
            self.orders.remove(self.orders[k])
            k += 1
        for trade in self.trades:
            self.close_trade_order(trade)
        self.orders.append(Order(size))

    def buy(self):
        self.new_order(FULL_EQUITY)

    def sell(self):
        self.new_order(-FULL_EQUITY)

    # Bar processing
    def next(self, i):
        self.i = i
        self.process_orders()
        self.equity[i] = self.current_equity()
        if self.equity[i] <= 0:
            raise RuntimeError(f'bar {i}: out of money - not modelled by this reference')

    def process_orders(self):
        price = self.bars['open'][self.i]
        for order in list(self.orders):
            if order not in self.orders:
                continue
            if order.parent is not None:
                trade = order.parent
                if trade in self.trades:
                    if abs(order.size) != abs(trade.size):
                        raise RuntimeError('partial closes are not modelled by this reference')
                    self.close_trade(trade, price)
                self.orders.remove(order)
                continue

            size = order.size
            price_plus_fee = price + self.fee(order.size, price) / abs(order.size)
            if -1 < size < 1:
                units = int((self.margin_available() * 1.0 * abs(size)) // price_plus_fee)
                size = math.copysign(units, size)
                if not units:
                    self.orders.remove(order)  # "insufficient margin": the order is dropped
                    continue
            need = int(size)
            for trade in list(self.trades):
                if (trade.size > 0) == (need > 0):
                    continue
                if abs(need) < abs(trade.size):
                    raise RuntimeError('partial reductions are not modelled by this reference')
                self.close_trade(trade, price)
                need += trade.size
                if not need:
                    break
            if abs(need) * price_plus_fee > self.margin_available():
                self.orders.remove(order)
                continue
            if need:
                self.trades.append(Trade(need, price, self.i))
                self.cash -= self.fee(need, price)
            self.orders.remove(order)

    def close_trade(self, trade, price):
        self.trades.remove(trade)
        trade.exit_price = price
        trade.exit_bar = self.i
        self.closed.append(trade)
        exit_fee = self.fee(trade.size, price)
        self.cash += trade.pl(price) - exit_fee
        trade.commissions = exit_fee + self.fee(trade.size, trade.entry_price)


# --- strategies ----------------------------------------------------------------------------------

class SmaCrossover:
    def __init__(self, close, fast, slow, allow_short=False):
        self.fast = sma(close, fast)
        self.slow = sma(close, slow)
        self.allow_short = allow_short
        self.warmup = max(first_valid(self.fast), first_valid(self.slow))

    def next(self, i, broker):
        up = crossover(self.fast, self.slow, i)
        down = crossover(self.slow, self.fast, i)
        if self.allow_short:
            # backtesting.py's test SmaCross: close whatever is held, then reverse.
            if up:
                broker.close_position()
                broker.buy()
            elif down:
                broker.close_position()
                broker.sell()
        elif broker.position == 0 and up:
            broker.buy()
        elif broker.position > 0 and down:
            broker.close_position()


class RsiMeanReversion:
    def __init__(self, close, period, lower, upper):
        self.rsi = wilder_rsi(close, period)
        self.lower = lower
        self.upper = upper
        self.warmup = first_valid(self.rsi)

    def next(self, i, broker):
        value = self.rsi[i]
        if broker.position == 0 and value < self.lower:
            broker.buy()
        elif broker.position > 0 and value > self.upper:
            broker.close_position()


class BuyAndHold:
    warmup = 0

    def next(self, i, broker):
        if broker.position == 0 and not broker.orders:
            broker.buy()


def make_strategy(name, params, close):
    if name == 'sma_crossover':
        return SmaCrossover(close, params['fast'], params['slow'], params.get('allowShort', False))
    if name == 'rsi_mean_reversion':
        return RsiMeanReversion(close, params['period'], params['lower'], params['upper'])
    if name == 'buy_and_hold':
        return BuyAndHold()
    raise ValueError(f'unknown strategy {name}')


# --- Backtest.run --------------------------------------------------------------------------------

def run(bars, strategy, cash, commission, finalize):
    n = len(bars['time'])
    broker = Broker(bars, cash, commission)
    start = 1 + strategy.warmup
    for i in range(start, n):
        broker.next(i)
        strategy.next(i, broker)
    if finalize:
        # Close orders go to the front of the queue, so they fill before anything the strategy
        # queued on the last bar; then the broker runs once more on the last bar's prices.
        for trade in reversed(broker.trades):
            broker.close_trade_order(trade)
        if start < n:
            broker.next(n - 1)
    # Equity before the first call is back-filled from the first recorded value.
    equity = list(broker.equity)
    later = None
    for i in range(n - 1, -1, -1):
        if math.isnan(equity[i]):
            equity[i] = later if later is not None else broker.cash
        else:
            later = equity[i]
    return broker, equity


def trade_record(trade, time):
    return {
        'entryBar': trade.entry_bar,
        'exitBar': trade.exit_bar,
        'entryTime': time[trade.entry_bar],
        'exitTime': time[trade.exit_bar],
        'entryPrice': trade.entry_price,
        'exitPrice': trade.exit_price,
        'size': trade.size,
        'pnl': trade.pl(trade.exit_price),
        'commission': trade.commissions,
        'returnPct': trade.pl_pct(),
    }


# The statistics BACKTESTING_PY_COMPAT.md names, in its order: the keys the profile must match.
STAT_KEYS = [
    'start', 'end', 'durationDays', 'exposureTimePct', 'equityFinal', 'equityPeak', 'commissions',
    'returnPct', 'buyHoldReturnPct', 'returnAnnPct', 'volatilityAnnPct', 'cagrPct', 'sharpeRatio',
    'sortinoRatio', 'calmarRatio', 'alphaPct', 'beta', 'maxDrawdownPct', 'avgDrawdownPct',
    'maxDrawdownDurationDays', 'avgDrawdownDurationDays', 'trades', 'winRatePct', 'bestTradePct',
    'worstTradePct', 'avgTradePct', 'maxTradeDurationDays', 'avgTradeDurationDays',
    'profitFactor', 'expectancyPct', 'sqn', 'kellyCriterion',
]


def backtest(data, strategy_name, params, cash, commission, finalize):
    bars = load_csv(data)
    strategy = make_strategy(strategy_name, params, bars['close'])
    broker, equity = run(bars, strategy, cash, commission, finalize)
    trades = [trade_record(t, bars['time']) for t in broker.closed]
    # Stats follow backtesting.py's source where the compat doc differs: CAGR's years are
    # calendar days / periods-a-year (252 for weekday-daily), not days / 365.25 - that is what
    # reproduces the published GOOG value CAGR 14.159843619607383 (see stats_reference.py).
    stats = stats_reference.compute({
        'time': bars['time'],
        'equity': equity,
        'close': bars['close'],
        'trades': trades,
        'openTrades': [],
        'warmup': strategy.warmup,
    }, 'backtesting.py')
    return {
        'bars': bars,
        'warmup': strategy.warmup,
        'equity': equity,
        'trades': trades,
        'open': broker.trades,
        'stats': {key: stats[key] for key in STAT_KEYS},
        'periodsPerYear': stats['conventions']['periodsPerYear'],
    }


# --- the published check -------------------------------------------------------------------------

# kernc/backtesting.py backtesting/test/_test.py, TestBacktest.test_compute_stats (0.6.x): GOOG,
# SmaCross(10, 30) close-and-reverse, cash 10_000, commission 0, finalize_trades=True.  Durations
# there are Timedeltas; here in days.
PUBLISHED = {
    'trades': 66,
    'avgDrawdownDurationDays': 41,
    'avgDrawdownPct': -5.925851581948801,
    'avgTradeDurationDays': 46,
    'avgTradePct': 2.531715975158555,
    'bestTradePct': 53.59595229490424,
    'buyHoldReturnPct': 522.0601851851852,
    'calmarRatio': 0.4414380935608377,
    'durationDays': 3116,
    'equityFinal': 51422.98999999996,
    'equityPeak': 75787.44,
    'expectancyPct': 3.2748078066748834,
    'exposureTimePct': 96.74115456238361,
    'maxDrawdownDurationDays': 584,
    'maxDrawdownPct': -47.98012705007589,
    'maxTradeDurationDays': 183,
    'profitFactor': 2.167945974262033,
    'returnAnnPct': 21.180255813792282,
    'returnPct': 414.2298999999996,
    'volatilityAnnPct': 36.49390889140787,
    'cagrPct': 14.159843619607383,
    'sqn': 1.0766187356697705,
    'kellyCriterion': 0.1518705127029717,
    'sharpeRatio': 0.5803778344714113,
    'sortinoRatio': 1.0847880675854096,
    'winRatePct': 46.96969696969697,
    'worstTradePct': -18.39887353835481,
    'alphaPct': 394.37391142027462,
    'beta': 0.03803390709192,
}


def relative_error(actual, expected):
    if expected == 0:
        return abs(actual)
    return abs(actual - expected) / abs(expected)


def check_published():
    result = backtest('GOOG.csv', 'sma_crossover', {'fast': 10, 'slow': 30, 'allowShort': True},
                      10_000, 0.0, True)
    failures = []
    for key, expected in PUBLISHED.items():
        actual = result['stats'][key]
        if actual is None or relative_error(actual, expected) > 1e-9:
            failures.append(f'{key}: reference {actual!r}, backtesting.py {expected!r}')
    return failures


# --- the cases -----------------------------------------------------------------------------------

CASES = [
    {
        'name': 'goog-sma-10-30-long-c0.002',
        'description': 'GOOG daily, sma_crossover 10/30 long only, commission 0.002, an open '
                       'trade left at the end (finalize_trades=False)',
        'data': 'GOOG.csv', 'strategy': 'sma_crossover', 'params': {'fast': 10, 'slow': 30},
        'cash': 10_000, 'commission': 0.002, 'finalize': False,
    },
    {
        'name': 'goog-sma-10-30-long-c0.002-finalize',
        'description': 'the same with finalize_trades=True: the open trade closes at the last '
                       "bar's Open",
        'data': 'GOOG.csv', 'strategy': 'sma_crossover', 'params': {'fast': 10, 'slow': 30},
        'cash': 10_000, 'commission': 0.002, 'finalize': True,
    },
    {
        'name': 'goog-rsi-14-30-70-c0.001',
        'description': 'GOOG daily, rsi_mean_reversion (Wilder RSI 14, 30/70), commission 0.001',
        'data': 'GOOG.csv', 'strategy': 'rsi_mean_reversion',
        'params': {'period': 14, 'lower': 30, 'upper': 70},
        'cash': 10_000, 'commission': 0.001, 'finalize': False,
    },
    {
        'name': 'goog-buy-and-hold',
        'description': 'GOOG daily, buy_and_hold, cash 10000, no commission: no closed trade',
        'data': 'GOOG.csv', 'strategy': 'buy_and_hold', 'params': {},
        'cash': 10_000, 'commission': 0.0, 'finalize': False,
    },
    {
        'name': 'eurusd-sma-10-30-c0.0002',
        'description': 'EURUSD hourly (several bars a day): daily resampling, durations rounded '
                       'to hours, sma_crossover 10/30 long only, commission 0.0002',
        'data': 'EURUSD.csv', 'strategy': 'sma_crossover', 'params': {'fast': 10, 'slow': 30},
        'cash': 10_000, 'commission': 0.0002, 'finalize': False,
    },
    {
        'name': 'btcusd-buy-and-hold',
        'description': 'BTCUSD monthly (12 periods a year, month-end resampling), buy_and_hold',
        'data': 'BTCUSD.csv', 'strategy': 'buy_and_hold', 'params': {},
        'cash': 10_000, 'commission': 0.0, 'finalize': False,
    },
    {
        'name': 'btcusd-sma-3-6',
        'description': 'BTCUSD monthly, sma_crossover 3/6 long only',
        'data': 'BTCUSD.csv', 'strategy': 'sma_crossover', 'params': {'fast': 3, 'slow': 6},
        'cash': 10_000, 'commission': 0.0, 'finalize': False,
    },
    # Beyond the brief's list: the published setup through the CLI, and the bar loop's edges.
    {
        'name': 'goog-sma-10-30-reverse-finalize',
        'description': "backtesting.py's own test_compute_stats setup (close-and-reverse, cash "
                       '10000, commission 0, finalize_trades=True) through the CLI',
        'data': 'GOOG.csv', 'strategy': 'sma_crossover',
        'params': {'fast': 10, 'slow': 30, 'allowShort': True},
        'cash': 10_000, 'commission': 0.0, 'finalize': True,
    },
    {
        'name': 'goog-sma-4-10-c0.001',
        'description': 'a buy queued on the last bar (fast crosses up at bar 2147 while flat): '
                       'it never fills',
        'data': 'GOOG.csv', 'strategy': 'sma_crossover', 'params': {'fast': 4, 'slow': 10},
        'cash': 10_000, 'commission': 0.001, 'finalize': False,
    },
    {
        'name': 'goog-sma-4-10-c0.001-finalize',
        'description': 'the same with finalize_trades=True: the finalizing close orders go to the '
                       "front of the queue (none to close here), then the last bar's buy fills "
                       'at its Open and stays OPEN (entry fee paid, not a closed trade)',
        'data': 'GOOG.csv', 'strategy': 'sma_crossover', 'params': {'fast': 4, 'slow': 10},
        'cash': 10_000, 'commission': 0.001, 'finalize': True,
    },
    {
        'name': 'goog-sma-5-7-c0.001',
        'description': 'a close queued on the last bar (entered at bar 2147, fast crosses down '
                       'at 2147): it never fills, the trade stays open',
        'data': 'GOOG.csv', 'strategy': 'sma_crossover', 'params': {'fast': 5, 'slow': 7},
        'cash': 10_000, 'commission': 0.001, 'finalize': False,
    },
    {
        'name': 'goog-sma-5-7-c0.001-finalize',
        'description': 'the same with finalize_trades=True: a trade entered and exited on the '
                       "last bar's Open (zero duration, loses both fees)",
        'data': 'GOOG.csv', 'strategy': 'sma_crossover', 'params': {'fast': 5, 'slow': 7},
        'cash': 10_000, 'commission': 0.001, 'finalize': True,
    },
    {
        'name': 'goog-buy-and-hold-cash-105',
        'description': 'cash 105 buys zero units at the Opens of bars 2 (110.75) and 3 (111.24): '
                       'both orders are dropped, the third fills at bar 4 (104.96)',
        'data': 'GOOG.csv', 'strategy': 'buy_and_hold', 'params': {},
        'cash': 105, 'commission': 0.0, 'finalize': False,
    },
    {
        'name': 'goog-buy-and-hold-cash-9967.5',
        'description': 'cash 9967.5 = 90 x Open[2] exactly: the 1 - 2.2e-16 sizing margin '
                       'buys 89 units, not 90',
        'data': 'GOOG.csv', 'strategy': 'buy_and_hold', 'params': {},
        'cash': 9967.5, 'commission': 0.0, 'finalize': False,
    },
]


def cli_args(case):
    args = ['--data', DATA_ARG + case['data'], '--strategy', case['strategy']]
    for key, value in case['params'].items():
        args += ['--param', f'{key}={json.dumps(value)}']
    args += ['--cash', str(case['cash']), '--commission', repr(case['commission'])]
    if case['finalize']:
        args.append('--finalize-trades')
    return args + ['--conventions', 'backtesting.py', '--json']


def equity_checkpoints(result):
    """Bars where the curve's bookkeeping changes, plus a regular sample: enough to pin it."""
    n = len(result['equity'])
    bars = {0, result['warmup'], result['warmup'] + 1, n - 2, n - 1}
    bars.update(range(0, n, 250))
    for t in result['trades']:
        bars.update((t['entryBar'], t['exitBar']))
    for t in result['open']:
        bars.add(t.entry_bar)
    return [{'bar': i, 'equity': result['equity'][i]} for i in sorted(b for b in bars if 0 <= b < n)]


def expected_case(case):
    result = backtest(case['data'], case['strategy'], case['params'], case['cash'],
                      case['commission'], case['finalize'])
    trades = [{k: v for k, v in t.items() if k not in ('entryTime', 'exitTime')}
              for t in result['trades']]
    return {
        'name': case['name'],
        'description': case['description'],
        'args': cli_args(case),
        'bars': len(result['bars']['time']),
        'warmup': result['warmup'],
        'periodsPerYear': result['periodsPerYear'],
        'stats': result['stats'],
        'trades': trades,
        'openTrades': [
            {'entryBar': t.entry_bar, 'entryPrice': t.entry_price, 'size': t.size}
            for t in result['open']
        ],
        'equity': equity_checkpoints(result),
    }


def main(argv):
    failures = check_published()
    if failures:
        sys.stderr.write('reference does not reproduce backtesting.py\'s published values:\n')
        sys.stderr.write(''.join(f'  {line}\n' for line in failures))
        return 1
    if argv[1:] == ['--check']:
        sys.stderr.write(f'all {len(PUBLISHED)} published GOOG values reproduced within 1e-9\n')
        return 0
    if argv[1:]:
        sys.stderr.write(__doc__)
        return 2
    document = {
        'generator': 'tools/reference/bt_reference.py',
        'statistics': 'packages/metrics/reference/stats_reference.py, profile backtesting.py',
        'tolerance': 'relative 1e-9 per number; counts, bars and strings exact; null == null',
        'cases': [expected_case(case) for case in CASES],
    }
    # Written the way biome formats JSON (2-space indent, exponents without '+' or leading
    # zeros), so `biome check` accepts the file exactly as generated.
    text = json.dumps(document, indent=2)
    sys.stdout.write(re.sub(r'(?<=\d)e\+?(-?)0*(\d)', r'e\1\2', text) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
