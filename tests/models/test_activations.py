"""Activations describe themselves truthfully, and a class with a `name` registers itself.

What an activation declares (`elementwise`, `columnwise`, `kinks`,
`piecewise_linear`, `derivative`) is what gradient checks and test strategies
act on without looking at its type, so each claim is tested against the
forward pass itself, for every registered activation.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import models
from models import Activation, LeakyReLU, ModelInputError, ModelTypeError, ReLU, get_activation
from models import _activations as registry

# Every registered activation with its default settings, and settings other than the defaults.
ACTIVATIONS = [cls() for cls in models.ACTIVATIONS.values()] + [LeakyReLU(0.1), LeakyReLU(0.0)]
ELEMENTWISE = [a for a in ACTIVATIONS if a.elementwise]
KINKED = [a for a in ACTIVATIONS if a.kinks]
PIECEWISE_LINEAR = [a for a in ACTIVATIONS if a.piecewise_linear]

# Central differences in float64 with this step agree with g' to ~1e-9 for the
# O(1) inputs used here (truncation h^2 |g'''| ~ 1e-12, rounding 1e-16 / h ~ 1e-10).
STEP = 1e-6
seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 5)


def away_from_kinks(Z: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    """Move entries at least 1e-2 (far more than `STEP`) from each kink."""
    for kink in kinks:
        near = np.abs(Z - kink) < 1e-2
        Z = np.where(near, kink + np.where(kink <= Z, 2e-2, -2e-2), Z)
    return Z


@pytest.fixture
def restored_registry():
    """Undo whatever a test registers, so that other tests see the built-in activations."""
    saved = (dict(registry._REGISTRY), dict(registry._ALIASES))
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved[0])
    registry._ALIASES.clear()
    registry._ALIASES.update(saved[1])


# -- the registry ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls"), list(models.ACTIVATIONS.items()))
def test_every_registered_activation_is_found_by_name_and_alias_and_re_exported(name, cls):
    assert isinstance(get_activation(name), cls)
    assert isinstance(get_activation(name.upper().replace("_", "-")), cls)
    for alias in cls.aliases:
        assert isinstance(get_activation(alias), cls)
    assert getattr(models, cls.__name__) is cls, f"add {cls.__name__} to models/__init__.py"
    assert cls.name == name and repr(cls()).startswith(cls.__name__)


def test_the_registry_is_read_only():
    with pytest.raises(TypeError):
        models.ACTIVATIONS["relu6"] = ReLU  # type: ignore[index]


def test_unknown_names_list_every_choice_with_its_aliases():
    # Not anchored at the end: activations defined elsewhere (docs/models.md) follow.
    with pytest.raises(
        ModelInputError,
        match=r"^unknown activation 'relu6' for hidden: expected one of 'sigmoid', 'tanh', "
        r"'relu', 'leaky_relu', 'identity' \(alias 'linear'\), 'softmax'",
    ) as raised:
        get_activation("relu6", role="hidden")
    assert str(raised.value).endswith("(or an instance such as LeakyReLU(slope=0.1))")


def test_a_new_activation_is_one_class(restored_registry):
    class Swish(Activation):
        """`g(z) = z sigmoid(z)`, `g'(z) = s + z s (1 - s)` with `s = sigmoid(z)`."""

        name = "swish"
        aliases = ("silu",)
        elementwise = True
        columnwise = True

        def _g(self, Z):
            return Z * models.Sigmoid()._g(Z)

        def _derivative(self, Z, A):
            s = models.Sigmoid()._g(Z)
            return s + Z * s * (1 - s)

    assert models.ACTIVATIONS["swish"] is Swish
    assert isinstance(get_activation("SiLU"), Swish)
    net = models.DeepNetwork([2, 3, 1], hidden="swish", seed=0)
    assert isinstance(net.layers[1], Swish)
    Z = np.array([[-2.0, 0.0, 3.0]])
    dZ = Swish().backward(np.ones_like(Z), Swish().forward(Z)[1])
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(dZ, s + Z * s * (1 - s), rtol=1e-14)


def test_a_name_already_taken_by_another_class_is_refused(restored_registry):
    with pytest.raises(
        ModelInputError,
        match=r"^activation name 'relu' is taken by models\._activations\.ReLU; "
        r"give .*MyReLU another name$",
    ):

        class MyReLU(ReLU):
            name = "relu"


def test_redefining_the_same_class_replaces_it_as_a_re_run_notebook_cell_does(
    restored_registry,
):
    def define():
        class Cube(Activation):
            name = "cube"
            elementwise = True

            def _g(self, Z):
                return Z**3

            def _derivative(self, Z, A):
                return 3 * Z**2

        return Cube

    first, second = define(), define()
    assert first is not second and models.ACTIVATIONS["cube"] is second


def test_a_subclass_without_a_name_of_its_own_is_not_registered(restored_registry):
    before = dict(models.ACTIVATIONS)

    class Relu2(ReLU):
        pass

    assert dict(models.ACTIVATIONS) == before
    assert isinstance(get_activation(Relu2), Relu2)


# -- the claims are inherited only by subclasses that compute the same thing ------


def test_a_subclass_that_changes_the_computation_loses_the_fast_path_claims():
    class Shifted(ReLU):
        def _g(self, Z):
            return np.maximum(Z, 1.0)

    assert (Shifted.elementwise, Shifted.columnwise, Shifted.piecewise_linear) == (
        False,
        False,
        False,
    )
    assert Shifted.kinks == (0.0,), "kinks are inherited: only the fast-path claims are reset"


def test_a_subclass_that_restates_a_claim_or_changes_nothing_keeps_it():
    class Restated(ReLU):
        elementwise = True

        def _g(self, Z):
            return np.maximum(Z, 0.0)

    class Unchanged(ReLU):
        def __repr__(self):
            return "Unchanged()"

    assert Restated.elementwise and not Restated.piecewise_linear
    assert Unchanged.elementwise and Unchanged.columnwise and Unchanged.piecewise_linear


# -- every claim holds for the forward pass --------------------------------------


@pytest.mark.parametrize("activation", ELEMENTWISE, ids=repr)
@given(n=dims, m=dims, seed=seeds)
def test_derivative_is_the_central_difference_of_forward(activation, n, m, seed):
    rng = np.random.default_rng(seed)
    Z = away_from_kinks(rng.standard_normal((n, m)) * 3, activation.kinks)
    numeric = (activation.forward(Z + STEP)[0] - activation.forward(Z - STEP)[0]) / (2 * STEP)
    slope = activation.derivative(Z)
    assert slope.shape == Z.shape and slope.dtype == np.float64
    np.testing.assert_allclose(slope, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("activation", ELEMENTWISE, ids=repr)
def test_backward_of_an_elementwise_activation_is_dA_times_its_derivative(activation):
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((2, 4, 5)) * 3
    dA = rng.standard_normal((2, 4, 5))
    dZ = activation.backward(dA, activation.forward(Z)[1])
    np.testing.assert_allclose(dZ, dA * activation.derivative(Z), rtol=1e-15, atol=0)


@pytest.mark.parametrize("activation", KINKED, ids=repr)
def test_the_derivative_jumps_at_each_kink_and_takes_the_left_side_on_it(activation):
    for kink in activation.kinks:
        left, on, right = activation.derivative(np.array([[kink - 1e-3, kink, kink + 1e-3]]))[0]
        assert left != right, f"{activation!r} declares a kink at {kink} where g' is continuous"
        assert on == left


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=repr)
@given(n=st.integers(2, 5), m=st.integers(2, 5), seed=seeds)
def test_elementwise_and_columnwise_claims_hold(activation, n, m, seed):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, m))
    A = activation.forward(Z)[0]
    i, j = int(rng.integers(n)), int(rng.integers(m))
    entry = Z.copy()
    entry[i, j] += 0.5
    column = Z.copy()
    column[:, j] += rng.standard_normal(n)
    changed_by_entry = activation.forward(entry)[0] != A
    changed_by_column = activation.forward(column)[0] != A
    if activation.elementwise:
        others = np.ones((n, m), dtype=bool)
        others[i, j] = False
        assert not changed_by_entry[others].any()
    if activation.columnwise:
        assert not np.delete(changed_by_column, j, axis=1).any()


@pytest.mark.parametrize("activation", PIECEWISE_LINEAR, ids=repr)
@given(n=dims, m=dims, seed=seeds)
def test_a_change_crossing_no_kink_passes_through_exactly_linearly(activation, n, m, seed):
    rng = np.random.default_rng(seed)
    Z0 = away_from_kinks(rng.standard_normal((n, m)) * 3, activation.kinks)
    change = rng.uniform(-5e-3, 5e-3, size=(n, m))  # less than the 1e-2 kept from kinks
    expected = activation.forward(Z0)[0] + activation.derivative(Z0) * change
    np.testing.assert_allclose(activation.forward(Z0 + change)[0], expected, rtol=1e-12, atol=1e-14)


def test_softmax_has_no_entrywise_derivative_and_says_what_to_use():
    with pytest.raises(
        ModelTypeError,
        match=r"^Softmax\(\) is not elementwise: .* \(n\[l\], n\[l\]\) Jacobian per example, "
        r"not one number per entry; use backward\(dA, cache\) for dZ\[l\]$",
    ):
        models.Softmax().derivative(np.zeros((3, 2)))


@pytest.mark.parametrize("activation", ELEMENTWISE, ids=repr)
def test_derivative_returns_a_new_array_and_leaves_Z_alone(activation):
    Z = np.asfortranarray(np.linspace(-2, 2, 12).reshape(3, 4))
    before = Z.copy()
    slope = activation.derivative(Z)
    slope[...] = 7.0
    np.testing.assert_array_equal(Z, before)
