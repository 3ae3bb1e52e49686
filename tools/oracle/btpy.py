"""Imports the real backtesting.py 0.6.6 from a source folder on this machine's Debian Python, for
the development tools that check Hindsight against it (make_cases.py, and
packages/metrics/reference/stats_reference.py). Two things stand between the library and Debian's
packages, and both are bridged without changing what the library computes:
- bokeh, which backtesting.py imports only to plot, is not packaged: a stand-in module is
  installed when it is missing (as shared/tools/btpy_oracle.py does);
- 0.6.6 resamples monthly and yearly equity with 'ME' and 'YE', the names pandas 2.2 gave to its
  month-end and year-end offsets; Debian's pandas (1.5) knows the same offsets as 'M' and 'A'.
"""
import sys
import types


# backtesting.py's statistic names -> Hindsight's keys (docs/statistics.md).
STAT_KEYS = {
    'Start': 'start', 'End': 'end', 'Duration': 'durationDays',
    'Exposure Time [%]': 'exposureTimePct', 'Equity Final [$]': 'equityFinal',
    'Equity Peak [$]': 'equityPeak', 'Commissions [$]': 'commissions', 'Return [%]': 'returnPct',
    'Buy & Hold Return [%]': 'buyHoldReturnPct', 'Return (Ann.) [%]': 'returnAnnPct',
    'Volatility (Ann.) [%]': 'volatilityAnnPct', 'CAGR [%]': 'cagrPct',
    'Sharpe Ratio': 'sharpeRatio', 'Sortino Ratio': 'sortinoRatio', 'Calmar Ratio': 'calmarRatio',
    'Alpha [%]': 'alphaPct', 'Beta': 'beta', 'Max. Drawdown [%]': 'maxDrawdownPct',
    'Avg. Drawdown [%]': 'avgDrawdownPct', 'Max. Drawdown Duration': 'maxDrawdownDurationDays',
    'Avg. Drawdown Duration': 'avgDrawdownDurationDays', '# Trades': 'trades',
    'Win Rate [%]': 'winRatePct', 'Best Trade [%]': 'bestTradePct',
    'Worst Trade [%]': 'worstTradePct', 'Avg. Trade [%]': 'avgTradePct',
    'Max. Trade Duration': 'maxTradeDurationDays', 'Avg. Trade Duration': 'avgTradeDurationDays',
    'Profit Factor': 'profitFactor', 'Expectancy [%]': 'expectancyPct', 'SQN': 'sqn',
    'Kelly Criterion': 'kellyCriterion',
}


def stub_bokeh():
    class Any:
        def __init__(self, *a, **k): pass
        def __call__(self, *a, **k): return Any()
        def __getattr__(self, n): return Any()
        def __getitem__(self, i): return Any()

    class Mod(types.ModuleType):
        def __getattr__(self, n):
            if n.startswith('__'):
                raise AttributeError(n)
            return Any

    for name in ('bokeh', 'bokeh.colors', 'bokeh.colors.named', 'bokeh.events', 'bokeh.plotting',
                 'bokeh.models', 'bokeh.io', 'bokeh.io.state', 'bokeh.layouts', 'bokeh.palettes',
                 'bokeh.transform'):
        m = Mod(name)
        m.__path__ = []
        sys.modules.setdefault(name, m)


def alias_month_end_offsets():
    """Lets pandas < 2.2 resample with 'ME' and 'YE' as it does 'M' and 'A'. Idempotent."""
    import pandas as pd
    if pd.__version__ >= '2.2' or getattr(pd.Series.resample, 'aliased', False):
        return
    original = pd.Series.resample

    def resample(series, rule, *args, **kwargs):
        return original(series, {'ME': 'M', 'YE': 'A'}.get(rule, rule), *args, **kwargs)

    resample.aliased = True
    pd.Series.resample = resample


def import_backtesting(src):
    """The `backtesting` package from `src`, ready to run."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        stub_bokeh()
    alias_month_end_offsets()
    sys.path.insert(0, src)
    import backtesting
    return backtesting
