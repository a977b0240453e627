"""Issue 11's lint cases: squeezed bias gradients, generators, and the Course's data code."""

import textwrap

import pytest

from dimcheck._lint import Finding, lint_source
from dimcheck._vocabulary import rank1_hint


def lint(code: str) -> list[Finding]:
    return lint_source(textwrap.dedent(code))


def codes(code: str) -> list[tuple[int, str]]:
    return [(finding.line, finding.code) for finding in lint(code)]


# The Course 2 regularisation assignment's data helper (reg_utils.py), as published:
# rank-1 noise on 1-D data, never a parameter.
REG_UTILS = """\
import numpy as np

def load_planar_dataset(randomness, seed):
    np.random.seed(seed)
    m = 50
    N = int(m / 2)
    D = 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype="uint8")
    a = 2
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        if j == 0:
            t = np.linspace(j, 4 * 3.1415 * (j + 1), N)
            r = 0.3 * np.square(t) + np.random.randn(N) * randomness
        if j == 1:
            t = np.linspace(j, 2 * 3.1415 * (j + 1), N)
            r = 0.2 * np.square(t) + np.random.randn(N) * randomness
        X[ix] = np.c_[r * np.cos(t), r * np.sin(t)]
        Y[ix] = j
    X = X.T
    Y = Y.T
    return X, Y
"""


def test_the_course_reg_utils_data_generator_is_not_reported() -> None:
    assert codes(REG_UTILS) == []


@pytest.mark.parametrize(
    "line",
    [
        "noise = np.random.randn(N) * randomness",
        "noise = rng.standard_normal(N)",
        "noise = rng.normal(0.0, randomness, N)",
        "radius = np.random.rand(N)",
    ],
)
def test_rank_1_data_inside_a_data_generator_is_not_reported(line: str) -> None:
    text = f"""\
    import numpy as np
    def make_toy_data(N, randomness, seed):
        rng = np.random.default_rng(seed)
        {line}
        return locals()
    """
    assert codes(text) == []


@pytest.mark.parametrize(
    ("function", "line"),
    [
        ("initialize_parameters", "b1 = np.random.randn(n_h)"),
        ("initialize_parameters_he", "bias = np.random.randn(n_h) * 0.01"),
        ("update_parameters_with_momentum", "noise = np.random.randn(n_h)"),
        ("helper", "b1 = np.random.randn(n_h)"),  # a parameter name is one anywhere
        ("helper", 'parameters["b1"] = np.random.randn(n_h)'),
    ],
)
def test_rank_1_random_arrays_in_parameter_code_are_reported(function: str, line: str) -> None:
    text = f"""\
    import numpy as np
    def {function}(n_h):
        parameters = {{}}
        {line}
        return parameters
    """
    assert codes(text) == [(4, "DC101")]


def test_rank_1_random_arrays_at_module_level_keep_being_reported() -> None:
    # The lecture's own example, in a notebook cell or a script.
    assert codes("import numpy as np\na = np.random.randn(5)\n") == [(2, "DC101")]


@pytest.mark.parametrize(
    ("setup", "call", "fix"),
    [
        (
            "rng = np.random.default_rng(1)",
            "rng.standard_normal((n_h,))",
            "rng.standard_normal((n_h, 1))",
        ),
        (
            "rng = np.random.default_rng(1)",
            "rng.standard_normal(n_h)",
            "rng.standard_normal((n_h, 1))",
        ),
        ("rng = np.random.default_rng(1)", "rng.random(size=n_h)", "rng.random(size=(n_h, 1))"),
        ("rng = np.random.default_rng(1)", "rng.normal(0, 1, n_h)", "rng.normal(0, 1, (n_h, 1))"),
        (
            "rng = np.random.default_rng(1)",
            "rng.uniform(-1, 1, (n_h,))",
            "rng.uniform(-1, 1, (n_h, 1))",
        ),
        ("rng = np.random.RandomState(1)", "rng.randn(n_h)", "rng.randn(n_h, 1)"),
        (
            "from numpy.random import default_rng\ngen = default_rng(0)",
            "gen.random(n_h)",
            "gen.random((n_h, 1))",
        ),
        (
            "",
            "np.random.default_rng(0).standard_normal(n_h)",
            "np.random.default_rng(0).standard_normal((n_h, 1))",
        ),
        ("", "np.random.standard_normal(n_h)", "np.random.standard_normal((n_h, 1))"),
    ],
)
def test_rank_1_from_a_generator_is_reported_with_its_own_fix(
    setup: str, call: str, fix: str
) -> None:
    text = f"import numpy as np\n{setup}\nn_h = 4\nb1 = {call}\n"
    (finding,) = lint_source(text)
    assert finding.code == "DC101"
    assert rank1_hint("b1", "n_h", fix=fix) in finding.message


@pytest.mark.parametrize("parameter", ["rng", "rng: np.random.Generator", "g: Generator"])
def test_a_generator_passed_in_is_recognised(parameter: str) -> None:
    name = parameter.partition(":")[0]
    text = f"""\
    import numpy as np
    from numpy.random import Generator
    def initialize_parameters(n_x, n_h, {parameter}):
        W1 = {name}.standard_normal((n_h, n_x)) * 0.01
        b1 = {name}.standard_normal(n_h)
        return W1, b1
    """
    assert codes(text) == [(5, "DC101")]


@pytest.mark.parametrize(
    "line",
    [
        "b1 = rng.standard_normal((n_h, 1))",
        "b1 = rng.standard_normal(size=(n_h, 1)) * 0.01",
        "order = rng.permutation(m)",  # indices for mini-batches: a vector on purpose
        "pick = rng.integers(0, m, m)",
        "x = rng.standard_normal()",  # one number
        "b1 = rng.standard_normal(shape)",  # `shape` may well be a tuple
    ],
)
def test_generator_look_alikes_stay_silent(line: str) -> None:
    text = f"""\
    import numpy as np
    def initialize_parameters(n_h, m, shape, seed):
        rng = np.random.default_rng(seed)
        {line}
    """
    assert codes(text) == []


def test_a_name_rebound_from_a_generator_to_something_else_is_forgotten() -> None:
    text = """\
    import numpy as np
    import random
    rng = np.random.default_rng(0)
    rng = random.Random(0)
    b1 = rng.random(4)
    """
    assert codes(text) == []


SQUEEZED = [
    "np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m",
    "np.sum(dZ, axis=1, keepdims=True).squeeze() / m",
    "1 / m * np.sum(dZ, axis=1, keepdims=True).ravel()",
    "np.ravel(np.mean(dZ, axis=1, keepdims=True))",
    "np.sum(dZ, axis=1, keepdims=True).reshape(-1) / m",
    "dZ.sum(axis=1, keepdims=True).flatten() / m",
]


@pytest.mark.parametrize("value", SQUEEZED)
def test_a_squeezed_bias_gradient_is_reported(value: str) -> None:
    text = f"""\
    import numpy as np
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[1]
        db = {value}
        return db
    """
    (finding,) = lint(text)
    assert (finding.line, finding.code) == (5, "DC204")
    assert "db no longer has the shape (n[l], 1) of b[l]" in finding.message
    assert "keepdims=True" in finding.message.rpartition("Keep the column: write ")[2]


def test_the_squeeze_fix_is_the_same_line_without_the_squeeze() -> None:
    text = """\
    import numpy as np
    def linear_backward(dZ, A_prev, m):
        db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m
        return db
    """
    (finding,) = lint(text)
    fix = "np.sum(dZ, axis=1, keepdims=True) / m"
    assert finding.message.endswith(rank1_hint("db", "n[l]", fix=fix))


def test_a_squeezed_db_is_reported_once_not_again_where_it_is_used() -> None:
    text = """\
    import numpy as np
    def backward(dZ, b, m, learning_rate):
        db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m
        b = b - learning_rate * db
        return b
    """
    assert codes(text) == [(3, "DC204")]


@pytest.mark.parametrize(
    "text",
    [
        # Logistic regression: `b` is a scalar and so is db; squeezing it is harmless.
        "def propagate(w, b, X, Y):\n    db = np.squeeze(np.sum(A - Y)) / m\n",
        # Squeezed, then made a column again before use.
        "def f(dZ, m):\n    db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m\n"
        "    db = db.reshape(-1, 1)\n",
        # Not a bias gradient.
        "def f(dZ):\n    cost = np.squeeze(np.sum(dZ, axis=1, keepdims=True))\n",
        # Examples as rows: b is (n[l],) by design, and so is db.
        "def backward(X, W1, W2, dZ2, dZ1):\n    A1 = X @ W1\n    A2 = A1 @ W2\n"
        "    db2 = np.squeeze(np.sum(dZ2, axis=0, keepdims=True))\n",
    ],
)
def test_squeeze_look_alikes_stay_silent(text: str) -> None:
    assert codes("import numpy as np\n" + text) == []
