"""Networks: backprop agrees with central differences, stacked calls, the dict form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import models
from models import (
    DeepNetwork,
    Dense,
    Dropout,
    LeakyReLU,
    ModelInputError,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)

from ._numeric import assert_gradient_close, central_difference

# Every registered activation by name (a new one is tested without editing this
# file), and one with a setting other than its default.
HIDDEN = [*models.ACTIVATIONS, LeakyReLU(0.1)]
OUTPUTS = [("sigmoid", None), ("softmax", None), ("identity", "mse"), ("sigmoid", "mse")]

layer_dims = st.lists(st.integers(1, 4), min_size=2, max_size=4)
seeds = st.integers(0, 2**32 - 1)


def make_data(net, m, rng):
    X = rng.standard_normal((net.layer_dims[0], m))
    n_L = net.layer_dims[-1]
    name = net.loss.name
    if name == "categorical_cross_entropy":
        Y = np.eye(n_L)[:, rng.integers(0, n_L, size=m)]
    elif name == "binary_cross_entropy":
        Y = rng.integers(0, 2, size=(n_L, m)).astype(float)
    else:
        Y = rng.standard_normal((n_L, m))
    return X, Y


def randomise_biases(net, rng):
    """Non-zero biases, so that a dead ReLU unit does not put Z[l] exactly on the kink."""
    for layer in net.dense:
        layer.set_b(rng.standard_normal(layer.b.shape))


def check_network_gradients(net, X, Y):
    """Every dW[l], db[l] from backward against central differences of the full cost."""
    with net.hold_dropout_masks():
        AL, caches = net.forward(X, training=True)
        for block, cache in zip(net.layers, caches, strict=True):
            for kink in getattr(block, "kinks", ()):
                # Differences straddling a kink measure no derivative: stay 100 steps away.
                assume(np.min(np.abs(cache.Z - kink)) > 1e-4)
        if net.loss.name == "binary_cross_entropy":
            # J holds log(1 - A[L]); 1 - A[L] is known only to ~1e-16 absolute, so a
            # difference quotient of J carries noise ~5e-11 / (1 - A[L]). Keeping
            # 1 - A[L] > 1e-2 keeps that noise (5e-9) far below the tolerance;
            # backprop itself (dZ = A - Y) has no such loss of precision.
            assume(np.max(AL) < 1 - 1e-2)
        if net.loss.name == "categorical_cross_entropy":
            # J clips A[L] at 1e-15 inside the log: below the clip J is flat in A[L]
            # while backprop's dZ = A - Y is not. A step of 1e-6 moves A[L] by a
            # relative 1e-6 or so, so 1e-10 keeps every probe clear of the clip.
            assume(np.min(AL) > 1e-10)
        grads = net.backward(AL, Y, caches)
        params = net.parameters()
        for key, value in params.items():

            def J(v, key=key):
                AL_, _ = net.forward(X, training=True, params={**params, key: v})
                weights = [v if k == key else params[k] for k in params if k.startswith("W")]
                return net.cost(AL_, Y, weights=weights)

            assert_gradient_close(grads["d" + key], central_difference(J, value), "d" + key)


@pytest.mark.parametrize("hidden", HIDDEN, ids=str)
@pytest.mark.parametrize(("output", "loss"), OUTPUTS, ids=lambda v: str(v))
@given(dims=layer_dims, m=st.integers(1, 6), seed=seeds, lambd=st.sampled_from([0.0, 0.7]))
def test_network_backward_matches_central_differences(hidden, output, loss, dims, m, seed, lambd):
    if output == "softmax":
        dims = [*dims[:-1], max(dims[-1], 2)]
    net = DeepNetwork(dims, hidden=hidden, output=output, loss=loss, seed=seed, lambd=lambd)
    rng = np.random.default_rng(seed)
    X, Y = make_data(net, m, rng)
    randomise_biases(net, rng)
    check_network_gradients(net, X, Y)


@given(dims=layer_dims, m=st.integers(2, 6), seed=seeds, keep=st.floats(0.5, 0.9))
def test_network_with_dropout_and_l2_matches_central_differences_with_held_masks(
    dims, m, seed, keep
):
    net = DeepNetwork([*dims, 1], hidden="tanh", seed=seed, lambd=0.3, keep_prob=keep)
    assert any(isinstance(b, Dropout) for b in net.layers) == (len(dims) >= 2)
    X, Y = make_data(net, m, np.random.default_rng(seed))
    check_network_gradients(net, X, Y)


@pytest.mark.parametrize(("output", "loss"), [("sigmoid", None), ("softmax", None)])
@given(dims=layer_dims, m=st.integers(1, 6), seed=seeds)
def test_fused_and_unfused_networks_give_the_same_gradients(output, loss, dims, m, seed):
    dims = [*dims[:-1], max(dims[-1], 2 if output == "softmax" else 1)]
    fused = DeepNetwork(dims, hidden="tanh", output=output, seed=seed)
    plain = DeepNetwork(dims, hidden="tanh", output=output, seed=seed, fused=False)
    assert fused.fused and not plain.fused
    X, Y = make_data(fused, m, np.random.default_rng(seed))
    g1 = _grads(fused, X, Y)
    g2 = _grads(plain, X, Y)
    for key in g1:
        np.testing.assert_allclose(g1[key], g2[key], rtol=1e-7, atol=1e-10, err_msg=key)


def _grads(net, X, Y):
    AL, caches = net.forward(X)
    return net.backward(AL, Y, caches)


@pytest.mark.parametrize(("output", "loss"), OUTPUTS, ids=lambda v: str(v))
@given(
    dims=layer_dims,
    m=st.integers(1, 5),
    K=st.integers(1, 4),
    seed=seeds,
    lambd=st.sampled_from([0.0, 0.5]),
)
def test_stacked_parameters_give_K_costs_equal_to_K_separate_calls(
    output, loss, dims, m, K, seed, lambd
):
    if output == "softmax":
        dims = [*dims[:-1], max(dims[-1], 2)]
    net = DeepNetwork(dims, hidden="relu", output=output, loss=loss, seed=seed, lambd=lambd)
    rng = np.random.default_rng(seed)
    X, Y = make_data(net, m, rng)
    base = net.parameters()
    stacked = {k: v + 0.1 * rng.standard_normal((K, *v.shape)) for k, v in base.items()}
    AL, _ = net.forward(X, params=stacked)
    weights = [stacked[f"W{i}"] for i in range(1, net.L + 1)]
    J = net.cost(AL, Y, weights=weights)
    assert AL.shape == (K, dims[-1], m) and J.shape == (K,)
    for k in range(K):
        one = {key: v[k] for key, v in stacked.items()}
        ALk, _ = net.forward(X, params=one)
        np.testing.assert_allclose(AL[k], ALk, rtol=1e-12, atol=1e-14)
        Jk = net.cost(ALk, Y, weights=[one[f"W{i}"] for i in range(1, net.L + 1)])
        assert J[k] == pytest.approx(Jk, rel=1e-12)
    for key, value in net.parameters().items():
        np.testing.assert_array_equal(value, base[key])


def test_sequential_numbers_its_dense_layers_and_checks_their_sizes():
    net = Sequential([Dense(2, 3), Tanh(), Dense(3, 1), Sigmoid()])
    assert [d.index for d in net.dense] == [1, 2]
    assert net.layer_dims == [2, 3, 1]
    with pytest.raises(
        ModelInputError,
        match=r"layer 2 takes n\[1\] = 4 inputs but layer 1 has n\[1\] = 3 units; "
        r"use Dense\(3, 1\)",
    ):
        Sequential([Dense(2, 3), Tanh(), Dense(4, 1), Sigmoid()])


def test_parameters_and_set_parameters_round_trip_and_named_attributes():
    net = DeepNetwork([3, 4, 2, 1], seed=1)
    params = net.parameters()
    assert sorted(params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    assert params["W2"].shape == (2, 4) and params["b2"].shape == (2, 1)
    other = DeepNetwork([3, 4, 2, 1], seed=2)
    other.set_parameters(params)
    for key, value in other.parameters().items():
        np.testing.assert_array_equal(value, params[key])
    np.testing.assert_array_equal(other.W2, params["W2"])
    assert other.b3 is other.dense[2].b
    other.W1 = np.ones((4, 3))
    np.testing.assert_array_equal(other.dense[0].W, np.ones((4, 3)))
    with pytest.raises(
        ModelInputError,
        match=r"W\[1\] must be \(n\[1\], n\[0\]\) = \(4, 3\): got \(3, 4\)\. Did you mean W\.T\?",
    ):
        other.W1 = np.ones((3, 4))


def test_gradients_in_dict_form_and_as_attributes():
    net = DeepNetwork([2, 3, 1], seed=0)
    with pytest.raises(ModelInputError, match="run backward"):
        net.gradients()
    X = np.array([[0.1, -0.2, 0.3], [0.5, 0.4, -0.1]])
    Y = np.array([[1.0, 0.0, 1.0]])
    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    g = net.gradients()
    assert sorted(g) == ["dW1", "dW2", "db1", "db2"]
    np.testing.assert_array_equal(g["dW1"], grads["dW1"])
    np.testing.assert_array_equal(net.dW2, grads["dW2"])
    assert "dA0" not in grads, "dA[0] is computed only when asked for"
    assert grads["dA1"].shape == (3, 3)
    with pytest.raises(AttributeError, match=r"layers 1\.\.2"):
        _ = net.W7


@pytest.mark.parametrize("lambd", [0.0, 0.3])
@pytest.mark.parametrize("first", ["dense", "dropout"])
def test_dA0_is_left_out_unless_asked_and_then_is_m_times_dJ_dX(lambd, first):
    blocks = [models.Dense(3, 4), models.Tanh(), models.Dense(4, 2), models.Sigmoid()]
    if first == "dropout":
        # A block before layer 1 is skipped by backprop: dA[0] is the gradient
        # with respect to the input of layer 1, W[1].T @ dZ[1].
        blocks.insert(0, models.Dropout(1.0))
    net = Sequential(blocks, lambd=lambd)
    net.set_parameters(models.initialize_parameters([3, 4, 2], "xavier", seed=0))
    rng = np.random.default_rng(0)
    X, Y = make_data(net, 5, rng)
    AL, caches = net.forward(X)
    plain = net.backward(AL, Y, caches)
    full = net.backward(AL, Y, caches, dA0=True)
    assert "dA0" not in plain and full["dA0"].shape == X.shape
    assert sorted(full) == sorted([*plain, "dA0"])
    for key, value in plain.items():
        np.testing.assert_array_equal(value, full[key], err_msg=key)
    # dA[0] is per example, like every dA[l]: m times dJ/dX.
    numeric = 5 * central_difference(lambda X_: net.cost(net.forward(X_)[0], Y), X)
    assert_gradient_close(full["dA0"], numeric, "dA0")


def test_set_parameters_rejects_missing_keys_and_wrong_shapes():
    net = DeepNetwork([2, 3, 1], seed=0)
    params = net.parameters()
    with pytest.raises(ModelInputError, match=r"missing \['b2'\]"):
        net.set_parameters({k: v for k, v in params.items() if k != "b2"})
    with pytest.raises(
        ModelInputError, match=r"b\[2\] must be \(n\[2\], 1\) = \(1, 1\): got \(1,\)"
    ):
        net.set_parameters({**params, "b2": np.zeros(1)})
    # Nothing was half-applied.
    np.testing.assert_array_equal(net.W1, params["W1"])


def test_the_network_never_modifies_inputs_or_given_parameters():
    net = DeepNetwork([2, 3, 1], seed=0, lambd=0.1)
    params = net.parameters()
    given_params = {k: v.copy() for k, v in params.items()}
    net.set_parameters(params)
    X = np.array([[0.1, -0.2, 0.3], [0.5, 0.4, -0.1]])
    Y = np.array([[1.0, 0.0, 1.0]])
    X0, Y0 = X.copy(), Y.copy()
    net.fit(X, Y, epochs=5, learning_rate=0.5, progress=False)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    for key, value in params.items():
        np.testing.assert_array_equal(value, given_params[key])
    assert not np.array_equal(net.W1, params["W1"]), "training did not move W1"


def test_string_and_html_forms_name_the_shapes():
    net = DeepNetwork([2, 3, 1], hidden="tanh")
    assert "W[1] (3, 2)" in str(net) and "W[2] (1, 3)" in str(net)
    assert "<pre>" in net._repr_html_()
    assert "Dense(n_in=2, n_out=3)" in repr(net)


def test_hidden_activation_choices_build_the_expected_blocks():
    net = DeepNetwork([2, 3, 3, 2], hidden="leaky_relu", output="softmax")
    kinds = [type(b) for b in net.layers]
    assert kinds == [Dense, LeakyReLU, Dense, LeakyReLU, Dense, Softmax]
    assert net.loss.name == "categorical_cross_entropy"
    assert DeepNetwork([2, 1], hidden="relu").layers[1].__class__ is Sigmoid
    assert any(isinstance(b, ReLU) for b in DeepNetwork([2, 2, 1]).layers)


def test_a_stack_in_one_layer_only_broadcasts_through_the_rest():
    # W[2] stacked, everything else plain: layer 2 meets a plain A[1], layer 3 a stacked A[2].
    net = DeepNetwork([3, 4, 5, 2], hidden="tanh", output="softmax", seed=0, lambd=0.2)
    rng = np.random.default_rng(0)
    X, Y = make_data(net, 6, rng)
    W2s = net.W2 + 0.1 * rng.standard_normal((7, 5, 4))
    AL, _ = net.forward(X, params={"W2": W2s})
    J = net.cost(AL, Y, weights=[net.W1, W2s, net.W3])
    assert AL.shape == (7, 2, 6) and J.shape == (7,)
    for k in range(7):
        ALk, _ = net.forward(X, params={"W2": W2s[k]})
        assert J[k] == pytest.approx(net.cost(ALk, Y, weights=[net.W1, W2s[k], net.W3]), rel=1e-12)


def test_stacked_backward_equals_separate_backward_calls():
    net = DeepNetwork([3, 4, 1], hidden="relu", seed=0, lambd=0.1)
    rng = np.random.default_rng(1)
    X, Y = make_data(net, 5, rng)
    stacked = {k: v + 0.1 * rng.standard_normal((3, *v.shape)) for k, v in net.parameters().items()}
    AL, caches = net.forward(X, params=stacked)
    grads = net.backward(AL, Y, caches)
    for k in range(3):
        ALk, caches_k = net.forward(X, params={key: v[k] for key, v in stacked.items()})
        for key, value in net.backward(ALk, Y, caches_k).items():
            np.testing.assert_allclose(grads[key][k], value, rtol=1e-12, atol=1e-14, err_msg=key)


def test_a_network_with_dropout_trains_and_predicts_without_dropout():
    from models import moons

    X, Y = moons(200, seed=0)
    net = DeepNetwork([2, 32, 32, 1], hidden="relu", keep_prob=0.8, seed=0)
    net.fit(X, Y, epochs=200, optimizer="adam", learning_rate=0.01, progress=False)
    assert net.accuracy(X, Y) >= 0.95
    np.testing.assert_array_equal(net.predict(X), net.predict(X))


def test_read_only_inputs_and_parameters_go_through_everything():
    # A write to a read-only array raises, so this proves no in-place modification
    # anywhere in forward, cost, backward, fit, predict and the optimisers.
    from models import moons

    X, Y = moons(40, seed=0)
    net = DeepNetwork([2, 4, 1], hidden="relu", seed=0, lambd=0.1, keep_prob=0.9)
    params = net.parameters()
    for array in (X, Y, *params.values()):
        array.flags.writeable = False
    net.set_parameters(params)
    AL, caches = net.forward(X, training=True)
    net.backward(AL, Y, caches)
    for optimizer in ("gd", "momentum", "rmsprop", "adam"):
        net.fit(X, Y, epochs=3, optimizer=optimizer, batch_size=16, progress=False)
    assert net.predict(X).shape == (1, 40)


def test_l2_adds_its_term_to_the_cost_and_to_dW_and_nothing_to_db():
    # Checked against a network without L2 and the same weights, so that an L2
    # strength ignored in both the cost and dW (which central differences of the
    # cost alone would not notice) fails here.
    lambd, m = 0.7, 5
    plain = DeepNetwork([3, 4, 2, 1], hidden="tanh", seed=3)
    reg = DeepNetwork([3, 4, 2, 1], hidden="tanh", seed=3, lambd=lambd)
    rng = np.random.default_rng(0)
    X, Y = make_data(plain, m, rng)
    AL, caches = plain.forward(X)
    AL_reg, caches_reg = reg.forward(X)
    squares = sum(float(np.sum(W**2)) for W in (plain.W1, plain.W2, plain.W3))
    assert reg.cost(AL_reg, Y) == pytest.approx(
        plain.cost(AL, Y) + lambd / (2 * m) * squares, rel=1e-12
    )
    g, g_reg = plain.backward(AL, Y, caches), reg.backward(AL_reg, Y, caches_reg)
    for l in (1, 2, 3):  # noqa: E741 (the Course's layer index)
        W = getattr(plain, f"W{l}")
        np.testing.assert_allclose(g_reg[f"dW{l}"], g[f"dW{l}"] + lambd / m * W, rtol=1e-12)
        np.testing.assert_array_equal(g_reg[f"db{l}"], g[f"db{l}"])
