"""The uncertainty engine: reproducible, convergent, exact on constants, finite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipledger import scenarios


def table(**rows: tuple[float, float, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=["low", "central", "high"]).T


def product(d):
    return d["a"] * d["b"]


def test_the_same_seed_gives_the_same_draws_and_another_seed_does_not():
    assumptions = table(a=(1.0, 2.0, 4.0), b=(0.5, 0.6, 0.9))
    first = scenarios.run(product, assumptions, 1000, seed=7)
    assert np.array_equal(first, scenarios.run(product, assumptions, 1000, seed=7))
    assert not np.array_equal(first, scenarios.run(product, assumptions, 1000, seed=8))


def test_draws_stay_inside_each_range():
    draws = scenarios.draw(table(a=(1.0, 2.0, 4.0)), 50_000)
    assert draws["a"].min() >= 1.0 and draws["a"].max() <= 4.0


def test_quantiles_converge_to_the_triangular_distribution():
    # triangular(0, 0, 1): CDF F(x) = 1 - (1 - x)^2, so the median is 1 - sqrt(0.5)
    assumptions = table(a=(0.0, 0.0, 1.0))
    expected = 1 - np.sqrt(0.5)
    errors = [abs(scenarios.summarise(scenarios.run(lambda d: d["a"], assumptions, n))["median"] - expected)
              for n in (1_000, 100_000)]
    assert errors[0] < 0.05  # a thousand draws: within a few hundredths
    assert errors[1] < 0.005  # a hundred thousand: within a few thousandths


def test_a_zero_width_range_gives_the_constant():
    values = scenarios.run(product, table(a=(3.0, 3.0, 3.0), b=(0.5, 0.5, 0.5)), 10_000)
    assert (values == 1.5).all()
    summary = scenarios.summarise(values)
    assert summary["p5"] == summary["median"] == summary["p95"] == 1.5


def test_inf_or_nan_from_a_model_is_refused():
    with pytest.raises(ValueError, match="inf or NaN"):
        scenarios.run(lambda d: d["a"] * np.inf, table(a=(1.0, 2.0, 3.0)), 10)


def test_a_range_out_of_order_is_refused():
    with pytest.raises(ValueError, match="'a': need low <= central <= high, got 3.0, 2.0, 4.0"):
        scenarios.draw(table(a=(3.0, 2.0, 4.0)), 10)


def test_sensitivity_ranks_the_widest_swing_first():
    swings = scenarios.sensitivity(product, table(a=(1.0, 2.0, 4.0), b=(0.5, 0.6, 0.9), c=(1.0, 1.0, 1.0)))
    assert list(swings.index) == ["a", "b"]  # c has no range: no swing
    assert swings.at["a", "at_low"] == pytest.approx(0.6) and swings.at["a", "at_high"] == pytest.approx(2.4)
    assert swings.at["b", "swing"] == pytest.approx(2.0 * 0.4)
    assert swings["central_output"].iloc[0] == pytest.approx(1.2)
