"""`gradcheck.check` holds at most the parameters' working copy and one direction at a time."""

import tracemalloc

import numpy as np
import pytest

import gradcheck
from gradcheck import _modes
from gradcheck._modes import Directions


def test_directions_drawn_again_are_the_directions_kept(monkeypatch):
    kept = Directions((30, 40), 4, np.random.default_rng(7))
    monkeypatch.setattr(_modes, "KEPT_ENTRIES", 0)
    drawn = Directions((30, 40), 4, np.random.default_rng(7))
    gradient = np.random.default_rng(8).standard_normal((30, 40))
    for i in range(4):
        # The same numbers; the norm is summed in another order (roundoff only).
        np.testing.assert_allclose(drawn[i], kept[i], rtol=1e-13)
        assert np.linalg.norm(drawn[i]) == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_allclose(drawn.dot(gradient), kept.dot(gradient), rtol=1e-12)
    subset = drawn.subset(np.array([2, 0]))
    np.testing.assert_allclose(subset[0], kept[2], rtol=1e-13)
    np.testing.assert_allclose(subset[1], kept[0], rtol=1e-13)


@pytest.mark.slow
def test_the_peak_memory_of_a_check_is_at_most_twice_the_parameters_plus_a_constant(
    monkeypatch,
):
    # 1.5 million parameters (12 MB): large enough that the directions are drawn again
    # when used rather than kept, as for 10^8 (benchmarks/bench_student_code.py --big).
    monkeypatch.setattr(_modes, "KEPT_ENTRIES", 1000)
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((1500, 1000)), "b1": rng.standard_normal((1500, 1))}
    gradients = {"dW1": parameters["W1"].copy(), "db1": parameters["b1"].copy()}

    def cost(p):
        # vdot of contiguous arrays allocates nothing: what is traced is gradcheck's.
        return 0.5 * (np.vdot(p["W1"], p["W1"]) + np.vdot(p["b1"], p["b1"]))

    size = sum(p.nbytes for p in parameters.values())
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        # `auto` beyond its time budget: directions of every parameter.
        report = gradcheck.check(cost, parameters, gradients, time_budget=1e-3)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert report.passed
    assert report.mode == "directional"
    # Twice: gradcheck's working copy and one direction. The constant: one chunk of
    # squares (8 MiB) while a direction's norm is summed, and small arrays.
    assert peak <= 2 * size + 10 * 2**20, f"{peak / size:.2f}x the parameters' size"
