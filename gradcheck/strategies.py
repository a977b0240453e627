"""Hypothesis strategies for property tests of neural-network code, in the course notation.

Needs hypothesis (a test dependency, not a runtime one). Every array is float64.

- `layer_dims(...)`: architectures `[n[0], n[1], ..., n[L]]` with bounds on depth and width.
- `parameters(layer_dims, X=None)`: the Course's dict `{"W1": (n[1], n[0]), "b1": (n[1], 1),
  ...}`, well-conditioned (every entry bounded away from 0 and of moderate size), and away
  from the hidden activation's kinks for the batch `X` when given.
- `batches(n_x, m)`: `(X, Y)` with `X` of shape `(n[0], m)` and `Y` of shape `(n[L], m)`.
- `problems(...)`: `layer_dims`, parameters and a batch together, with every hidden
  pre-activation `Z[l]` at least `margin` away from the kinks the hidden activation
  declares (`models.ReLU().kinks == (0.0,)`), so that a gradient check sees a smooth
  function.
- `networks(...)`: `models.DeepNetwork` instances with drawn parameters.

`GRADING_PROFILE` (`"dimgrad-grading"`) is registered when this module is imported:
derandomised, no deadline, no example database, 25 examples, so that students and
graders see the same counterexample. Load it with `--hypothesis-profile=dimgrad-grading`
(the plugin loads it by itself under `--grade-json`).

A property test::

    from hypothesis import given
    from gradcheck import strategies as gs

    @given(gs.problems(m=gs.st.integers(1, 8)))
    def test_forward_returns_AL_and_one_cache_per_layer(problem):
        AL, caches = L_model_forward(problem.X, problem.parameters)
        L = len(problem.layer_dims) - 1
        assert AL.shape == (problem.layer_dims[-1], problem.X.shape[1])  # (n[L], m)
        assert len(caches) == L
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

try:
    import hypothesis.strategies as st
    from hypothesis import assume
    from hypothesis.extra import numpy as hnp
except ImportError as error:  # pragma: no cover - hypothesis is in the test extra
    raise ImportError(
        "gradcheck.strategies needs hypothesis: pip install hypothesis (or dimgrad[test])"
    ) from error

import numpy as np

from .grading._profile import GRADING_PROFILE, register_grading_profile

__all__ = [
    "GRADING_PROFILE",
    "GRADING_SETTINGS",
    "Problem",
    "batches",
    "layer_dims",
    "networks",
    "parameters",
    "problems",
    "st",
]

#: The settings of the grading profile (see the module docstring).
GRADING_SETTINGS = register_grading_profile()

IntOrStrategy = int | st.SearchStrategy[int]
_LABELS = ("binary", "categorical", "real")


def _ints(value: IntOrStrategy | None, name: str, low: int = 1) -> st.SearchStrategy[int]:
    if value is None:
        raise TypeError(f"{name} is required")
    if isinstance(value, st.SearchStrategy):
        return value
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} must be an integer >= {low} or a strategy: got {value!r}")
    return st.just(int(value))


def layer_dims(
    *,
    min_layers: int = 1,
    max_layers: int = 3,
    min_units: int = 1,
    max_units: int = 6,
    n_x: IntOrStrategy | None = None,
    n_y: IntOrStrategy | None = 1,
) -> st.SearchStrategy[list[int]]:
    """Architectures `[n[0], n[1], ..., n[L]]`.

    **Arguments:**

    - `min_layers`, `max_layers`: bounds on `L`, the number of layers with weights.
    - `min_units`, `max_units`: bounds on every `n[l]` that is not fixed.
    - `n_x`: `n[0]`, an integer or a strategy (default: drawn like the hidden widths).
    - `n_y`: `n[L]`, an integer or a strategy (default 1; `None` to draw it).

    **Returns:** a strategy of lists of `L + 1` positive integers; shrinks towards
    shallow, narrow networks.
    """
    if not 1 <= min_layers <= max_layers:
        raise ValueError(f"need 1 <= min_layers <= max_layers: got {min_layers}, {max_layers}")
    if not 1 <= min_units <= max_units:
        raise ValueError(f"need 1 <= min_units <= max_units: got {min_units}, {max_units}")
    width = st.integers(min_units, max_units)
    first = width if n_x is None else _ints(n_x, "n_x")
    last = width if n_y is None else _ints(n_y, "n_y")

    @st.composite
    def draw_dims(draw: Any) -> list[int]:
        L = draw(st.integers(min_layers, max_layers))
        hidden = [draw(width) for _ in range(L - 1)]
        return [draw(first), *hidden, draw(last)]

    return draw_dims()


def _away_from_zero(low: float, high: float) -> st.SearchStrategy[float]:
    # Entries bounded away from 0 keep every weight matrix far from rank-deficient
    # products of tiny numbers, and shrink to the tame `low`, not to 0.
    magnitude = st.floats(low, high)
    return st.one_of(magnitude, magnitude.map(lambda v: -v))


def _dims(value: Sequence[int]) -> list[int]:
    dims = [int(n) for n in value]
    if len(dims) < 2 or any(n < 1 for n in dims):
        raise ValueError(
            f"layer_dims must be [n[0], ..., n[L]] with L >= 1 and every n[l] >= 1: got {dims}"
        )
    return dims


def parameters(
    layer_dims: Sequence[int],
    *,
    transposed: bool = False,
    X: np.ndarray | None = None,
    hidden: Any = "relu",
    margin: float = 1e-3,
) -> st.SearchStrategy[dict[str, np.ndarray]]:
    """Parameters in the Course's dict form for the given architecture.

    **Arguments:**

    - `layer_dims`: `[n[0], ..., n[L]]`.
    - `transposed`: store `W[l]` as `(n[l-1], n[l])` (the convention of some course
      material, `Z = W.T @ A + b`) instead of `(n[l], n[l-1])`.
    - `X`: `(n[0], m)`, when given: only parameters for which every hidden pre-activation
      `Z[l]` of this batch is at least `margin` away from every kink of the `hidden`
      activation (the kink at 0 of ReLU and leaky ReLU) and no hidden layer is off for
      every example (which would leave the next `W[l]` unused); and never an all-zero `X`.
      See `problems`, which draws `X` too.
    - `hidden`: the hidden activation, a name `models.get_activation` knows (`"relu"`,
      `"tanh"`, ...) or an instance; its own `forward` and `kinks` are used.

    **Returns:** a strategy of dicts `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`, float64.
    `W[l]` entries have magnitudes in `[0.5, 1.5] / sqrt(n[l-1])` (activations stay of
    order one through the layers), `b[l]` entries in `[0.1, 0.5]`, either sign.
    """
    dims = _dims(layer_dims)
    if X is not None and (np.ndim(X) != 2 or np.shape(X)[0] != dims[0]):
        raise ValueError(
            f"X must be (n[0], m) = ({dims[0]}, m) for these layer_dims: got {np.shape(X)}"
        )
    if X is not None and transposed:
        raise ValueError("X (kink avoidance) needs the standard convention, not transposed")
    activation = _activation(hidden)

    @st.composite
    def draw_parameters(draw: Any) -> dict[str, np.ndarray]:
        drawn: dict[str, np.ndarray] = {}
        for l in range(1, len(dims)):  # noqa: E741 - the course's name for a layer
            n_l, n_prev = dims[l], dims[l - 1]
            shape = (n_prev, n_l) if transposed else (n_l, n_prev)
            W = draw(hnp.arrays(np.float64, shape, elements=_away_from_zero(0.5, 1.5)))
            drawn[f"W{l}"] = W / np.sqrt(n_prev)
            drawn[f"b{l}"] = draw(
                hnp.arrays(np.float64, (n_l, 1), elements=_away_from_zero(0.1, 0.5))
            )
        if X is not None:
            # Every W[l] must move the cost: an all-zero X or a hidden layer off for
            # every example (all its ReLUs dead) leaves the next W[l] unused, and a
            # gradient check of an unused parameter checks nothing.
            assume(bool(np.any(X != 0)))
            for Z in _pre_activations(drawn, X, activation):
                for kink in activation.kinks:
                    assume(bool(np.min(np.abs(Z - kink)) >= margin))
                assume(bool(np.any(activation.forward(Z)[0] != 0)))
        return drawn

    return draw_parameters()


def batches(
    n_x: int, m: IntOrStrategy, *, n_y: int = 1, labels: str = "binary"
) -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """A batch `(X, Y)` of `m` examples, one per column.

    **Arguments:**

    - `n_x`: `n[0]`, the number of features.
    - `m`: the number of examples, an integer or a strategy.
    - `n_y`: `n[L]`, the number of outputs.
    - `labels`: `"binary"` (0 or 1), `"categorical"` (one-hot columns over `n_y` classes)
      or `"real"` (in `[-1, 1]`).

    **Returns:** a strategy of `(X, Y)`, `X` of shape `(n[0], m)` with entries of
    magnitude in `[0.05, 2]`, either sign, `Y` of shape `(n[L], m)`, float64. No
    feature is zero or vanishingly small (`1e-100`): the entries of `W[1]` it
    multiplies would barely move the cost, and their gradient check would see only
    roundoff.
    """
    if labels not in _LABELS:
        raise ValueError(f"labels must be one of {', '.join(_LABELS)}: got {labels!r}")
    n_x, n_y = _dims([n_x, n_y])
    examples = _ints(m, "m")

    @st.composite
    def draw_batch(draw: Any) -> tuple[np.ndarray, np.ndarray]:
        size = draw(examples)
        X = draw(hnp.arrays(np.float64, (n_x, size), elements=_away_from_zero(0.05, 2.0)))
        if labels == "binary":
            Y = draw(hnp.arrays(np.float64, (n_y, size), elements=st.sampled_from([0.0, 1.0])))
        elif labels == "categorical":
            classes = draw(hnp.arrays(np.int64, (size,), elements=st.integers(0, n_y - 1)))
            Y = np.zeros((n_y, size))
            Y[classes, np.arange(size)] = 1.0
        else:
            Y = draw(hnp.arrays(np.float64, (n_y, size), elements=st.floats(-1.0, 1.0)))
        return X, Y

    return draw_batch()


_any_layer_dims = layer_dims


def _dims_strategy(
    value: Sequence[int] | st.SearchStrategy[list[int]] | None,
) -> st.SearchStrategy[list[int]]:
    if isinstance(value, st.SearchStrategy):
        return value
    return _any_layer_dims() if value is None else st.just(_dims(value))


class Problem(NamedTuple):
    """A network's architecture, parameters and a batch: everything a gradient check needs.

    - `layer_dims`: `[n[0], ..., n[L]]`.
    - `parameters`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`.
    - `X`: `(n[0], m)`. `Y`: `(n[L], m)`.
    """

    layer_dims: list[int]
    parameters: dict[str, np.ndarray]
    X: np.ndarray
    Y: np.ndarray


def _activation(hidden: Any) -> Any:
    """The `models` activation `hidden` names, which knows its own forward pass and kinks."""
    import models

    try:
        return models.get_activation(hidden, role="hidden")
    except models.ModelInputError as error:
        raise ValueError(str(error)) from error


def _pre_activations(parameters: dict[str, np.ndarray], X: np.ndarray, activation: Any) -> list:
    """The hidden `Z[1], ..., Z[L-1]` of the batch `X`, each `(n[l], m)`."""
    A, Zs = X, []
    L = len(parameters) // 2
    for l in range(1, L):  # noqa: E741 - the course's name for a layer
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        Zs.append(Z)
        A = activation.forward(Z)[0]
    return Zs


def problems(
    layer_dims: Sequence[int] | st.SearchStrategy[list[int]] | None = None,
    m: IntOrStrategy | None = None,
    *,
    hidden: Any = "relu",
    labels: str = "binary",
    margin: float = 1e-3,
) -> st.SearchStrategy[Problem]:
    """Architectures, parameters and batches together, away from the hidden activation's kinks.

    **Arguments:**

    - `layer_dims`: a fixed `[n[0], ..., n[L]]` or a strategy (default `layer_dims()`).
    - `m`: the number of examples, an integer or a strategy (default 1 to 6).
    - `hidden`: the hidden activation the code under test uses (a name or a `models`
      activation): every hidden pre-activation `Z[l]` is at least `margin` from each of
      its `kinks` (0 for `"relu"` and `"leaky_relu"`), so central differences with a small
      step never cross one.
    - `labels`: as in `batches`.
    - `margin`: the distance from the kinks. `1e-3` is a hundred times the largest change
      of `Z[l]` that a step of `1e-5` in one parameter can cause with these magnitudes.

    **Returns:** a strategy of `Problem(layer_dims, parameters, X, Y)`.
    """
    dims_strategy = _dims_strategy(layer_dims)
    examples = st.integers(1, 6) if m is None else _ints(m, "m")
    activation = _activation(hidden)

    @st.composite
    def draw_problem(draw: Any) -> Problem:
        dims = draw(dims_strategy)
        X, Y = draw(batches(dims[0], examples, n_y=dims[-1], labels=labels))
        params = draw(parameters(dims, X=X, hidden=activation, margin=margin))
        return Problem(dims, params, X, Y)

    return draw_problem()


def networks(
    layer_dims: Sequence[int] | st.SearchStrategy[list[int]] | None = None,
    *,
    hidden: str = "relu",
    output: str = "sigmoid",
    **options: Any,
) -> st.SearchStrategy[Any]:
    """`models.DeepNetwork` instances with drawn, well-conditioned parameters.

    **Arguments:**

    - `layer_dims`: a fixed `[n[0], ..., n[L]]` or a strategy (default `layer_dims()`).
    - `hidden`, `output`: the activations, as `models.DeepNetwork` takes them.
    - `options`: passed on to `models.DeepNetwork` (`lambd`, `keep_prob`, `loss`, ...).

    **Returns:** a strategy of networks whose parameters come from `parameters(...)`.
    """
    import models

    dims_strategy = _dims_strategy(layer_dims)

    @st.composite
    def draw_network(draw: Any) -> Any:
        dims = draw(dims_strategy)
        network = models.DeepNetwork(dims, hidden=hidden, output=output, **options)
        network.set_parameters(draw(parameters(dims)))
        return network

    return draw_network()
