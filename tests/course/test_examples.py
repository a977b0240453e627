"""The example files are the corpus's deep network, written out for readers.

`examples/fixed_student.py`, `examples/buggy_student.py` and `examples/assignment/` are
user-facing files (the README, the docs and the grading example use them), kept readable
on their own, each in its own words. The one source of truth is the corpus: every
function they define is a function of `c1w4_deep_v3` (same name, same arity) and
computes what it computes; `buggy_student.py` is `fixed_student.py` with one line changed,
and computes what the corpus's planted bug `c1w4_deep_v3__db_missing_1_over_m` computes.
"""

import ast
import difflib
import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.course import deep_parameters, deep_problem, get

EXAMPLES = Path(__file__).parents[2] / "examples"
FIXED = EXAMPLES / "fixed_student.py"
BUGGY = EXAMPLES / "buggy_student.py"
ASSIGNMENT = EXAMPLES / "assignment" / "assignment.py"
SOLUTION = EXAMPLES / "assignment" / "solution.py"

# The examples write `W @ A` and `(1 / m) * dZ @ A.T` where the corpus writes
# `np.dot(W, A)` and `1 / m * np.dot(dZ, A.T)`: the same products, rounded in another
# order, a few units in the last place apart.
RTOL = 1e-12

# The functions each example shares with the corpus, called on the same problem.
SHAPES = [([5, 4, 3, 1], 7), ([4, 4, 4, 1], 1), ([3, 1], 5)]


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    assert spec is not None and spec.loader is not None  # the file is ours and exists
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def functions(path: Path) -> list[str]:
    """The top-level functions a file defines, in order."""
    tree = ast.parse(path.read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def outputs(module: ModuleType, dims: list[int], m: int, update: bool) -> dict[str, object]:
    """What the Week 4 functions of `module` compute on one seeded problem (`update`:
    `update_parameters` too, which the student examples leave out)."""
    X, Y = deep_problem(dims, m, seed=m)
    parameters = deep_parameters(dims, seed=len(dims))
    AL, caches = module.L_model_forward(X, parameters)
    grads = module.L_model_backward(AL, Y, caches)
    got: dict[str, object] = {"AL": AL, "caches": caches, "cost": module.compute_cost(AL, Y)}
    got.update(grads)
    Z, cache = module.linear_forward(X, parameters["W1"], parameters["b1"])
    got.update(Z=Z, linear_cache=cache)
    got["linear_backward"] = module.linear_backward(Z, cache)
    for activation in ("relu", "sigmoid"):
        A, layer_cache = module.linear_activation_forward(
            X, parameters["W1"], parameters["b1"], activation
        )
        got[activation] = (A, layer_cache)
        got[f"{activation}_backward"] = module.linear_activation_backward(
            A, layer_cache, activation
        )
    if update:
        got["updated"] = module.update_parameters(dict(parameters), grads, 0.1)
    return got


def assert_same(got: object, expected: object, where: str = "") -> None:
    """Nested tuples, lists and dicts of arrays equal (dict keys included) up to `RTOL`."""
    if isinstance(expected, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(expected), where
        for key in expected:
            assert_same(got[key], expected[key], f"{where}[{key}]")
    elif isinstance(expected, tuple | list):
        assert isinstance(got, tuple | list) and len(got) == len(expected), where
        for index, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_same(a, b, f"{where}[{index}]")
    else:
        assert np.shape(got) == np.shape(expected), where
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=0, err_msg=where)


@pytest.mark.parametrize("path", [FIXED, BUGGY, ASSIGNMENT], ids=lambda p: p.name)
def test_every_function_of_an_example_is_a_corpus_function_of_the_same_arity(path: Path) -> None:
    corpus = get("c1w4_deep_v3").load()
    example = load(path)
    for name in functions(path):
        assert hasattr(corpus, name), f"{path.name} defines {name}, which the corpus does not"
        ours = inspect.signature(getattr(example, name)).parameters
        theirs = inspect.signature(getattr(corpus, name)).parameters
        required = [p for p in ours.values() if p.default is inspect.Parameter.empty]
        assert len(required) == len(theirs), name


@pytest.mark.parametrize(("dims", "m"), SHAPES)
@pytest.mark.parametrize(
    ("path", "implementation"),
    [
        (FIXED, "c1w4_deep_v3"),
        (BUGGY, "c1w4_deep_v3__db_missing_1_over_m"),
        (ASSIGNMENT, "c1w4_deep_v3"),
    ],
    ids=["fixed_student", "buggy_student", "assignment"],
)
def test_an_example_computes_what_its_corpus_implementation_computes(
    path: Path, implementation: str, dims: list[int], m: int
) -> None:
    example = load(path)
    update = hasattr(example, "update_parameters")
    corpus = get(implementation).load()
    assert_same(outputs(example, dims, m, update), outputs(corpus, dims, m, update))


def test_the_buggy_example_is_the_fixed_one_with_one_line_changed() -> None:
    # Below their docstrings (which say which is which) the files differ in db's line.
    fixed, buggy = (path.read_text().split('"""', 2)[2].splitlines() for path in (FIXED, BUGGY))
    changed = [line for line in difflib.ndiff(fixed, buggy) if line.startswith(("+ ", "- "))]
    assert changed == [
        "-     db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)",
        "+     db = np.sum(dZ, axis=1, keepdims=True)",
    ]


@pytest.mark.parametrize("path", [FIXED, BUGGY], ids=lambda p: p.name)
def test_the_student_examples_initialise_as_the_corpus_does(path: Path) -> None:
    # The Course's initialiser, np.random.seed(3) and randn * 0.01: the same draws.
    dims = [5, 4, 3, 1]
    assert_same(
        load(path).initialize_parameters_deep(dims),
        get("c1w4_deep_v3").load().initialize_parameters_deep(dims),
    )


def test_the_assignments_own_initialiser_keeps_the_corpus_shapes() -> None:
    # Its own by design: He-scaled and seeded by an argument (the grading tests call it).
    dims = [5, 4, 3, 1]
    ours = load(ASSIGNMENT).initialize_parameters_deep(dims)
    theirs = get("c1w4_deep_v3").load().initialize_parameters_deep(dims)
    assert {k: v.shape for k, v in ours.items()} == {k: v.shape for k, v in theirs.items()}
    assert not any(ours[f"b{layer}"].any() for layer in (1, 2, 3))


@pytest.mark.parametrize(("dims", "m"), SHAPES)
def test_the_instructors_reference_computes_the_corpus_forward_pass_and_cost(
    dims: list[int], m: int
) -> None:
    X, Y = deep_problem(dims, m, seed=m)
    parameters = deep_parameters(dims, seed=len(dims))
    corpus = get("c1w4_deep_v3").load()
    solution = load(SOLUTION)
    AL = corpus.L_model_forward(X, parameters)[0]
    np.testing.assert_allclose(solution.L_model_forward(X, parameters)[0], AL, rtol=RTOL)
    np.testing.assert_allclose(solution.compute_cost(AL, Y), corpus.compute_cost(AL, Y), rtol=RTOL)
