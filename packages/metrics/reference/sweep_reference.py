"""Independent reference values for the statistics across the trials of a sweep
(packages/metrics/src/across-runs: trial.ts, deflated-sharpe.ts, pbo.ts).

Written from the papers, not from the TypeScript: numpy on the whole return matrix (no block
sums), Python's statistics.NormalDist for the normal quantile, math.erfc for the CDF and
itertools.combinations for the CSCV splits.

  Bailey & López de Prado (2014), The Deflated Sharpe Ratio, eq. 2 and the PSR of their 2012 paper.
  Bailey, Borwein, López de Prado & Zhu (2015), The Probability of Backtest Overfitting, CSCV.

Regenerate the fixture (Debian python3 with numpy):
  /usr/bin/python3 packages/metrics/reference/sweep_reference.py > packages/metrics/reference/sweep-fixture.json
"""
import itertools, json, math
from statistics import NormalDist

import numpy as np

EULER_GAMMA = 0.5772156649015329
N01 = NormalDist()


def norm_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2))


def moments(r):
    """Per-period Sharpe (ddof 1), skewness, kurtosis; None for a flat trial (no Sharpe)."""
    if r.std(ddof=1) == 0:
        return None
    d = r - r.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    sr = r.mean() / r.std(ddof=1)
    return sr, m3 / m2**1.5, m4 / m2**2


def psr(sr, n, skew, kurt, benchmark):
    return norm_cdf((sr - benchmark) * math.sqrt(n - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2))


def expected_max_sharpe(trials, variance):
    return math.sqrt(variance) * ((1 - EULER_GAMMA) * N01.inv_cdf(1 - 1 / trials)
                                  + EULER_GAMMA * N01.inv_cdf(1 - 1 / (trials * math.e)))


def average_rank(values, i):
    """1-based ascending rank of values[i] among values, ties averaged (pandas rank 'average')."""
    below = sum(1 for v in values if v < values[i])
    equal = sum(1 for v in values if v == values[i])
    return below + (equal + 1) / 2


def perf(block):
    sd = block.std(axis=0, ddof=1)
    return np.where(sd > 0, block.mean(axis=0) / np.where(sd > 0, sd, 1), 0.0)


def pbo(returns, s):
    t, n = returns.shape
    rows = t // s
    m = returns[t - rows * s:]  # the oldest t mod s rows left out
    blocks = [m[b * rows:(b + 1) * rows] for b in range(s)]
    logits = []
    for train in itertools.combinations(range(s), s // 2):
        test = [b for b in range(s) if b not in train]
        ins = perf(np.vstack([blocks[b] for b in train]))
        oos = perf(np.vstack([blocks[b] for b in test]))
        best = int(np.argmax(ins))  # first on ties
        omega = average_rank(list(oos), best) / (n + 1)
        logits.append(math.log(omega / (1 - omega)))
    logits = np.array(logits)
    return {"pbo": float((logits <= 0).mean()), "splits": len(logits), "medianLogit": float(np.median(logits))}


def case(name, equity, partitions):
    returns = equity[1:] / equity[:-1] - 1
    trials = [moments(returns[:, j]) for j in range(returns.shape[1])]
    # The trials counted are those with a Sharpe ratio; a flat one has none.
    srs = np.array([t[0] for t in trials if t is not None])
    variance = float(srs.var(ddof=1))
    sr0 = expected_max_sharpe(len(srs), variance)
    some = lambda f: [None if t is None else f(*t) for t in trials]
    return {
        "name": name,
        "equity": [list(map(float, equity[:, j])) for j in range(equity.shape[1])],
        "sharpe": some(lambda sr, sk, k: float(sr)),
        "skewness": some(lambda sr, sk, k: float(sk)),
        "kurtosis": some(lambda sr, sk, k: float(k)),
        "trialSharpeVariance": variance,
        "expectedMaxSharpe": sr0,
        "trials": len(srs),
        "psr": some(lambda sr, sk, k: psr(sr, returns.shape[0], sk, k, 0.0)),
        "dsr": some(lambda sr, sk, k: psr(sr, returns.shape[0], sk, k, sr0)),
        "overfitting": {str(s): pbo(returns, s) for s in partitions},
    }


rng = np.random.default_rng(20140301)
cases = []
# Noise: every trial is a coin toss, so the in-sample best is no better out of sample.
r = rng.normal(0.0002, 0.01, size=(323, 12))
cases.append(case("noise", 100 * np.vstack([np.ones(12), np.cumprod(1 + r, axis=0)]), [8, 16]))
# Skill: trial j earns a drift growing with j, with fat-tailed noise; a flat trial among them.
r = rng.standard_t(4, size=(483, 10)) * 0.008 + np.linspace(-0.0005, 0.0015, 10)
r[:, 3] = 0.0
cases.append(case("skill", 100 * np.vstack([np.ones(10), np.cumprod(1 + r, axis=0)]), [16]))

print(json.dumps({
    "command": "/usr/bin/python3 packages/metrics/reference/sweep_reference.py",
    "numpy": np.__version__,
    "cases": cases,
}))
