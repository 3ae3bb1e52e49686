"""Independent reference implementation of the statistics of @hindsight/metrics.

Written from docs/statistics.md, not from the TypeScript: plain lists, two-pass moments, exact
rationals for duration rounding, the `datetime` module for calendar buckets and `math.erfc` for the
normal CDF.  The backtesting.py profile is backtesting.py 0.6.6 (backtesting/_stats.py at commit
9c2b8e1c99f3a860883222ba8d6d5b5cac3a932d).

Its backtesting.py-profile values are not taken on trust: with `--btpy SRC` (that commit's
source, set up as tools/oracle/make_cases.py describes) every statistic backtesting.py itself
computes is recomputed by the real library's `compute_stats` on the same equity, closes and
trades, and the script refuses to write anything if the two disagree by more than 1e-9.

Regenerate the committed fixtures from the repository root with

    /usr/bin/python3 packages/metrics/reference/stats_reference.py --btpy "$BTPY" \
        > packages/metrics/reference/fixtures.json
    npx biome format --write packages/metrics/reference/fixtures.json

The generator is seeded, so an unchanged script reproduces the (biome-formatted) file byte for
byte; the TypeScript test packages/metrics/src/stats.reference.test.ts compares against it.
"""

import json
import math
import random
import statistics
import sys
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

DAY = 86_400_000
HOUR = 3_600_000
MINUTE = 60_000
SECOND = 1_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
RESOLUTIONS = [
    ('day', Fraction(DAY)),
    ('hour', Fraction(HOUR)),
    ('minute', Fraction(MINUTE)),
    ('second', Fraction(SECOND)),
    ('millisecond', Fraction(1)),
    ('microsecond', Fraction(1, 1000)),
]


def to_datetime(ms):
    return EPOCH + timedelta(milliseconds=ms)


def iso(ms):
    d = to_datetime(ms)
    return d.strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % (d.microsecond // 1000)


def mean(xs):
    return math.fsum(xs) / len(xs)


def sample_var(xs):
    m = mean(xs)
    return math.fsum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def sample_std(xs):
    return math.sqrt(sample_var(xs))


def clean(x):
    """None for anything undefined; -0.0 becomes 0.0 so JSON never carries a signed zero."""
    if x is None:
        return None
    if isinstance(x, (str, int)):
        return x
    if math.isnan(x) or math.isinf(x):
        return None
    return x + 0.0


# --- periods -------------------------------------------------------------------------------------

def median_spacing(time):
    tail = time[-100:]
    diffs = [b - a for a, b in zip(tail, tail[1:])]
    return statistics.median(diffs) if diffs else None


def periods(time):
    spacing = median_spacing(time)
    freq_days = None if spacing is None else math.floor(spacing / DAY)
    weekend = sum(1 for t in time if to_datetime(t).weekday() >= 5) / len(time)
    daily_a = 365 if weekend > 2 / 7 * 0.6 else 252
    by_freq = {7: (52, 'week'), 31: (12, 'month'), 365: (1, 'year')}
    a, basis = by_freq.get(freq_days, (daily_a, 'day'))
    unit_name, unit = 'day', Fraction(DAY)
    if spacing is not None:
        exact = Fraction(spacing)
        for name, u in RESOLUTIONS:
            if exact % u == 0:
                unit_name, unit = name, u
                break
    return a, basis, unit_name, unit


def ceil_days(duration_ms, unit):
    """Round a (rational) duration up to a whole number of `unit`, in days."""
    steps = math.ceil(Fraction(duration_ms) / unit)
    return float(steps * unit / DAY)


# --- resampling ----------------------------------------------------------------------------------

def bucket(ms, basis):
    d = to_datetime(ms)
    if basis == 'day':
        return d.date()
    if basis == 'week':  # pandas 'W' = weeks ending on Sunday, the whole Sunday included
        return d.date() + timedelta(days=6 - d.weekday())
    if basis == 'month':
        return (d.year, d.month)
    return d.year


def resample_last(time, values, basis):
    keys, out = [], []
    for t, v in zip(time, values):
        k = bucket(t, basis)
        if keys and keys[-1] == k:
            out[-1] = v
        else:
            keys.append(k)
            out.append(v)
    return out


def simple_returns(values):
    return [b / a - 1 for a, b in zip(values, values[1:])]


# --- drawdown ------------------------------------------------------------------------------------

def drawdown(equity):
    dd, peak = [], -math.inf
    for e in equity:
        peak = max(peak, e)
        dd.append(1 - e / peak)
    return dd


def drawdown_periods(time, dd):
    n = len(dd)
    marks = sorted(set([i for i, x in enumerate(dd) if x == 0] + [n - 1]))
    out = []
    for p, q in zip(marks, marks[1:]):
        if q > p + 1:
            out.append((time[q] - time[p], max(dd[p:q + 1])))
    return out


# --- normal CDF ----------------------------------------------------------------------------------

def normal_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2))


# --- the statistics ------------------------------------------------------------------------------

def geometric_mean_bpy(returns, count):
    """backtesting.py's geometric_mean: 0 once any 1 + r <= 0; divides by `count`."""
    if any(1 + r <= 0 for r in returns):
        return 0.0
    return math.exp(math.fsum(math.log(1 + r) for r in returns) / count) - 1


def geometric_mean_hindsight(returns):
    if any(1 + r < 0 for r in returns):
        return None
    if any(1 + r == 0 for r in returns):
        return -1.0
    return math.exp(mean([math.log(1 + r) for r in returns])) - 1


def compute(case, profile):
    time, equity, close = case['time'], case['equity'], case['close']
    trades, open_trades, warmup = case['trades'], case['openTrades'], case['warmup']
    bpy = profile == 'backtesting.py'
    n = len(time)
    a, basis, unit_name, unit = periods(time)
    s = {}

    s['start'] = iso(time[0])
    s['end'] = iso(time[-1])
    duration = time[-1] - time[0]
    s['durationDays'] = duration / DAY

    marked = [False] * n
    for t in trades:
        for i in range(t['entryBar'], t['exitBar'] + 1):
            marked[i] = True
    s['exposureTimePct'] = sum(marked) / n * 100
    s['equityFinal'] = equity[-1]
    s['equityPeak'] = max(equity)
    s['commissions'] = math.fsum(t['commission'] for t in trades)
    s['returnPct'] = (equity[-1] - equity[0]) / equity[0] * 100
    s['buyHoldReturnPct'] = (close[-1] - close[warmup]) / close[warmup] * 100

    # Period returns.
    r = simple_returns(resample_last(time, equity, basis))
    if not r:
        g = None
    elif bpy:
        # 0.6.6 drops pct_change's leading NaN: the mean is over the returns that exist.
        g = geometric_mean_bpy(r, len(r))
    else:
        g = geometric_mean_hindsight(r)
    ann = None if g is None else (1 + g) ** a - 1
    s['returnAnnPct'] = None if ann is None else ann * 100
    var = sample_var(r) if len(r) >= 2 else None
    if var is None:
        vol = None
    elif bpy:
        if g is None:
            vol = None
        else:
            radicand = (var + (1 + g) ** 2) ** a - (1 + g) ** (2 * a)
            vol = math.sqrt(radicand) * 100 if radicand >= 0 else None
    else:
        vol = math.sqrt(var) * math.sqrt(a) * 100
    s['volatilityAnnPct'] = vol

    if bpy:  # Timedelta's days and seconds, milliseconds dropped, over 365.25-day years
        years = (duration // DAY + ((duration % DAY) // 1000) / 86400) / 365.25
    else:
        years = duration / (365.25 * DAY)
    ratio = equity[-1] / equity[0]
    if years == 0 or ratio < 0:
        cagr = None
    else:
        cagr = (ratio ** (1 / years) - 1) * 100
    s['cagrPct'] = cagr

    downside = math.sqrt(mean([min(x, 0) ** 2 for x in r])) if r else None
    if bpy:
        s['sharpeRatio'] = s['returnAnnPct'] / vol if (vol and s['returnAnnPct'] is not None) else None
        s['sortinoRatio'] = (
            ann / (downside * math.sqrt(a)) if (downside and ann is not None) else None
        )
    else:
        sd = math.sqrt(var) if var is not None else None
        s['sharpeRatio'] = mean(r) / sd * math.sqrt(a) if sd else None
        s['sortinoRatio'] = mean(r) * math.sqrt(a) / downside if downside else None

    dd = drawdown(equity)
    max_dd = max(dd)
    if bpy:
        s['calmarRatio'] = ann / max_dd if (max_dd and ann is not None) else None
    else:
        s['calmarRatio'] = (cagr / 100) / max_dd if (max_dd and cagr is not None) else None

    le = [math.log(e1 / e0) for e0, e1 in zip(equity, equity[1:])]
    lm = [math.log(c1 / c0) for c0, c1 in zip(close, close[1:])]
    beta = None
    if len(le) >= 2:
        me, mm = mean(le), mean(lm)
        cov = math.fsum((x - me) * (y - mm) for x, y in zip(le, lm)) / (len(le) - 1)
        vm = math.fsum((y - mm) ** 2 for y in lm) / (len(lm) - 1)
        beta = cov / vm if vm > 0 else None
    s['alphaPct'] = None if beta is None else s['returnPct'] - beta * s['buyHoldReturnPct']
    s['beta'] = beta

    s['maxDrawdownPct'] = -max_dd * 100
    periods_ = drawdown_periods(time, dd)
    if periods_:
        s['avgDrawdownPct'] = -mean([depth for _, depth in periods_]) * 100
        durations = [d for d, _ in periods_]
        s['maxDrawdownDurationDays'] = ceil_days(max(durations), unit)
        s['avgDrawdownDurationDays'] = ceil_days(Fraction(sum(durations), len(durations)), unit)
    else:
        nonzero = [x for x in dd if x != 0]
        s['avgDrawdownPct'] = -mean(nonzero) * 100 if nonzero else None
        s['maxDrawdownDurationDays'] = None
        s['avgDrawdownDurationDays'] = None

    k = len(trades)
    pnl = [t['pnl'] for t in trades]
    ret = [t['returnPct'] for t in trades]
    wins = [p for p in pnl if p > 0]
    losses = [p for p in pnl if p < 0]
    s['trades'] = k
    win_rate = len(wins) / k if k else None
    s['winRatePct'] = None if win_rate is None else win_rate * 100
    s['bestTradePct'] = max(ret) * 100 if k else None
    s['worstTradePct'] = min(ret) * 100 if k else None
    if not k:
        s['avgTradePct'] = None
    elif bpy:
        s['avgTradePct'] = geometric_mean_bpy(ret, k) * 100
    else:
        gm = geometric_mean_hindsight(ret)
        s['avgTradePct'] = None if gm is None else gm * 100
    tdur = [t['exitTime'] - t['entryTime'] for t in trades]
    s['maxTradeDurationDays'] = ceil_days(max(tdur), unit) if k else None
    s['avgTradeDurationDays'] = ceil_days(Fraction(sum(tdur), k), unit) if k else None
    gross_win = math.fsum(x for x in ret if x > 0)
    gross_loss = abs(math.fsum(x for x in ret if x < 0))
    s['profitFactor'] = gross_win / gross_loss if gross_loss else None
    s['expectancyPct'] = mean(ret) * 100 if k else None
    sqn = None
    if k >= 2:
        sd = sample_std(pnl)
        sqn = math.sqrt(k) * mean(pnl) / sd if sd else None
    s['sqn'] = sqn
    if wins and losses:
        s['kellyCriterion'] = win_rate - (1 - win_rate) / (mean(wins) / -mean(losses))
    else:
        s['kellyCriterion'] = None

    # Extras: the same in both profiles.
    up = math.fsum(max(x, 0) for x in r)
    down = math.fsum(max(-x, 0) for x in r)
    s['omegaRatio'] = up / down if down else None
    if k:
        best_w = best_l = run_w = run_l = 0
        for p in pnl:
            run_w = run_w + 1 if p > 0 else 0
            run_l = run_l + 1 if p < 0 else 0
            best_w, best_l = max(best_w, run_w), max(best_l, run_l)
        s['maxConsecutiveWins'], s['maxConsecutiveLosses'] = best_w, best_l
    else:
        s['maxConsecutiveWins'] = s['maxConsecutiveLosses'] = None
    s['bestDayPct'] = max(r) * 100 if r else None
    s['worstDayPct'] = min(r) * 100 if r else None

    held = [close[max(i, warmup)] for i in range(n)]
    rb = simple_returns(resample_last(time, held, basis))
    active = [x - y for x, y in zip(r, rb)]
    if len(active) >= 2:
        te = sample_std(active)
        s['informationRatio'] = mean(active) / te * math.sqrt(a) if te else None
        s['trackingErrorPct'] = te * math.sqrt(a) * 100
    else:
        s['informationRatio'] = None
        s['trackingErrorPct'] = None

    psr = None
    if len(r) >= 2:
        m, sd = mean(r), sample_std(r)
        if sd > 0:
            sr = m / sd
            m2 = mean([(x - m) ** 2 for x in r])
            skew = mean([(x - m) ** 3 for x in r]) / m2 ** 1.5
            kurt = mean([(x - m) ** 4 for x in r]) / m2 ** 2
            radicand = 1 - skew * sr + (kurt - 1) / 4 * sr ** 2
            if radicand > 0:
                psr = normal_cdf(sr * math.sqrt(len(r) - 1) / math.sqrt(radicand))
    s['probabilisticSharpeRatio'] = psr

    notional = math.fsum(abs(t['size']) * (t['entryPrice'] + t['exitPrice']) for t in trades)
    notional += math.fsum(abs(t['size']) * t['entryPrice'] for t in open_trades)
    mean_equity = mean(equity)
    s['turnover'] = notional / mean_equity if mean_equity > 0 else None

    for side, sign in (('long', 1), ('short', -1)):
        mine = [t for t in trades if t['size'] * sign > 0]
        s[side + 'Trades'] = len(mine)
        s[side + 'WinRatePct'] = (
            sum(1 for t in mine if t['pnl'] > 0) / len(mine) * 100 if mine else None
        )
        s[side + 'Pnl'] = math.fsum(t['pnl'] for t in mine)
    s['openTrades'] = len(open_trades)

    out = {key: clean(value) for key, value in s.items()}
    out['conventions'] = {
        'profile': profile,
        'reproduces': 'backtesting.py@0.6.6' if bpy else None,
        'periodsPerYear': a,
        'returnBasis': basis,
        'riskFreeRate': 0,
        'ddof': 1,
        'annualisation': 'compounded' if bpy else 'sqrt-time',
        'durationUnit': unit_name,
    }
    return out


# --- fixture generation --------------------------------------------------------------------------

def ms(year, month, day, hour=0, minute=0):
    return int((datetime(year, month, day, hour, minute, tzinfo=timezone.utc) - EPOCH)
               / timedelta(milliseconds=1))


def weekdays(start, count):
    out, d = [], start
    while len(out) < count:
        if to_datetime(d).weekday() < 5:
            out.append(d)
        d += DAY
    return out


def month_ends(year, month, count):
    out = []
    for _ in range(count):
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append(ms(ny, nm, 1) - DAY)
        year, month = ny, nm
    return out


def walk(rng, n, start, sigma, drift=0.0003, flat_share=0.0):
    values, v = [], start
    for i in range(n):
        if i and rng.random() >= flat_share:
            v *= 1 + rng.gauss(drift, sigma)
        values.append(v)
    return values


def make_trade(time, close, entry, exit_, size, rng, commission=0.001):
    entry_price = close[entry] * (1 + rng.uniform(-0.005, 0.005))
    exit_price = close[exit_] * (1 + rng.uniform(-0.005, 0.005))
    fee = commission * abs(size) * (entry_price + exit_price)
    sign = 1 if size > 0 else -1
    return {
        'symbol': 'SYN',
        'size': size,
        'entryBar': entry,
        'exitBar': exit_,
        'entryTime': time[entry],
        'exitTime': time[exit_],
        'entryPrice': entry_price,
        'exitPrice': exit_price,
        'pnl': size * (exit_price - entry_price) - fee,
        'commission': fee,
        'returnPct': (exit_price / entry_price - 1) * sign - fee / abs(size * entry_price),
        'exitReason': 'signal',
    }


def random_trades(rng, time, close, count, warmup, short_share=0.3, max_len=40):
    n = len(time)
    trades = []
    for _ in range(count):
        entry = rng.randint(warmup + 1, n - 2)
        exit_ = min(n - 1, entry + rng.randint(0, max_len))
        size = rng.randint(1, 60) * (-1 if rng.random() < short_share else 1)
        trades.append(make_trade(time, close, entry, exit_, size, rng))
    trades.sort(key=lambda t: (t['exitBar'], t['entryBar']))
    return trades


def open_trade(rng, time, close, entry):
    t = make_trade(time, close, entry, len(time) - 1, rng.randint(1, 30), rng)
    t['exitReason'] = 'end_of_data'
    return t


def case(name, description, time, equity, close, trades, warmup, open_trades=()):
    return {
        'name': name,
        'description': description,
        'input': {
            'time': time,
            'equity': equity,
            'close': close,
            'trades': trades,
            'openTrades': list(open_trades),
            'warmup': warmup,
        },
    }


def generate():
    rng = random.Random(20240601)
    cases = []

    t = weekdays(ms(2016, 1, 4), 520)
    c = walk(rng, len(t), 100.0, 0.015)
    cases.append(case('daily-weekday', 'one bar per weekday: A = 252, daily basis',
                      t, walk(rng, len(t), 100_000.0, 0.012, flat_share=0.2), c,
                      random_trades(rng, t, c, 25, 29), 29, [open_trade(rng, t, c, 500)]))

    t = [ms(2021, 3, 1) + i * DAY for i in range(400)]
    c = walk(rng, len(t), 30_000.0, 0.03, drift=0.001)
    cases.append(case('daily-crypto', 'every calendar day: weekends push A to 365',
                      t, walk(rng, len(t), 10_000.0, 0.02), c,
                      random_trades(rng, t, c, 20, 10), 10))

    t = [d + h * HOUR for d in weekdays(ms(2019, 6, 3), 70) for h in range(9, 17)]
    c = walk(rng, len(t), 1.1, 0.002, drift=0.0)
    cases.append(case('hourly-intraday', 'eight hourly bars per weekday: daily resampling, '
                      'durations rounded to hours', t,
                      walk(rng, len(t), 50_000.0, 0.003, drift=0.0001, flat_share=0.3), c,
                      random_trades(rng, t, c, 30, 14, max_len=30), 14,
                      [open_trade(rng, t, c, 540), open_trade(rng, t, c, 550)]))

    t = [ms(2022, 1, 1) + i * 15 * MINUTE for i in range(960)]
    c = walk(rng, len(t), 40_000.0, 0.004, drift=0.0)
    cases.append(case('minute15-crypto', '15-minute bars around the clock for ten days '
                      '(two weekends): A = 365, durations rounded to minutes', t,
                      walk(rng, len(t), 20_000.0, 0.003, drift=0.0), c,
                      random_trades(rng, t, c, 15, 5, max_len=50), 5))

    t = [ms(2010, 1, 8) + i * 7 * DAY for i in range(200)]
    c = walk(rng, len(t), 50.0, 0.04, drift=0.002)
    cases.append(case('weekly', 'Friday bars: A = 52, weekly (W-SUN) resampling', t,
                      walk(rng, len(t), 100_000.0, 0.03, drift=0.002), c,
                      random_trades(rng, t, c, 12, 20, max_len=10), 20))

    t = month_ends(2012, 1, 120)
    c = walk(rng, len(t), 5.0, 0.2, drift=0.05)
    cases.append(case('monthly', 'month-end bars: median spacing 31 days, A = 12', t,
                      walk(rng, len(t), 10_000.0, 0.1, drift=0.02), c,
                      random_trades(rng, t, c, 10, 12, max_len=6), 12))

    t = month_ends(2020, 1, 5)
    cases.append(case('monthly-short', 'five month-ends: median spacing 30.5 days is not '
                      'monthly, so daily rules with hour rounding apply', t,
                      [1000.0, 1100.0, 990.0, 1050.0, 1200.0], [10.0, 11.0, 9.0, 10.5, 12.0],
                      [make_trade(t, [10.0, 11.0, 9.0, 10.5, 12.0], 1, 3, 5, rng)], 0))

    t = [ms(2000 + i, 12, 31) for i in range(15)]
    c = walk(rng, len(t), 100.0, 0.2, drift=0.05)
    cases.append(case('yearly', 'year-end bars: median spacing 365 days, A = 1', t,
                      walk(rng, len(t), 1_000_000.0, 0.15, drift=0.05), c,
                      random_trades(rng, t, c, 4, 2, max_len=4), 2))

    t = weekdays(ms(2018, 1, 1), 300)
    t = [x for x in t if rng.random() > 0.08]
    c = walk(rng, len(t), 200.0, 0.02)
    cases.append(case('daily-gappy', 'weekdays with random holidays removed', t,
                      walk(rng, len(t), 25_000.0, 0.01, flat_share=0.5), c,
                      random_trades(rng, t, c, 18, 49, short_share=0.5), 49))

    t = [ms(2023, 5, 2, 9) + i * HOUR for i in range(8)]
    c = [1.0, 1.01, 1.02, 1.0, 0.99, 1.03, 1.05, 1.04]
    cases.append(case('single-day-intraday', 'all bars on one day: no daily return at all', t,
                      [100.0, 101.0, 100.5, 102.0, 101.0, 103.0, 104.0, 103.5], c,
                      [make_trade(t, c, 1, 4, 10, rng)], 0))

    t = weekdays(ms(2020, 1, 6), 1)
    cases.append(case('one-bar', 'a single bar', t, [10_000.0], [50.0], [], 0))

    t = weekdays(ms(2020, 1, 6), 30)
    c = walk(rng, len(t), 50.0, 0.01)
    cases.append(case('flat-no-trades', 'equity never moves and nothing trades', t,
                      [10_000.0] * len(t), c, [], 0))

    t = weekdays(ms(2020, 1, 6), 40)
    c = [50.0 + i for i in range(len(t))]
    trades = [make_trade(t, c, e, x, 10, rng, commission=0.0) for e, x in
              ((2, 6), (8, 12), (15, 20), (25, 31))]
    cases.append(case('all-winners', 'rising closes, long trades only: no loss at all', t,
                      [10_000.0 + 7 * i for i in range(len(t))], c, trades, 1))

    t = weekdays(ms(2020, 1, 6), 6)
    cases.append(case('new-high-last-bar', 'a drawdown recovered exactly on the last bar', t,
                      [100.0, 110.0, 99.0, 104.5, 108.0, 112.0], [1.0, 1.1, 1.0, 1.05, 1.1, 1.2],
                      [make_trade(t, [1.0, 1.1, 1.0, 1.05, 1.1, 1.2], 1, 5, 100, rng)], 0))

    t = weekdays(ms(2020, 1, 6), 7)
    cases.append(case('open-drawdown-at-end', 'the last drawdown never recovers', t,
                      [100.0, 120.0, 90.0, 125.0, 110.0, 100.0, 105.0],
                      [2.0, 2.2, 1.9, 2.4, 2.1, 2.0, 2.05],
                      [make_trade(t, [2.0, 2.2, 1.9, 2.4, 2.1, 2.0, 2.05], 3, 5, -20, rng)], 0))

    t = weekdays(ms(2020, 1, 6), 4)
    cases.append(case('last-bar-dip', 'a drawdown that starts on the last bar: no period',
                      t, [100.0, 101.0, 102.0, 99.0], [1.0, 1.01, 1.02, 0.99], [], 0))

    t = weekdays(ms(2020, 1, 6), 12)
    c = walk(rng, len(t), 20.0, 0.02)
    cases.append(case('one-trade', 'a single losing short trade', t,
                      walk(rng, len(t), 5_000.0, 0.01), c,
                      [make_trade(t, c, 3, 8, -40, rng)], 2))

    for entry in cases:
        entry['expected'] = {p: compute(entry['input'], p) for p in ('backtesting.py', 'hindsight')}
    return {
        'generator': 'packages/metrics/reference/stats_reference.py',
        'seed': 20240601,
        'tolerance': 'relative 1e-9 per numeric key; null must match null',
        'cases': cases,
    }


# --- the real backtesting.py, as a check ---------------------------------------------------------

def library_stats(src, case):
    """backtesting.py's compute_stats on a case's inputs, under our keys (durations in days)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / 'tools' / 'oracle'))
    from btpy import STAT_KEYS, import_backtesting
    import_backtesting(src)
    import numpy as np
    import pandas as pd
    from backtesting import _stats, _util

    index = pd.DatetimeIndex([to_datetime(t).replace(tzinfo=None) for t in case['time']])
    n = len(index)
    trades = pd.DataFrame({
        'EntryBar': [t['entryBar'] for t in case['trades']],
        'ExitBar': [t['exitBar'] for t in case['trades']],
        'PnL': [float(t['pnl']) for t in case['trades']],
        'ReturnPct': [float(t['returnPct']) for t in case['trades']],
        'Duration': [pd.Timedelta(milliseconds=t['exitTime'] - t['entryTime'])
                     for t in case['trades']],
    })
    # compute_stats reads the warm-up off the strategy's indicators: one that is NaN before it.
    warm = np.ones(n)
    warm[:case['warmup']] = np.nan
    indicator = _util._Indicator(warm, name='warmup')
    indicator._opts = {'scatter': False}
    strategy = type('Warmup', (), {})()
    strategy.warmup = indicator
    with np.errstate(all='ignore'):
        stats = _stats.compute_stats(trades, np.array(case['equity'], dtype=float),
                                     pd.DataFrame({'Close': case['close']}, index=index), strategy)
    out = {}
    for name, key in STAT_KEYS.items():
        if key in ('start', 'end', 'commissions'):  # not computed here from trades given as a table
            continue
        value = stats[name]
        if isinstance(value, pd.Timedelta):
            value = value.total_seconds() / 86400
        out[key] = clean(None if value is None or pd.isna(value) else float(value))
    return out


# Where Hindsight knowingly differs (docs/statistics.md, "Deviations"): with no drawdown period
# but a dip on the very last bar, backtesting.py's compute_drawdown_duration_peaks returns the
# drawdown *depths* in place of durations, and reports a fraction (not a Timedelta) as the max and
# mean drawdown duration; Hindsight reports null, as for any curve without a drawdown period.
DEVIATIONS = {('last-bar-dip', 'maxDrawdownDurationDays'), ('last-bar-dip', 'avgDrawdownDurationDays')}


def check_against_library(src, cases):
    problems = []
    for entry in cases:
        ours = entry['expected']['backtesting.py']
        for key, theirs in library_stats(src, entry['input']).items():
            if (entry['name'], key) in DEVIATIONS:
                continue
            mine = ours[key]
            same = (mine is None and theirs is None) or (
                mine is not None and theirs is not None
                and abs(mine - theirs) <= 1e-9 * max(abs(mine), abs(theirs), 1e-300))
            if not same:
                problems.append(f"{entry['name']} {key}: reference {mine}, backtesting.py {theirs}")
    if problems:
        sys.exit('the reference disagrees with backtesting.py:\n' + '\n'.join(problems))
    print(f'{len(cases)} cases: every backtesting.py statistic agrees with the library',
          file=sys.stderr)


if __name__ == '__main__':
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('--btpy', help='backtesting.py 0.6.6 source, to check the profile against')
    args = ap.parse_args()
    fixtures = generate()
    if args.btpy:
        check_against_library(args.btpy, fixtures['cases'])
    json.dump(fixtures, sys.stdout, indent=2)
    sys.stdout.write('\n')
