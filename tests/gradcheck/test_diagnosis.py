"""The diagnosis and the verdict bands on hand-made gradients."""

import numpy as np
import pytest

from gradcheck._bands import (
    EPS,
    FAIL_LINE,
    PASS_LINE,
    relative_difference,
    roundoff_floor,
    roundoff_per_coordinate,
    verdict,
)
from gradcheck._diagnosis import diagnose

rng = np.random.default_rng(0)
NUMERIC = rng.standard_normal((4, 4))


def say(analytic, numeric=NUMERIC, m=7):
    return diagnose(
        "W2",
        analytic.ravel(),
        numeric.ravel(),
        m=m,
        noise=1e-12,
        analytic_full=analytic,
        numeric_full=numeric,
    )


@pytest.mark.parametrize(
    ("analytic", "wording"),
    [
        (2 * NUMERIC, "dW[2] is 2.00 x the numerical gradient: a constant factor"),
        (0.25 * NUMERIC, "dW[2] is 0.25 x the numerical gradient: a constant factor"),
        (-NUMERIC, "dW[2] has the wrong sign: it is -1 x the numerical gradient"),
        (7 * NUMERIC, "dW[2] is m = 7 x the numerical gradient: the 1/m is missing"),
        (NUMERIC / 7, "dW[2] is 1/m = 1/7 x the numerical gradient: it is divided by m twice"),
        (NUMERIC.T, "dW[2] is the transpose of the numerical gradient"),
        (np.zeros((4, 4)), "dW[2] is all zeros but the numerical gradient is not"),
        (NUMERIC + rng.standard_normal((4, 4)), "no simple pattern"),
    ],
)
def test_each_pattern_is_named_in_words(analytic, wording):
    assert wording in say(analytic)


def test_a_cost_that_ignores_the_parameter_is_said_to_skip_it():
    assert "the cost does not depend on W[2]" in say(NUMERIC, numeric=np.zeros((4, 4)))


def test_a_ratio_of_a_single_value_is_only_called_a_factor_when_it_is_round():
    one = np.array([[0.5]])
    assert "is 2.00 x" in diagnose("b3", 2 * one.ravel(), one.ravel(), m=None, noise=1e-12)
    assert "no simple pattern" in diagnose(
        "b3", 1.64 * one.ravel(), one.ravel(), m=None, noise=1e-12
    )


def test_without_m_a_factor_of_m_is_just_a_factor():
    assert "is 7.00 x the numerical gradient: a constant factor" in say(7 * NUMERIC, m=None)


def test_bands_ok_doubtful_wrong_and_the_floor_raises_the_pass_line():
    assert verdict(1e-9, 1e-12, PASS_LINE, FAIL_LINE) == "ok"
    assert verdict(1e-5, 1e-12, PASS_LINE, FAIL_LINE) == "doubtful"
    assert verdict(0.3, 1e-12, PASS_LINE, FAIL_LINE) == "wrong"
    # A difference roundoff can explain is no evidence of a bug.
    assert verdict(1e-5, 1e-5, PASS_LINE, FAIL_LINE) == "ok"
    # A difference far beyond what roundoff can explain is wrong, even with a high floor.
    assert verdict(0.3, 1e-3, PASS_LINE, FAIL_LINE) == "wrong"
    # When roundoff could reach the fail line and explains the difference, there is
    # no verdict: never ok, never wrong.
    assert verdict(0.3, 0.05, PASS_LINE, FAIL_LINE) == "inconclusive"
    assert verdict(1e-5, 2e-4, PASS_LINE, FAIL_LINE) == "inconclusive"
    assert verdict(1e-7, 1.0, PASS_LINE, FAIL_LINE) == "ok"


def test_the_default_step_leaves_wide_margins_around_both_lines():
    # Roundoff of a unit cost at the default step, relative to unit gradients,
    # is far below the pass line; the factor-2 difference far above the fail line.
    assert roundoff_per_coordinate(1.0, EPS) < PASS_LINE / 100
    g = np.ones(10)
    assert relative_difference(2 * g, g) == pytest.approx(1 / 3)
    assert relative_difference(4 * g, g) == pytest.approx(3 / 5)
    assert 100 * FAIL_LINE < 1 / 3


def test_relative_difference_of_two_zero_vectors_is_zero_and_the_floor_infinite():
    zero = np.zeros(3)
    assert relative_difference(zero, zero) == 0.0
    assert roundoff_floor(zero, zero, 1e-12) == float("inf")
