"""One mistake, one sentence: the classic shape mistakes read the same from every entry point.

The table is mistakes x entry points. Each cell makes the mistake the way a student
does (the Course's code and initialiser, `randn * 0.01`, zero biases) and reads the
message; the core sentence is the course vocabulary's fix hint for that mistake
(`dimcheck._vocabulary`), with the student's variable name and the sizes left open.
Every entry point takes the sentence from the vocabulary, so a change of wording there
is a change everywhere. `dimcheck lint` sees the mistakes that are visible in the source
(a rank-1 `b`, `db` without `keepdims=True` or summed over every axis) before anything
runs: its sentence is the vocabulary's with the fix written from the student's own line
(`np.zeros((n_h, 1))` rather than a `reshape` afterwards).
"""

import re
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from jaxtyping import Float

import dimcheck
import gradcheck
import models
from dimcheck import _vocabulary as vocabulary
from tests.course import get

# The Course's deep network as a student writes it (the shared corpus, tests/course).
STUDENT = get("c1w4_deep_v3").source()
N0, N1, N2, M = 2, 3, 1, 4
LAYER_DIMS = [N0, N1, N2]


def core(hint: str) -> str:
    """The vocabulary's sentence as a pattern: any variable name (`VAR`: `db1`, or `b[l]` in
    course notation), any size (`999`), any fix written from the student's line (`FIX`)."""
    pattern = re.escape(hint.strip()).replace("VAR", r"[\w\[\]]+").replace("999", r"\d+")
    return pattern.replace("FIX", ".+")


RANK_1 = core(vocabulary.rank1_hint("VAR", 999))
RANK_1_IN_SOURCE = core(vocabulary.rank1_hint("VAR", 999, fix="FIX"))
TRANSPOSED = core(vocabulary.transpose_hint("VAR"))
SQUEEZE = r"is a \(1, 1\) array: squeeze it to a scalar"
SUMMED = core(vocabulary.single_number_hint("VAR"))
SUMMED_IN_SOURCE = core(vocabulary.single_number_hint("VAR", fix="FIX"))


def student(old: str = "", new: str = "") -> types.ModuleType:
    """The Course's deep network as a student writes it, with `old` replaced by `new`."""
    assert old in STUDENT, old
    module = types.ModuleType("student")
    exec(compile(STUDENT.replace(old, new), "student.py", "exec"), module.__dict__)
    return module


def parameters(**replaced: Any) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    params = {
        "W1": rng.standard_normal((N1, N0)) * 0.01,
        "b1": np.zeros((N1, 1)),
        "W2": rng.standard_normal((N2, N1)) * 0.01,
        "b2": np.zeros((N2, 1)),
    }
    params.update(replaced)
    return params


X = np.random.default_rng(2).standard_normal((N0, M))
Y = np.array([[0.0, 1.0, 1.0, 0.0]])


def linted(old: str, new: str) -> str:
    """What `dimcheck lint` says of the Course's deep network with `old` replaced by `new`."""
    assert old in STUDENT, old
    return "\n".join(str(finding) for finding in dimcheck.lint_source(STUDENT.replace(old, new)))


def train_instrumented(module: types.ModuleType, X: np.ndarray = X) -> None:
    """One Course training step through `dimcheck.instrument`."""
    dimcheck.instrument(module, LAYER_DIMS)
    params = module.initialize_parameters_deep(LAYER_DIMS)
    AL, caches = module.L_model_forward(X, params)
    module.compute_cost(AL, Y)
    grads = module.L_model_backward(AL, Y, caches)
    module.update_parameters(params, grads, 0.1)


def check_functions(module: types.ModuleType, X: np.ndarray = X, **replaced: Any) -> Any:
    return gradcheck.check_functions(
        forward=module.L_model_forward,
        cost=module.compute_cost,
        backward=module.L_model_backward,
        parameters=parameters(**replaced),
        X=X,
        Y=Y,
    )


# The Course's functions, annotated and decorated, each with one of the mistakes.
@dimcheck.shapes
def linear_forward(
    A_prev: Float[np.ndarray, "n_prev m"],
    W: Float[np.ndarray, "n_l n_prev"],
    b: Float[np.ndarray, "n_l 1"],
) -> Float[np.ndarray, "n_l m"]:
    return W @ A_prev + b


@dimcheck.shapes
def backward_without_keepdims(
    dZ: Float[np.ndarray, "n_l m"], A_prev: Float[np.ndarray, "n_prev m"]
) -> tuple[Float[np.ndarray, "n_l n_prev"], Float[np.ndarray, "n_l 1"]]:
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1) / m
    return dW, db


@dimcheck.shapes
def backward_summed_over_every_axis(
    dZ: Float[np.ndarray, "n_l m"], A_prev: Float[np.ndarray, "n_prev m"]
) -> tuple[Float[np.ndarray, "n_l n_prev"], Float[np.ndarray, "n_l 1"]]:
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = 1 / m * np.sum(dZ)
    return dW, db  # the mistake: db is a single number


@dimcheck.shapes
def backward_with_dW_transposed(
    dZ: Float[np.ndarray, "n_l m"], A_prev: Float[np.ndarray, "n_prev m"]
) -> tuple[Float[np.ndarray, "n_l n_prev"], Float[np.ndarray, "n_l 1"]]:
    m = A_prev.shape[1]
    dW = A_prev @ dZ.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return dW, db


@dimcheck.shapes
def compute_cost(AL: Float[np.ndarray, "1 m"], Y: Float[np.ndarray, "1 m"]) -> float:
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), keepdims=True) / m
    return cost  # type: ignore[no-any-return]  # the mistake: a (1, 1) array


W_T = parameters()["W1"].T.copy()
RANK_1_B = np.zeros(N1)
DB_LINE = "db = 1 / m * np.sum(dZ, axis=1, keepdims=True)"
DW_LINE = "dW = 1 / m * np.dot(dZ, A_prev.T)"
INIT_W = "np.random.randn(layer_dims[l], layer_dims[l - 1])"
INIT_B = 'parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))'
COST_LINE = "cost = np.squeeze(cost)"
INIT_B1 = "b1 = np.zeros((n_h, 1))"
SUMMED_LINE = "db = 1 / m * np.sum(dZ)"
CELLS: list[Any] = [
    # --- a rank-1 b, (n[1],) instead of (n[1], 1)
    ("rank-1 b", "@shapes", lambda: linear_forward(X, parameters()["W1"], RANK_1_B), RANK_1),
    (
        "rank-1 b",
        "instrument",
        lambda: train_instrumented(
            student(INIT_B, 'parameters["b" + str(l)] = np.zeros(layer_dims[l])')
        ),
        RANK_1,
    ),
    (
        "rank-1 b",
        "check_parameters",
        lambda: dimcheck.check_parameters(parameters(b1=RANK_1_B), LAYER_DIMS),
        RANK_1,
    ),
    ("rank-1 b", "lint", lambda: linted(INIT_B1, "b1 = np.zeros(n_h)"), RANK_1_IN_SOURCE),
    (
        "rank-1 b",
        "lint (a dict entry)",
        lambda: linted(INIT_B, 'parameters["b" + str(l)] = np.zeros(layer_dims[l])'),
        RANK_1_IN_SOURCE,
    ),
    pytest.param(
        "rank-1 b",
        "check_functions",
        lambda: check_functions(student(), b1=RANK_1_B),
        RANK_1,
    ),
    pytest.param(
        "rank-1 b",
        "models",
        lambda: models.DeepNetwork(LAYER_DIMS).set_parameters(parameters(b1=RANK_1_B)),
        RANK_1,
    ),
    # --- db without keepdims=True
    (
        "db without keepdims",
        "@shapes",
        lambda: backward_without_keepdims(np.ones((N1, M)), X),
        RANK_1,
    ),
    (
        "db without keepdims",
        "instrument",
        lambda: train_instrumented(student(DB_LINE, "db = 1 / m * np.sum(dZ, axis=1)")),
        RANK_1,
    ),
    (
        "db without keepdims",
        "check_gradients",
        lambda: dimcheck.check_gradients(
            {
                "dW1": np.zeros((N1, N0)),
                "db1": np.zeros(N1),
                "dW2": np.zeros((N2, N1)),
                "db2": np.zeros((N2, 1)),
            },
            parameters(),
        ),
        RANK_1,
    ),
    (
        "db without keepdims",
        "lint",
        lambda: linted(DB_LINE, "db = 1 / m * np.sum(dZ, axis=1)"),
        RANK_1_IN_SOURCE,
    ),
    pytest.param(
        "db without keepdims",
        "check_functions",
        lambda: check_functions(student(DB_LINE, "db = 1 / m * np.sum(dZ, axis=1)")),
        RANK_1,
    ),
    # --- db summed over every axis, a single number (one line of the notes writes it so)
    pytest.param(
        "db summed over every axis",
        "@shapes",
        lambda: backward_summed_over_every_axis(np.ones((N1, M)), X),
        SUMMED,
    ),
    pytest.param(
        "db summed over every axis",
        "instrument",
        lambda: train_instrumented(student(DB_LINE, SUMMED_LINE)),
        SUMMED,
    ),
    (
        "db summed over every axis",
        "check_gradients",
        lambda: dimcheck.check_gradients(
            {
                "dW1": np.zeros((N1, N0)),
                "db1": np.float64(0.3),
                "dW2": np.zeros((N2, N1)),
                "db2": np.zeros((N2, 1)),
            },
            parameters(),
        ),
        SUMMED,
    ),
    ("db summed over every axis", "lint", lambda: linted(DB_LINE, SUMMED_LINE), SUMMED_IN_SOURCE),
    pytest.param(
        "db summed over every axis",
        "check_functions",
        lambda: check_functions(student(DB_LINE, SUMMED_LINE)),
        SUMMED,
    ),
    # --- W initialised transposed, (n[l-1], n[l])
    ("W transposed", "@shapes", lambda: linear_forward(X, W_T, parameters()["b1"]), TRANSPOSED),
    (
        "W transposed",
        "instrument",
        lambda: train_instrumented(
            student(INIT_W, "np.random.randn(layer_dims[l - 1], layer_dims[l])")
        ),
        TRANSPOSED,
    ),
    (
        "W transposed",
        "check_parameters",
        lambda: dimcheck.check_parameters(parameters(W1=W_T), LAYER_DIMS),
        TRANSPOSED,
    ),
    pytest.param(
        "W transposed",
        "check_functions",
        lambda: check_functions(student(), W1=W_T),
        TRANSPOSED,
    ),
    (
        "W transposed",
        "models",
        lambda: models.DeepNetwork(LAYER_DIMS).set_parameters(parameters(W1=W_T)),
        TRANSPOSED,
    ),
    ("W transposed", "models.Dense", lambda: models.Dense(N0, N1, W=W_T), TRANSPOSED),
    # --- dW shaped like W.T
    (
        "dW like W.T",
        "@shapes",
        lambda: backward_with_dW_transposed(np.ones((N1, M)), X),
        TRANSPOSED,
    ),
    (
        "dW like W.T",
        "instrument",
        lambda: train_instrumented(student(DW_LINE, "dW = 1 / m * np.dot(A_prev, dZ.T)")),
        TRANSPOSED,
    ),
    (
        "dW like W.T",
        "check_gradients",
        lambda: dimcheck.check_gradients(
            {
                "dW1": np.zeros((N0, N1)),
                "db1": np.zeros((N1, 1)),
                "dW2": np.zeros((N2, N1)),
                "db2": np.zeros((N2, 1)),
            },
            parameters(),
        ),
        TRANSPOSED,
    ),
    (
        "dW like W.T",
        "check_functions",
        lambda: check_functions(student(DW_LINE, "dW = 1 / m * np.dot(A_prev, dZ.T)")),
        TRANSPOSED,
    ),
    # --- the cost as a (1, 1) array
    ("cost (1, 1)", "@shapes", lambda: compute_cost(np.full((1, M), 0.5), Y), SQUEEZE),
    pytest.param(
        "cost (1, 1)",
        "instrument",
        lambda: train_instrumented(student(COST_LINE, "cost = np.reshape(cost, (1, 1))")),
        SQUEEZE,
    ),
    pytest.param(
        "cost (1, 1)",
        "check_functions",
        lambda: check_functions(student(COST_LINE, "cost = np.reshape(cost, (1, 1))")),
        SQUEEZE,
    ),
    # --- X given as (m, n[0]): the examples as rows
    ("X as rows", "@shapes", lambda: linear_forward(X.T.copy(), *_layer_1()), TRANSPOSED),
    ("X as rows", "instrument", lambda: train_instrumented(student(), X.T.copy()), TRANSPOSED),
    (
        "X as rows",
        "check_caches",
        lambda: dimcheck.check_caches([((X.T.copy(), *_layer_1()), np.zeros((N1, M)))], [N0, N1]),
        TRANSPOSED,
    ),
    pytest.param(
        "X as rows",
        "check_functions",
        lambda: check_functions(student(), X.T.copy()),
        TRANSPOSED,
    ),
    pytest.param(
        "X as rows",
        "models",
        lambda: models.DeepNetwork(LAYER_DIMS).forward(X.T.copy()),
        TRANSPOSED,
    ),
]


def _layer_1() -> tuple[np.ndarray, np.ndarray]:
    params = parameters()
    return params["W1"], params["b1"]


def message_of(make_the_mistake: Callable[[], Any]) -> str:
    """What the user reads: the error's message, or a returned report's text."""
    try:
        result = make_the_mistake()
    except Exception as error:
        return str(error)
    return str(result)


def _cell_id(cell: Any) -> str:
    values = cell.values if hasattr(cell, "values") else cell
    return f"{values[0]} via {values[1]}"


@pytest.mark.parametrize(
    ("mistake", "entry", "make_the_mistake", "sentence"), CELLS, ids=[_cell_id(c) for c in CELLS]
)
def test_one_mistake_reads_the_same_from_every_entry_point(
    mistake: str, entry: str, make_the_mistake: Callable[[], Any], sentence: str
) -> None:
    text = message_of(make_the_mistake)
    assert re.search(sentence, text), f"{mistake} via {entry}:\n{text}"


def test_every_mistake_is_tried_on_every_dimcheck_entry_point() -> None:
    # The table's rows: seven mistakes, each through @shapes and (where it can arise there)
    # instrument and the rule checks; the linter wherever the mistake is in the source.
    seen: dict[str, set[str]] = {}
    for cell in CELLS:
        values = cell.values if hasattr(cell, "values") else cell
        seen.setdefault(values[0], set()).add(values[1])
    assert len(seen) == 7
    assert all({"@shapes", "instrument"} <= entries for entries in seen.values())
    assert all("check_functions" in entries for entries in seen.values())
    in_source = ("rank-1 b", "db without keepdims", "db summed over every axis")
    assert all("lint" in seen[mistake] for mistake in in_source)
