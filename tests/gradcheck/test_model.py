"""`check_model`: every block, loss, L2 and dropout; planted bugs; kinks; nothing changed."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import gradcheck
import models


def data(dims, m, output="sigmoid", seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    if output == "softmax":
        Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)]
    elif output == "identity":
        Y = rng.standard_normal((dims[-1], m))
    else:
        Y = (rng.random((dims[-1], m)) > 0.5).astype(float)
    return X, Y


def with_biases(net, seed=0):
    # Nonzero biases, so that db bugs show and no unit sits exactly at 0.
    rng = np.random.default_rng(seed + 100)
    params = net.parameters()
    for key in params:
        if key.startswith("b"):
            params[key] = 0.1 * rng.standard_normal(params[key].shape)
    net.set_parameters(params)
    return net


HIDDEN = ["relu", "tanh", "sigmoid", "leaky_relu", "identity"]
OUTPUTS = [("sigmoid", None), ("softmax", None), ("identity", None), ("sigmoid", "mse")]


@pytest.mark.parametrize("mode", ["auto", "directional"])
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "loss"), OUTPUTS)
def test_every_activation_and_loss_passes(hidden, output, loss, mode):
    dims = [4, 5, 3, 3 if output == "softmax" else 2]
    net = with_biases(models.DeepNetwork(dims, hidden=hidden, output=output, loss=loss, seed=1))
    X, Y = data(dims, 6, output)
    report = gradcheck.check_model(net, X, Y, mode=mode)
    assert report.passed, str(report)
    assert max(report.errors.values()) < report.pass_line / 50
    assert report.notes == []  # the vectorised path, not the black-box fallback


@pytest.mark.parametrize("fused", [True, False])
def test_l2_and_dropout_with_held_masks_pass(fused):
    dims = [5, 6, 4, 1]
    net = with_biases(
        models.DeepNetwork(dims, hidden="tanh", lambd=0.7, keep_prob=0.6, seed=2, fused=fused)
    )
    X, Y = data(dims, 8)
    report = gradcheck.check_model(net, X, Y)
    assert report.passed, str(report)


def test_the_vectorised_numbers_equal_a_black_box_loop_over_the_same_network():
    dims = [4, 5, 3, 1]
    net = with_biases(models.DeepNetwork(dims, hidden="tanh", lambd=0.3, seed=3))
    X, Y = data(dims, 5)

    def cost(p):
        AL, _ = net.forward(X, params=p)
        return net.cost(AL, Y, weights=[p["W1"], p["W2"], p["W3"]])

    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    loop = gradcheck.check(cost, net.parameters(), grads, mode="full")
    fast = gradcheck.check_model(net, X, Y, mode="full")
    for key in loop.results:
        # Both are central differences with the same steps; they differ only
        # by roundoff in J, a few u |J| / eps.
        np.testing.assert_allclose(
            fast.results[key].numeric, loop.results[key].numeric, rtol=0, atol=1e-9
        )


class DoubledDense(models.Dense):
    """A layer whose backward returns twice dW: a planted factor-2 bug."""

    def backward(self, dZ, cache):
        dA_prev, dW, db = super().backward(dZ, cache)
        return dA_prev, 2 * dW, db


class NoMeanDense(models.Dense):
    """A layer whose db forgot the 1/m."""

    def backward(self, dZ, cache):
        dA_prev, dW, db = super().backward(dZ, cache)
        return dA_prev, dW, db * dZ.shape[-1]


class WrongReLU(models.ReLU):
    """A ReLU whose derivative is 1 everywhere."""

    def backward(self, dA, cache):
        return dA


def network(second=models.Dense, activation=None, m=7, seed=0):
    rng = np.random.default_rng(seed)

    def dense(cls, n_in, n_out):
        return cls(
            n_in,
            n_out,
            W=rng.standard_normal((n_out, n_in)) / np.sqrt(n_in),
            b=0.1 * rng.standard_normal((n_out, 1)),
        )

    blocks = [
        dense(models.Dense, 5, 4),
        activation or models.ReLU(),
        dense(second, 4, 3),
        models.Tanh(),
        dense(models.Dense, 3, 1),
        models.Sigmoid(),
    ]
    X, Y = data([5, 4, 3, 1], m, seed=seed)
    return models.Sequential(blocks), X, Y


@pytest.mark.parametrize(
    ("second", "activation", "blamed", "wording"),
    [
        (DoubledDense, None, {"W2"}, "dW[2] is 2.00 x the numerical gradient"),
        (NoMeanDense, None, {"b2"}, "db[2] is m = 7 x the numerical gradient"),
        (models.Dense, WrongReLU(), {"W1", "b1"}, "no simple pattern"),
    ],
)
def test_planted_bugs_in_blocks_are_blamed_on_their_parameters(second, activation, blamed, wording):
    net, X, Y = network(second, activation)
    report = gradcheck.check_model(net, X, Y)
    assert set(report.failed) == blamed
    assert wording in str(report)


@pytest.mark.parametrize(("offset", "excluded"), [(2e-6, False), (0.0, True)])
def test_a_perturbation_that_flips_a_relu_mask_is_measured_with_smaller_steps(offset, excluded):
    net, X, Y = network()
    params = net.parameters()
    # Z[1][0, 0] = 2e-6: perturbing b[1][0] by eps = 1e-5 flips that ReLU, by 1e-6
    # it does not. At exactly 0 every step flips it: that value is left out.
    params["b1"][0, 0] = offset - float(params["W1"][0] @ X[:, 0])
    net.set_parameters(params)
    report = gradcheck.check_model(net, X, Y)
    assert report.passed, str(report)
    assert (("b1", (0, 0)) in report.kinks) is excluded
    assert {key for key, _ in report.kinks} <= {"W1", "b1"}
    assert report.results["b1"].checked == (3 if excluded else 4)


def test_a_kink_present_does_not_hide_a_planted_bug():
    net, X, Y = network(DoubledDense)
    params = net.parameters()
    params["b1"][0, 0] = -float(params["W1"][0] @ X[:, 0])
    net.set_parameters(params)
    report = gradcheck.check_model(net, X, Y)
    assert report.failed == ["W2"]
    assert report.kinks


def test_the_model_is_left_exactly_as_it_was():
    dims = [5, 4, 3, 1]
    net = with_biases(models.DeepNetwork(dims, keep_prob=0.8, lambd=0.1, seed=4))
    X, Y = data(dims, 6)
    X.flags.writeable = False
    before = {k: v.copy() for k, v in net.parameters().items()}
    AL, caches = net.forward(X, training=True)
    net.backward(AL, Y, caches)
    grads_before = {k: v.copy() for k, v in net.gradients().items()}
    rng_states = [b.rng.bit_generator.state for b in net.layers if isinstance(b, models.Dropout)]
    X0, Y0 = X.copy(), Y.copy()
    gradcheck.check_model(net, X, Y)
    for key, value in net.parameters().items():
        assert value.tobytes() == before[key].tobytes()
    for key, value in net.gradients().items():
        assert value.tobytes() == grads_before[key].tobytes()
    after = [b.rng.bit_generator.state for b in net.layers if isinstance(b, models.Dropout)]
    assert after == rng_states
    assert X.tobytes() == X0.tobytes() and Y.tobytes() == Y0.tobytes()


def test_a_small_memory_budget_gives_the_same_report_in_more_chunks():
    dims = [6, 5, 4, 1]
    net = with_biases(models.DeepNetwork(dims, seed=5))
    X, Y = data(dims, 9)
    big = gradcheck.check_model(net, X, Y, memory=2**24)
    small = gradcheck.check_model(net, X, Y, memory=1)
    for key in big.results:
        # Chunks of other sizes may skip other sets of unchanged examples, so
        # the sums run in another order: equal up to roundoff in J / eps.
        np.testing.assert_allclose(
            big.results[key].numeric, small.results[key].numeric, rtol=0, atol=1e-9
        )
    again = gradcheck.check_model(net, X, Y, memory=1)
    for key in small.results:
        assert np.array_equal(small.results[key].numeric, again.results[key].numeric)


@pytest.mark.parametrize("mode", ["sample", "directional"])
def test_sample_and_directional_modes_pass_correct_and_fail_buggy_models(mode):
    net, X, Y = network()
    assert gradcheck.check_model(net, X, Y, mode=mode, samples=4).passed
    buggy, X, Y = network(DoubledDense)
    assert gradcheck.check_model(buggy, X, Y, mode=mode, samples=4).failed == ["W2"]


def test_float32_data_is_checked_in_float64_with_a_warning():
    net, X, Y = network()
    with pytest.warns(gradcheck.PrecisionWarning, match=r"input X is float32"):
        report = gradcheck.check_model(net, X.astype(np.float32), Y)
    assert report.passed


def test_bad_data_and_non_models_are_refused_in_course_notation():
    net, X, Y = network()
    with pytest.raises(gradcheck.CheckInputError, match=r"X"):
        gradcheck.check_model(net, X[:3], Y)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(gradcheck.CheckInputError, match=r"input X holds 1 non-finite"):
        gradcheck.check_model(net, bad, Y)
    with pytest.raises(gradcheck.CheckInputError, match="check_model needs a network built"):
        gradcheck.check_model(object(), X, Y)


architectures = st.builds(
    lambda sizes, hidden, output, lambd, keep, m, seed: (
        sizes,
        hidden,
        output,
        lambd,
        keep,
        m,
        seed,
    ),
    st.lists(st.integers(1, 5), min_size=2, max_size=5),
    st.sampled_from(HIDDEN),
    st.sampled_from(["sigmoid", "softmax", "identity"]),
    st.sampled_from([0.0, 0.5]),
    st.sampled_from([1.0, 0.7]),
    st.integers(1, 6),
    st.integers(0, 2**16),
)


@given(architectures, st.sampled_from(["auto", "directional"]))
def test_check_model_passes_every_correct_architecture_and_modifies_nothing(case, mode):
    sizes, hidden, output, lambd, keep, m, seed = case
    if output == "softmax" and sizes[-1] < 2:
        sizes = [*sizes[:-1], 2]
    net = with_biases(
        models.DeepNetwork(
            sizes, hidden=hidden, output=output, lambd=lambd, keep_prob=keep, seed=seed
        ),
        seed,
    )
    X, Y = data(sizes, m, output, seed)
    if output != "identity":
        # The losses clip A[L] to [1e-15, 1 - 1e-15], where the cost is flat but
        # the fused gradient A[L] - Y is not: gradcheck rightly reports that
        # mismatch, so saturated outputs are outside "correct architectures".
        dropouts = [b for b in net.layers if isinstance(b, models.Dropout)]
        states = [b.rng.bit_generator.state for b in dropouts]
        with net.hold_dropout_masks():
            AL, _ = net.forward(X, training=keep < 1)
        for block, state in zip(dropouts, states, strict=True):
            block.rng.bit_generator.state = state
        assume(np.all((AL > 1e-12) & (AL < 1 - 1e-12)))
    before = {k: v.copy() for k, v in net.parameters().items()}
    X0, Y0 = X.copy(), Y.copy()
    report = gradcheck.check_model(net, X, Y, mode=mode)
    # Never wrong; not passed only for want of evidence, said (a chain of single
    # units inactive for the only example, at the given point and nearby ones).
    for result in report.results.values():
        assert result.verdict == "ok" or (
            result.verdict == "inconclusive" and "not enough evidence" in result.diagnosis
        ), str(report)
    if min(sizes[1:-1] or [2]) > 1 and m > 1:
        assert report.passed, str(report)
    assert all(v.tobytes() == before[k].tobytes() for k, v in net.parameters().items())
    assert X.tobytes() == X0.tobytes() and Y.tobytes() == Y0.tobytes()


class ScaledInput(models.Sequential):
    """A network whose forward pass is not just its blocks in order."""

    def forward(self, X, training=False, params=None):
        return super().forward(2 * X, training, params)


def test_a_network_whose_forward_is_not_its_blocks_is_checked_as_a_black_box():
    plain, X, Y = network()
    net = ScaledInput(plain.layers)
    report = gradcheck.check_model(net, X, Y)
    assert report.passed, str(report)
    assert any("checked as a black box" in note for note in report.notes)


class DoubledL2(models.Sequential):
    """A cost whose L2 term is twice the documented one, while backward keeps lambd/m W."""

    def cost(self, AL, Y, weights=None):
        J = super().cost(AL, Y, weights)
        Ws = [d.W for d in self.dense] if weights is None else weights
        return J + self.lambd / (2 * AL.shape[-1]) * sum(np.sum(W**2) for W in Ws)


def test_a_cost_with_another_l2_term_is_checked_as_a_black_box_and_its_weights_fail():
    plain, X, Y = network()
    net = DoubledL2(plain.layers, lambd=0.5)
    report = gradcheck.check_model(net, X, Y)
    assert set(report.failed) == {"W1", "W2", "W3"}
    assert any("checked as a black box" in note for note in report.notes)


def blocks_of(spec, rng):
    """Blocks from a compact spec: ints are Dense widths, names are other blocks."""
    blocks, width = [], spec[0]
    for item in spec[1:]:
        if isinstance(item, int):
            W = rng.standard_normal((item, width)) / np.sqrt(width)
            blocks.append(models.Dense(width, item, W=W, b=0.1 * rng.standard_normal((item, 1))))
            width = item
        elif item == "dropout":
            blocks.append(models.Dropout(0.7, seed=1))
        else:
            blocks.append(models.get_activation(item))
    return blocks, width


@pytest.mark.parametrize(
    "spec",
    [
        [4, 3, 2, "sigmoid"],  # two Dense layers in a row
        [4, 5, "relu", "dropout", 3, "softmax"],
        [4, 5, "softmax", 3, "tanh", 1, "sigmoid"],  # softmax between layers
        [4, "dropout", 5, "tanh", 2, "identity"],  # dropout on the inputs
        [4, 5, "leaky_relu", 5, "relu", 5, "relu", 1],  # ends in a Dense layer
    ],
)
@pytest.mark.parametrize("mode", ["auto", "directional"])
def test_unusual_block_orders_are_checked_by_the_fast_path(spec, mode):
    rng = np.random.default_rng(7)
    blocks, n_L = blocks_of(spec, rng)
    loss = "categorical_cross_entropy" if spec[-1] == "softmax" else None
    net = models.Sequential(blocks, loss=loss)
    output = {"softmax": "softmax", "sigmoid": "sigmoid"}.get(spec[-1], "identity")
    X, Y = data([spec[0], n_L], 6, output)
    report = gradcheck.check_model(net, X, Y, mode=mode)
    assert report.passed, str(report)
    assert report.notes == []


def test_a_saturated_sigmoid_whose_cost_is_all_roundoff_is_not_called_wrong():
    # Found by the property test: A[L] rounds to 1 - 2.9e-11, so J = -log(A[L])
    # is tiny while its absolute error is about u. The measured noise of J
    # explains the differences of the (correct) tiny gradients, and reaches the
    # fail line even at the largest step: no verdict, and the report says why.
    sizes, m, seed = [3, 3, 1], 1, 3
    net = with_biases(models.DeepNetwork(sizes, hidden="relu", seed=seed), seed)
    X, Y = data(sizes, m, "sigmoid", seed)
    report = gradcheck.check_model(net, X, Y)
    assert {r.verdict for r in report.results.values()} <= {"ok", "inconclusive"}, str(report)
    assert report.cost_noise > 1e3 * np.finfo(float).eps * abs(net.cost(net.forward(X)[0], Y))
    for result in report.results.values():
        if result.verdict == "inconclusive":
            assert "the roundoff of J alone could produce" in result.diagnosis


def test_a_cost_clipped_flat_is_inconclusive_not_wrong_and_says_why():
    # With dropout scaling, A[L] = 1 - 8.9e-16 lies beyond the loss's clip at
    # 1 - 1e-15: no perturbation moves J, so nothing can be concluded.
    sizes, m, seed = [3, 3, 1], 1, 3
    net = with_biases(models.DeepNetwork(sizes, hidden="relu", seed=seed, keep_prob=0.7), seed)
    X, Y = data(sizes, m, "sigmoid", seed)
    # At these parameters only (`at`): another point, where J is not flat, may pass.
    report = gradcheck.check_model(net, X, Y, at=net.parameters())
    assert not report.passed
    assert {r.verdict for r in report.results.values()} == {"inconclusive"}
    assert "the cost did not change at all under any perturbation" in str(report)
    assert any("saturated or clipped" in note for note in report.notes)


def test_a_cost_that_ignores_every_parameter_is_not_passed():
    report = gradcheck.check(lambda p: 1.0, {"W1": np.ones((2, 2))}, {"dW1": np.ones((2, 2))})
    assert report.failed == ["W1"]
    assert report.results["W1"].verdict == "inconclusive"


def _both_routes(monkeypatch, net, X, Y):
    """The report through the linear shortcut past a ReLU-like layer, and without it."""
    from gradcheck import _stacks

    used = []
    linear_route = _stacks.Network._linear_route

    def counting(self, *args):
        used.append(args[2].size)
        return linear_route(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(_stacks.Network, "_linear_route", counting)
        fast = gradcheck.check_model(net, X, Y, mode="full")
    with monkeypatch.context() as patch:
        patch.setattr(_stacks.Network, "linear_after", lambda self, following: None)
        exact = gradcheck.check_model(net, X, Y, mode="full")
    return fast, exact, sum(used)


@pytest.mark.parametrize(
    ("hidden", "keep_prob", "lambd", "m"),
    [("relu", 1.0, 0.0, 7), ("leaky_relu", 0.7, 0.0, 9), ("identity", 0.7, 0.2, 1)],
)
def test_the_linear_shortcut_gives_the_exact_routes_numbers_and_kinks(
    monkeypatch, hidden, keep_prob, lambd, m
):
    dims = [6, 10, 4, 1]
    net = with_biases(
        models.DeepNetwork(dims, hidden=hidden, keep_prob=keep_prob, lambd=lambd, seed=1)
    )
    X, Y = data(dims, m)
    fast, exact, copies = _both_routes(monkeypatch, net, X, Y)
    assert copies > 0  # the shortcut was taken
    assert fast.passed and exact.passed, str(fast)
    assert fast.kinks == exact.kinks
    AL, _ = net.forward(X, training=keep_prob < 1)
    J = abs(net.cost(AL, Y))
    # Both routes evaluate the same costs up to rounding: each central
    # difference is off by a few u |J| / eps (the floor allows 8 units).
    tolerance = 8 * np.finfo(float).eps * J / fast.eps
    for key in fast.results:
        np.testing.assert_allclose(
            fast.results[key].numeric, exact.results[key].numeric, rtol=0, atol=tolerance
        )


def test_a_kink_in_the_layer_past_the_shortcut_is_still_caught(monkeypatch):
    dims = [4, 5, 3, 1]
    net = with_biases(models.DeepNetwork(dims, hidden="relu", seed=3))
    X, Y = data(dims, 6)
    params = net.parameters()
    Z2 = params["W2"] @ np.maximum(params["W1"] @ X + params["b1"], 0) + params["b2"]
    # Z[2][0, 0] = 1e-8: perturbing W[1] and b[1] by eps = 1e-5 moves it by about
    # 1e-5 |W[2]|, across the ReLU's kink; the shortcut must not skip that.
    params["b2"][0, 0] += 1e-8 - Z2[0, 0]
    net.set_parameters(params)
    fast, exact, copies = _both_routes(monkeypatch, net, X, Y)
    assert copies > 0
    # Both routes see the flips, and measure those values with smaller steps.
    assert fast.passed, str(fast)
    assert exact.passed, str(exact)
    assert fast.kinks == exact.kinks


@pytest.mark.parametrize("fused", [True, False])
def test_examples_saturated_beyond_the_losss_clip_are_left_out_with_a_note(fused):
    # Z[L] of example 0 is far beyond 34.5, where the loss clips A[L] to
    # 1 - 1e-15: the cost is flat there while dZ[L] = A[L] - Y (Y = 0) is 1.
    dims = [3, 4, 1]
    net = models.DeepNetwork(dims, hidden="identity", seed=0, fused=fused)
    X, Y = data(dims, 6)
    Y[0, 0] = 0.0
    X[:, 0] *= 300
    AL, _ = net.forward(X)
    assert AL[0, 0] > 1 - 1e-15
    X0 = X.copy()
    report = gradcheck.check_model(net, X, Y)
    assert report.passed, str(report)
    assert any(
        "checked on 5 of the m = 6 examples: A[L] of example(s) 0 is saturated" in note
        for note in report.notes
    ), report.notes
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize("mode", ["full", "directional"])
def test_when_every_example_is_beyond_the_clip_nothing_is_called_wrong(mode):
    dims = [3, 4, 1]
    net = models.DeepNetwork(dims, hidden="identity", seed=0)
    X, Y = data(dims, 1)
    X[:, 0] *= 300  # |Z[L]| far beyond 34.5: A[L] clipped to 1e-15 or 1 - 1e-15
    Y[0, 0] = float(net.forward(X)[0][0, 0] < 0.5)  # the wrong side
    report = gradcheck.check_model(net, X, Y, mode=mode, at=net.parameters())
    assert not report.passed
    assert all(r.verdict in ("ok", "inconclusive") for r in report.results.values())
    for key in report.failed:
        assert "A[L] of every example is saturated on the wrong side of Y" in (
            report.results[key].diagnosis
        )


@pytest.mark.parametrize("mode", ["auto", "directional"])
@pytest.mark.parametrize(
    ("sizes", "m", "seed"),
    [
        # At a nearby point three of the four examples are saturated beyond the clip;
        # the one kept must keep its column of the dropout masks, or fresh masks for
        # m = 1 saturate it too and correct code looks wrong.
        ([1, 1, 3, 3, 4], 4, 0),
        # At a nearby point outputs round within 1e-8 of 1: the noise of -log(A[L])
        # hides from the first spacing and shows only at larger ones (its jumps).
        ([1, 1, 3, 5, 3], 5, 0),
        # At a nearby point the only example has an output 2e-13 from 1 on the wrong
        # side, as flat as clipped: no example can be left out, nothing is evidence.
        ([1, 1, 1, 1, 4], 1, 2),
    ],
)
def test_saturated_nearby_points_do_not_make_correct_dropout_networks_wrong(mode, sizes, m, seed):
    # All found by the property test above.
    net = with_biases(models.DeepNetwork(sizes, hidden="relu", keep_prob=0.7, seed=seed), seed)
    X, Y = data(sizes, m, "sigmoid", seed)
    report = gradcheck.check_model(net, X, Y, mode=mode)
    for result in report.results.values():
        assert result.verdict == "ok" or (
            result.verdict == "inconclusive" and "not enough evidence" in result.diagnosis
        ), str(report)


def test_leaving_saturated_examples_out_does_not_hide_a_planted_bug():
    blocks = [
        models.Dense(3, 4, W=np.full((4, 3), 0.1), b=np.zeros((4, 1))),
        models.Identity(),
        DoubledDense(4, 1, W=np.array([[1.0, -0.5, 0.25, 0.75]]), b=np.zeros((1, 1))),
        models.Sigmoid(),
    ]
    net = models.Sequential(blocks, loss="binary_cross_entropy")
    X, Y = data([3, 4, 1], 6)
    # Example 0 saturates the output beyond the clip (Z[2] = 450), on the wrong side of Y.
    X[:, 0] = 100.0
    Y[0, 0] = 0.0
    AL, _ = net.forward(X)
    assert AL[0, 0] > 1 - 1e-15
    report = gradcheck.check_model(net, X, Y)
    assert report.failed == ["W2"]
    assert "2.00 x the numerical gradient" in report.results["W2"].diagnosis
    assert any("checked on 5 of the m = 6 examples" in note for note in report.notes)


def test_the_clip_gradcheck_assumes_is_the_one_the_losses_apply():
    # The contract (docs/architecture.md) fixes the clip; this catches a drift.
    from gradcheck._model import CLIP
    from models import _losses

    assert CLIP == _losses.EPS
    AL = np.array([[1.0, 0.0, 0.5]])
    Y = np.array([[0.0, 1.0, 1.0]])
    expected = -(np.log1p(-(1 - CLIP)) + np.log(CLIP) + np.log(0.5)) / 3
    assert models.BinaryCrossEntropy().cost(AL, Y) == pytest.approx(expected, rel=1e-12)
