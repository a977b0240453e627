"""Every block's backward agrees with central differences; stacked calls equal K separate ones."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dimcheck
import models
from models import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Dense,
    Dropout,
    LeakyReLU,
    MeanSquaredError,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)

from ._numeric import assert_gradient_close, central_difference

# Every registered activation with its default settings (a new one is tested
# without editing this file), and settings other than the defaults.
ACTIVATIONS = [cls() for cls in models.ACTIVATIONS.values()] + [LeakyReLU(0.1), LeakyReLU(0.0)]
LOSSES = [BinaryCrossEntropy(), MeanSquaredError(), CategoricalCrossEntropy()]

dims = st.integers(min_value=1, max_value=5)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def away_from_kinks(Z: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    """Move entries at least 1e-3 (far more than the difference step) from each kink."""
    for k in kinks:
        near = np.abs(Z - k) < 1e-3
        Z = np.where(near, k + np.where(k <= Z, 1e-2, -1e-2), Z)
    return Z


@given(n_prev=dims, n_l=dims, m=dims, seed=seeds)
def test_dense_backward_matches_central_differences(n_prev, n_l, m, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(
        n_prev, n_l, W=rng.standard_normal((n_l, n_prev)), b=rng.standard_normal((n_l, 1))
    )
    A_prev = rng.standard_normal((n_prev, m))
    G = rng.standard_normal((n_l, m))

    # J = (1/m) sum(G * Z): in the Course's convention dZ = G.
    def J(W=layer.W, b=layer.b, A=A_prev):
        return float(np.sum(G * layer.forward(A, W, b)[0]) / m)

    _, cache = layer.forward(A_prev)
    dA_prev, dW, db = layer.backward(G, cache)
    assert_gradient_close(dW, central_difference(lambda W: J(W=W), layer.W), "dW")
    assert_gradient_close(db, central_difference(lambda b: J(b=b), layer.b), "db")
    # dA[l-1] is per example, m times dJ/dA[l-1].
    assert_gradient_close(dA_prev, m * central_difference(lambda A: J(A=A), A_prev), "dA_prev")
    assert layer.dW is dW and layer.db is db


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=repr)
@given(n=dims, m=dims, seed=seeds)
def test_activation_backward_matches_central_differences(activation, n, m, seed):
    rng = np.random.default_rng(seed)
    Z = away_from_kinks(rng.standard_normal((n, m)) * 3, activation.kinks)
    G = rng.standard_normal((n, m))
    _A, cache = activation.forward(Z)
    dZ = activation.backward(G, cache)
    numeric = central_difference(lambda Z_: float(np.sum(G * activation.forward(Z_)[0])), Z)
    assert_gradient_close(dZ, numeric, repr(activation))


def labels_for(loss, rng, n, m):
    if isinstance(loss, CategoricalCrossEntropy):
        return np.eye(n)[:, rng.integers(0, n, size=m)]
    if isinstance(loss, BinaryCrossEntropy):
        return rng.integers(0, 2, size=(n, m)).astype(float)
    return rng.standard_normal((n, m))


def predictions_for(loss, rng, n, m):
    if isinstance(loss, CategoricalCrossEntropy):
        return Softmax().forward(rng.standard_normal((n, m)))[0]
    if isinstance(loss, BinaryCrossEntropy):
        return rng.uniform(0.05, 0.95, size=(n, m))
    return rng.standard_normal((n, m))


@pytest.mark.parametrize("loss", LOSSES, ids=repr)
@given(n=dims, m=dims, seed=seeds)
def test_loss_gradient_matches_central_differences(loss, n, m, seed):
    rng = np.random.default_rng(seed)
    Y = labels_for(loss, rng, n, m)
    AL = predictions_for(loss, rng, n, m)
    # gradient() is per example (the Course's dA[L]): m times dJ/dA[L].
    numeric = m * central_difference(lambda A: loss.cost(A, Y), AL)
    assert_gradient_close(loss.gradient(AL, Y), numeric, repr(loss))
    assert isinstance(loss.cost(AL, Y), float)


@given(n=dims, m=dims, seed=seeds, keep=st.floats(0.3, 0.95))
def test_dropout_backward_with_held_mask_matches_central_differences(n, m, seed, keep):
    rng = np.random.default_rng(seed)
    drop = Dropout(keep, seed=seed)
    A = rng.standard_normal((n, m))
    G = rng.standard_normal((n, m))
    with drop.hold_mask():
        out, cache = drop.forward(A, training=True)
        numeric = central_difference(
            lambda A_: float(np.sum(G * drop.forward(A_, training=True)[0])), A
        )
        assert_gradient_close(drop.backward(G, cache), numeric, "dropout")
    # The mask really drops units and scales the kept ones by 1/keep_prob.
    kept = cache.scaled_mask != 0
    np.testing.assert_allclose(out[kept], A[kept] / keep)
    assert np.all(out[~kept] == 0)


def test_dropout_draws_a_new_mask_per_call_unless_held():
    drop = Dropout(0.5, seed=3)
    A = np.ones((20, 30))
    first = drop.forward(A, training=True)[0]
    second = drop.forward(A, training=True)[0]
    assert not np.array_equal(first, second)
    with drop.hold_mask():
        held = [drop.forward(A, training=True)[0] for _ in range(3)]
    assert all(np.array_equal(held[0], h) for h in held)
    np.testing.assert_array_equal(drop.forward(A, training=False)[0], A)


def test_dropout_masks_are_reproducible_from_the_seed():
    A = np.ones((10, 10))
    a = Dropout(0.7, seed=11).forward(A, training=True)[0]
    b = Dropout(0.7, seed=11).forward(A, training=True)[0]
    c = Dropout(0.7, seed=12).forward(A, training=True)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_dropout_holds_a_given_mask():
    mask = np.array([[True, False], [False, True]])
    drop = Dropout(0.5, seed=0)
    with drop.hold_mask(mask):
        out = drop.forward(np.ones((2, 2)), training=True)[0]
    np.testing.assert_array_equal(out, np.array([[2.0, 0.0], [0.0, 2.0]]))


# -- stacked: K variants in one call equal K separate calls --------------------


@given(n_prev=dims, n_l=dims, m=dims, K=st.integers(1, 4), seed=seeds)
def test_dense_stacked_equals_separate_calls(n_prev, n_l, m, K, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(n_prev, n_l)
    A_prev = rng.standard_normal((n_prev, m))
    Ws = rng.standard_normal((K, n_l, n_prev))
    bs = rng.standard_normal((K, n_l, 1))
    Z, cache = layer.forward(A_prev, Ws, bs)
    assert Z.shape == (K, n_l, m)
    dZ = rng.standard_normal((K, n_l, m))
    dA, dW, db = layer.backward(dZ, cache)
    for k in range(K):
        Zk, cache_k = layer.forward(A_prev, Ws[k], bs[k])
        np.testing.assert_allclose(Z[k], Zk, rtol=1e-12, atol=1e-12)
        for got, want in zip((dA[k], dW[k], db[k]), layer.backward(dZ[k], cache_k), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert np.array_equal(layer.W, np.zeros((n_l, n_prev))), "the layer's own W was touched"


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=repr)
@given(n=dims, m=dims, K=st.integers(1, 4), seed=seeds)
def test_activation_stacked_equals_separate_calls(activation, n, m, K, seed):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((K, n, m))
    dA = rng.standard_normal((K, n, m))
    A, cache = activation.forward(Z)
    dZ = activation.backward(dA, cache)
    for k in range(K):
        Ak, cache_k = activation.forward(Z[k])
        np.testing.assert_allclose(A[k], Ak, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(
            dZ[k], activation.backward(dA[k], cache_k), rtol=1e-12, atol=1e-15
        )


@pytest.mark.parametrize("loss", LOSSES, ids=repr)
@given(n=dims, m=dims, K=st.integers(1, 4), seed=seeds)
def test_loss_stacked_equals_separate_calls(loss, n, m, K, seed):
    rng = np.random.default_rng(seed)
    Y = labels_for(loss, rng, n, m)
    AL = np.stack([predictions_for(loss, rng, n, m) for _ in range(K)])
    J = loss.cost(AL, Y)
    assert isinstance(J, np.ndarray) and J.shape == (K,)
    dA = loss.gradient(AL, Y)
    for k in range(K):
        assert J[k] == pytest.approx(loss.cost(AL[k], Y), rel=1e-12)
        np.testing.assert_allclose(dA[k], loss.gradient(AL[k], Y), rtol=1e-12)


@given(n=dims, m=dims, K=st.integers(1, 4), seed=seeds)
def test_dropout_stacked_shares_one_mask_and_equals_separate_calls(n, m, K, seed):
    rng = np.random.default_rng(seed)
    drop = Dropout(0.6, seed=seed)
    A = rng.standard_normal((K, n, m))
    with drop.hold_mask():
        out, _cache = drop.forward(A, training=True)
        for k in range(K):
            np.testing.assert_array_equal(out[k], drop.forward(A[k], training=True)[0])


# -- losses: values and numerical safety --------------------------------------


def test_binary_cross_entropy_value_matches_the_formula():
    AL = np.array([[0.9, 0.2, 0.6]])
    Y = np.array([[1.0, 0.0, 1.0]])
    expected = -np.mean(np.log([0.9, 0.8, 0.6]))
    assert BinaryCrossEntropy().cost(AL, Y) == pytest.approx(expected, rel=1e-12)


def test_binary_cross_entropy_is_finite_at_saturated_predictions():
    AL = Sigmoid().forward(np.array([[-800.0, 800.0, 40.0]]))[0]
    Y = np.array([[1.0, 0.0, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        J = BinaryCrossEntropy().cost(AL, Y)
        dA = BinaryCrossEntropy().gradient(AL, Y)
    assert np.isfinite(J) and J > 20
    assert np.all(np.isfinite(dA))


def test_sigmoid_and_softmax_do_not_overflow():
    Z = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 0.0, -1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        A = Sigmoid().forward(Z)[0]
        S = Softmax().forward(Z)[0]
    np.testing.assert_allclose(A, [[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])
    np.testing.assert_allclose(S, [[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])


def test_mean_squared_error_and_categorical_cross_entropy_values():
    AL = np.array([[0.7, 0.1], [0.3, 0.9]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert MeanSquaredError().cost(AL, Y) == pytest.approx((0.09 * 2 + 0.01 * 2) / 4)
    assert CategoricalCrossEntropy().cost(AL, Y) == pytest.approx(-(np.log(0.7) + np.log(0.9)) / 2)


@pytest.mark.parametrize(
    ("loss", "activation"),
    [(BinaryCrossEntropy(), Sigmoid()), (CategoricalCrossEntropy(), Softmax())],
    ids=["sigmoid+bce", "softmax+ce"],
)
@given(n=st.integers(1, 5), m=dims, seed=seeds)
def test_fused_dZ_equals_the_unfused_chain(loss, activation, n, m, seed):
    rng = np.random.default_rng(seed)
    if isinstance(activation, Softmax):
        n = max(n, 2)
    Z = rng.standard_normal((n, m)) * 3
    AL, cache = activation.forward(Z)
    Y = labels_for(loss, rng, n, m)
    unfused = activation.backward(loss.gradient(AL, Y), cache)
    np.testing.assert_allclose(loss.fused_dZ(AL, Y), unfused, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "block",
    [Dense(3, 2), *ACTIVATIONS, Dropout(0.5, seed=0)],
    ids=repr,
)
def test_blocks_do_not_modify_their_inputs(block):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 4)) if isinstance(block, Dense) else rng.standard_normal((2, 4))
    A_copy = A.copy()
    if isinstance(block, Dropout):
        out, cache = block.forward(A, training=True)
    else:
        out, cache = block.forward(A)
    dOut = np.ones_like(out)
    dOut_copy = dOut.copy()
    block.backward(dOut, cache)
    np.testing.assert_array_equal(A, A_copy)
    np.testing.assert_array_equal(dOut, dOut_copy)


def test_every_public_name_is_importable():
    for name in dir(models):
        if not name.startswith("_"):
            assert getattr(models, name) is not None


def test_importing_models_imports_neither_gradcheck_nor_pytest():
    import subprocess
    import sys

    code = (
        "import sys, models; "
        "print(','.join(m for m in ('gradcheck', 'pytest', 'hypothesis') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# -- the annotations are enforced; gradients must match their cache -----------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Dense(2, 3).forward(np.ones((2, 5)), np.ones((3, 2)), np.ones(3)), r"b must be"),
        (lambda: Sigmoid().forward(np.ones(5)), r"Z must be \(\*k, n\[l\], m\): got \(5,\)"),
        (lambda: Tanh().forward(np.ones((2, 5), dtype=int)), r"Z must hold Float values"),
        (
            lambda: MeanSquaredError().cost(np.ones((1, 5)), np.ones((2, 5))),
            r"Y must be \(\*k, n\[L\], m\) = \(\*k, 1, 5\): got \(2, 5\)",
        ),
        (lambda: Dropout(0.5).forward(np.ones(4), training=True), r"A must be"),
    ],
    ids=["Dense b rank-1", "Sigmoid rank-1", "Tanh int", "MSE Y", "Dropout rank-1"],
)
def test_dimcheck_enforces_the_blocks_shape_annotations(call, message):
    import dimcheck

    with pytest.raises(dimcheck.ShapeError, match=message):
        call()


@pytest.mark.parametrize("block", [Dense(2, 3), ReLU(), Softmax(), Dropout(0.5)], ids=repr)
def test_a_gradient_from_another_batch_than_the_cache_is_named(block):
    n_in = 2 if isinstance(block, Dense) else 3
    out, cache = (
        block.forward(np.ones((n_in, 5)), training=True)
        if isinstance(block, Dropout)
        else block.forward(np.ones((n_in, 5)))
    )
    name = r"dZ\[l\]" if isinstance(block, Dense) else r"dA\[l\]"
    with pytest.raises(
        models.ModelInputError,
        match=rf"^{name} has shape \(3, 4\): expected \(n\[l\], m\) = \(3, 5\), "
        r"the shape of .* in the cache; pass the cache returned by forward on the same batch$",
    ):
        block.backward(np.ones((3, 4)), cache)
    # A stack of gradients against a plain cache is not a mismatch.
    result = block.backward(np.ones((2, *out.shape)), cache)
    d_input = result[0] if isinstance(result, tuple) else result
    assert d_input.shape == (2, n_in, 5)


@contextlib.contextmanager
def dimcheck_disabled():
    """Reach the arithmetic itself, as a run with `DIMCHECK=0` would."""
    dimcheck.disable()
    try:
        yield
    finally:
        dimcheck.enable()


@pytest.mark.parametrize(
    ("W_shape", "A_shape", "b_shape"),
    [
        ((3, 4), (4, 5), (3, 1)),  # the plain layer
        ((2, 3, 4), (4, 5), (3, 1)),  # stacked W
        ((3, 4), (4, 5), (2, 3, 1)),  # stacked b only: Z must grow to (2, 3, 5)
        ((3, 4), (2, 4, 5), (1, 3, 1)),  # stacked A, b with a size-1 stack axis
        ((3, 4), (4, 1), (3, 5)),  # m = 1 meeting a wider b: Z must grow
    ],
)
def test_linear_forward_adds_b_exactly_like_W_at_A_prev_plus_b(W_shape, A_shape, b_shape):
    # The bias is added in place into the fresh product where that is safe; the
    # result must be bitwise the plain expression's, and the inputs untouched.
    rng = np.random.default_rng(0)
    W, A_prev, b = (rng.standard_normal(s) for s in (W_shape, A_shape, b_shape))
    copies = [a.copy() for a in (W, A_prev, b)]
    with dimcheck_disabled():
        Z, _ = models._dense.linear_forward(A_prev, W, b)
    assert np.array_equal(Z, W @ A_prev + b)
    for before, after in zip(copies, (W, A_prev, b), strict=True):
        assert np.array_equal(before, after)
