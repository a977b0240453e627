"""`instrument`'s fast paths: correct code builds no message, and a mistake reads the same.

A training step asks the rules a few hundred questions; the answers come from
straight-line checks (`_fast.compile_fits`) and yes-or-no versions of the dict rules
(`_fits`), and only when one of those is not sure does the rule itself run, which words
the mistake. These tests hold the fast answers to the rules (they may only say "fits"
when the rule finds nothing), show that correct Course code never reaches the rules,
and that every planted bug reads the same with the fast paths as without them.
"""

import inspect
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dimcheck
import dimcheck._instrument as instrument_module
import dimcheck._instrument_course2 as course2_module
import dimcheck._instrument_state as state_module
from dimcheck import ShapeError
from dimcheck._exercise import StudentRaised, exercise
from dimcheck._explain import check_items
from dimcheck._fast import compile_fits
from dimcheck._fits import cache_dict_fits, caches_fit, gradients_fit, parameters_fit
from dimcheck._recognise import recognise
from dimcheck._rules import check_caches, check_gradients, check_parameters
from dimcheck._spec import rule_slot
from tests.course import correct, get, planted

DIMS = [4, 5, 3, 1]
M = 6


def course_dicts(
    dims: list[int], rng: np.random.Generator, transposed: bool = False
) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """Parameters, gradients (with `dA[0..L-1]`) and caches of the right shapes."""
    params: dict[str, Any] = {}
    grads: dict[str, Any] = {}
    caches: list[Any] = []
    for layer in range(1, len(dims)):
        n_l, n_prev = dims[layer], dims[layer - 1]
        W = rng.standard_normal((n_prev, n_l) if transposed else (n_l, n_prev))
        b = np.zeros((n_l, 1))
        params[f"W{layer}"], params[f"b{layer}"] = W, b
        grads[f"dW{layer}"], grads[f"db{layer}"] = np.ones_like(W), np.ones_like(b)
        grads[f"dA{layer - 1}"] = np.ones((n_prev, M))
        caches.append(((np.ones((n_prev, M)), W, b), np.ones((n_l, M))))
    return params, grads, caches


# The ways users break an entry: each gives another object in its place.
BREAKS: dict[str, Callable[[Any], Any]] = {
    "transposed": lambda x: x.T,
    "rank-1": lambda x: x.ravel(),
    "extra row": lambda x: np.vstack([x, x[:1]]),
    "no column": lambda x: x[:, :-1],
    "(1, ...) in front": lambda x: x[None],
    "a list": lambda x: x.tolist(),
    "None": lambda x: None,
    "a number": lambda x: 1.0,
    "F-order": np.asfortranarray,  # not a mistake: must still fit
}


def broken_dicts(rng: np.random.Generator) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Every entry of each dict broken every way, plus keys missing, extra and lowercase."""
    params, grads, _ = course_dicts(DIMS, rng)
    for kind, values in (("parameters", params), ("grads", grads)):
        for key in values:
            for name, breaks in BREAKS.items():
                yield f"{key} {name}", {**values, key: breaks(values[key])}, kind
            yield f"{key} missing", {k: v for k, v in values.items() if k != key}, kind
        yield "a layer too many", {**values, "W9": np.ones((2, 2)), "b9": np.ones((2, 1))}, kind
        yield "lowercase", {k.lower(): v for k, v in values.items()}, kind
        yield "a stranger", {**values, "velocity": np.ones(3)}, kind


@pytest.mark.parametrize("convention", ["standard", "transposed"])
def test_the_yes_or_no_dict_rules_say_fits_only_when_the_rule_finds_nothing(
    convention: str,
) -> None:
    rng = np.random.default_rng(0)
    params, grads, caches = course_dicts(DIMS, rng, transposed=convention == "transposed")
    # Right dicts fit: correct code never reaches the rule (and its text).
    assert parameters_fit(params, DIMS, convention)
    assert gradients_fit(grads, params, convention, M)
    assert caches_fit(caches, DIMS, M, convention) == DIMS
    assert caches_fit(caches, None, None, convention) == DIMS
    for what, values, kind in broken_dicts(rng):
        if kind == "parameters":
            fast = parameters_fit(values, DIMS, convention)
            slow = check_parameters(values, DIMS, convention=convention)  # type: ignore[arg-type]
        else:
            fast = gradients_fit(values, params, convention, M)
            slow = check_gradients(values, params, convention=convention, m=M)  # type: ignore[arg-type]
        assert not fast or slow.ok, what


@pytest.mark.parametrize("dims", [DIMS, None], ids=["dims given", "dims read off"])
def test_the_yes_or_no_cache_rule_says_fits_only_when_the_rule_finds_nothing(
    dims: list[int] | None,
) -> None:
    rng = np.random.default_rng(1)
    _, _, caches = course_dicts(DIMS, rng)
    for index in range(len(caches)):
        for position in range(4):
            for name, breaks in BREAKS.items():
                (a_prev, W, b), Z = caches[index]
                entries = [a_prev, W, b, Z]
                entries[position] = breaks(entries[position])
                broken = list(caches)
                broken[index] = (tuple(entries[:3]), entries[3])
                fits = caches_fit(broken, dims, None, "standard")
                report = check_caches(broken, dims)
                assert fits is None or report.ok, (index, position, name)
        for shape in ("dropped", "flat", "a dict"):
            broken = list(caches)
            if shape == "dropped":
                del broken[index]
            elif shape == "flat":
                broken[index] = caches[index][0]
            else:
                broken[index] = {"A_prev": caches[index][0][0]}
            fits = caches_fit(broken, dims, None, "standard")
            assert fits is None or check_caches(broken, dims).ok, (index, shape)


@pytest.mark.parametrize("dims", [[2, 4, 1], None], ids=["dims given", "dims read off"])
def test_the_yes_or_no_rule_for_a_dict_cache_says_fits_only_when_the_rule_finds_nothing(
    dims: list[int] | None,
) -> None:
    cache = {"Z1": np.ones((4, M)), "A1": np.ones((4, M)), "Z2": np.ones((1, M))}
    cache["A2"] = cache["Z2"]
    assert cache_dict_fits(cache, dims, M) and cache_dict_fits(cache, dims, None)
    variants = [{**cache, key: breaks(cache[key])} for key in cache for breaks in BREAKS.values()]
    variants += [{k: v for k, v in cache.items() if k != key} for key in cache]
    variants += [{**cache, "a1": cache["A1"]}, {**cache, "Z3": np.ones((2, M))}, {}]
    for broken in variants:
        for m in (M, None):
            fits = cache_dict_fits(broken, dims, m)
            assert not fits or check_caches(broken, dims, m).ok, (sorted(broken), m)


# Slot lists the rules check, and shapes drawn around the sizes they expect.
SLOTS = {
    "linear": ["n_prev m", "n_l n_prev", "n_l 1", "n_l m"],
    "cost": ["n_L m", "n_L m"],
    "backward": ["n_prev m", "n_l n_prev", "n_l 1", "n_l m", "n_l m", "n_prev m"],
}
SIZES = st.sampled_from([1, 2, 3])
SHAPES = st.one_of(st.tuples(), st.tuples(SIZES), st.tuples(SIZES, SIZES), st.tuples(*[SIZES] * 3))


@settings(max_examples=300, deadline=None)
@given(
    which=st.sampled_from(sorted(SLOTS)),
    shapes=st.lists(SHAPES, min_size=6, max_size=6),
    seed=st.dictionaries(st.sampled_from(["n_l", "n_prev", "n_L"]), SIZES, max_size=2),
    not_an_array=st.integers(0, 8),
)
def test_compiled_checks_agree_with_check_items(
    which: str, shapes: list[tuple[int, ...]], seed: dict[str, int], not_an_array: int
) -> None:
    slots = [rule_slot(text) for text in SLOTS[which]]
    values: list[Any] = [np.zeros(shape) for shape in shapes[: len(slots)]]
    if not_an_array < len(values):
        values[not_an_array] = values[not_an_array].tolist()
    fits = compile_fits(slots)
    assert fits is not None
    given_seed = dict(seed)
    sizes = fits(seed, *values)
    assert seed == given_seed  # the seed is read, never filled
    message = check_items(
        "f", [("x", s, v) for s, v in zip(slots, values, strict=True)], None, seed
    )
    assert (sizes is not None) == (message is None)


def test_slots_the_compiled_checks_do_not_cover_are_left_to_the_general_ones() -> None:
    assert compile_fits([rule_slot("*k n m")]) is None
    assert compile_fits([rule_slot("n+1 m")]) is None


def step(module: types.ModuleType, dims: list[int], m: int, steps: int = 2) -> None:
    """A few Course training steps through the module's own functions."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    params = module.initialize_parameters_deep(dims)
    for _ in range(steps):
        AL, caches = module.L_model_forward(X, params)
        module.compute_cost(AL, Y)
        grads = module.L_model_backward(AL, Y, caches)
        params = module.update_parameters(params, grads, 0.01)


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a rule's report was built for correct code")


@pytest.mark.parametrize(
    "name", ["c1w4_deep_v3", "c1w4_deep_v2", "c1w4_deep_v3_lowercase", "c1w4_deep_v3_transposed"]
)
@pytest.mark.parametrize("fixed", [False, True], ids=["learned", "layer_dims given"])
@pytest.mark.parametrize("m", [1, 8])
def test_a_correct_training_step_never_builds_a_report_or_a_message(
    name: str, fixed: bool, m: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    implementation = get(name)
    module = implementation.load()
    dims = [5, 4, 3, 1]
    dimcheck.instrument(module, dims if fixed else None, convention=implementation.convention)  # type: ignore[arg-type]
    for target in (instrument_module, state_module):
        for rule in ("check_items", "check_parameters", "check_caches", "check_gradients"):
            if hasattr(target, rule):
                monkeypatch.setattr(target, rule, _refuse)
    step(module, dims, m)


class _NoChecker:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("a checker (and its text) was made for correct code")


@pytest.mark.parametrize("implementation", correct(), ids=[i.name for i in correct()])
def test_every_correct_assignment_runs_as_dimcheck_check_runs_it_without_a_report(
    implementation: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = implementation.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        dimcheck.instrument(module, convention=implementation.convention)
    for target in (instrument_module, state_module, course2_module):
        for rule in ("check_items", "check_parameters", "check_caches", "check_gradients"):
            if hasattr(target, rule):
                monkeypatch.setattr(target, rule, _refuse)
        if hasattr(target, "Checker"):
            monkeypatch.setattr(target, "Checker", _NoChecker)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exercise(recognise(module))  # a refused report would raise StudentRaised


def _no_fast_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fast answer "not sure": each call is checked by the rules alone."""
    never = lambda *args, **kwargs: None  # noqa: E731
    monkeypatch.setattr(
        instrument_module,
        "_FITS",
        {k: instrument_module._LayerFits(*[never] * 6) for k in instrument_module._FITS},
    )
    for name in ("_X_FITS", "_X_AL_FITS", "_AL_Y_FITS", "caches_fit"):
        monkeypatch.setattr(instrument_module, name, never)
    for target in (instrument_module, state_module):
        for name in ("gradients_fit", "gradients_fit_dims", "parameters_fit"):
            if hasattr(target, name):
                monkeypatch.setattr(target, name, lambda *args, **kwargs: False)
    monkeypatch.setattr(state_module, "_bind", lambda items, memo: False)


def what_instrument_says(implementation: Any) -> str | None:
    module = implementation.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dimcheck.instrument(module, convention=implementation.convention)
        try:
            with np.errstate(all="ignore"):
                exercise(recognise(module))
        except ShapeError as error:
            return str(error)
        except StudentRaised:
            return None
    return None


SHAPE_BUGS = [bug for bug in planted() if "instrument" in bug.caught_by]


def test_most_planted_shape_bugs_give_a_message_on_the_generated_problem() -> None:
    # So that the comparison below compares messages (the rest raise in the student's code).
    said = [what_instrument_says(bug) for bug in SHAPE_BUGS[::4]]
    assert sum(text is not None for text in said) >= len(said) // 2


@pytest.mark.slow
@pytest.mark.parametrize("bug", SHAPE_BUGS, ids=[bug.name for bug in SHAPE_BUGS])
def test_each_planted_bug_reads_the_same_with_the_fast_paths_as_without(
    bug: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = what_instrument_says(bug)
    with monkeypatch.context() as patched:
        _no_fast_paths(patched)
        slow = what_instrument_says(bug)
    assert fast == slow


def course_function(A_prev, W, b, activation="relu"):  # type: ignore[no-untyped-def]
    """A Course function with a default."""
    Z = W @ A_prev + b
    return Z, ((A_prev, W, b), Z)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: f(),
        lambda f: f(1, 2),
        lambda f: f(1, 2, 3, "relu", 5),
        lambda f: f(1, 2, 3, colour="red"),
        lambda f: f(1, 2, 3, A_prev=1),
    ],
    ids=["no arguments", "too few", "too many", "unknown keyword", "twice"],
)
def test_a_call_python_cannot_bind_fails_as_the_function_itself_would(
    call: Callable[[Any], Any],
) -> None:
    module = types.ModuleType("student")
    module.linear_activation_forward = course_function  # type: ignore[attr-defined]
    with pytest.raises(TypeError) as plain:
        call(course_function)
    dimcheck.instrument(module)
    with pytest.raises(TypeError) as checked:
        call(module.linear_activation_forward)  # type: ignore[attr-defined]
    assert str(checked.value) == str(plain.value)


def test_the_wrapper_keeps_the_signature_and_passes_defaults_and_keywords() -> None:
    module = types.ModuleType("student")
    seen: list[tuple[Any, ...]] = []

    def linear_activation_forward(A_prev, W, b, activation="relu"):  # type: ignore[no-untyped-def]
        seen.append((A_prev, W, b, activation))
        return course_function(A_prev, W, b, activation)

    module.linear_activation_forward = linear_activation_forward  # type: ignore[attr-defined]
    dimcheck.instrument(module)
    wrapped = module.linear_activation_forward  # type: ignore[attr-defined]
    assert inspect.signature(wrapped) == inspect.signature(linear_activation_forward)
    assert wrapped.__name__ == "linear_activation_forward"
    A, W, b = np.ones((4, 2)), np.ones((3, 4)), np.ones((3, 1))
    wrapped(A, W, b)
    wrapped(A, W, b=b, activation="sigmoid")
    assert [s[3] for s in seen] == ["relu", "sigmoid"]
    assert all(s[0] is A and s[1] is W and s[2] is b for s in seen)
    with pytest.raises(ShapeError, match=r"W\[l\] must be \(n\[l\], n\[l-1\]\)"):
        wrapped(A, W.T, b=b)


def test_functions_with_star_args_or_keyword_only_parameters_are_still_checked() -> None:
    module = types.ModuleType("student")

    def linear_forward(A, W, b, *rest, scale=1.0):  # type: ignore[no-untyped-def]
        return W @ A + b, (A, W, b)

    module.linear_forward = linear_forward  # type: ignore[attr-defined]
    dimcheck.instrument(module)
    A, W, b = np.ones((4, 2)), np.ones((3, 4)), np.ones((3, 1))
    Z, _ = module.linear_forward(A, W, b, scale=2.0)  # type: ignore[attr-defined]
    assert Z.shape == (3, 2)
    with pytest.raises(ShapeError, match=r"b\[l\] must be \(n\[l\], 1\)"):
        module.linear_forward(A, W, b.ravel())  # type: ignore[attr-defined]


CODES: list[types.CodeType] = []
GROW = [False]


def linear_forward(A, W, b):  # type: ignore[no-untyped-def]
    CODES.append(sys._getframe().f_code)  # which copy runs: the function or the rewritten one
    if GROW[0]:
        b - np.ravel(b)  # (3, 1) - (3,) is (3, 3): what strict broadcasting refuses
    return W @ A + b, (A, W, b)


def test_the_function_itself_runs_unless_broadcasting_is_to_be_checked() -> None:
    # The rewritten copy makes every `+` a call: only inside `strict_broadcasting()`.
    module = types.ModuleType("student")
    module.linear_forward = linear_forward  # type: ignore[attr-defined]
    dimcheck.instrument(module)
    A, W, b = np.ones((4, 2)), np.ones((3, 4)), np.ones((3, 1))
    CODES.clear()
    GROW[0] = False
    module.linear_forward(A, W, b)  # type: ignore[attr-defined]
    with dimcheck.disabled():
        module.linear_forward(A, W, b)  # type: ignore[attr-defined]
    with dimcheck.strict_broadcasting():
        module.linear_forward(A, W, b)  # type: ignore[attr-defined]
        GROW[0] = True
        with pytest.raises(ShapeError, match=r"broadcasts \(3, 1\) - \(3,\) to \(3, 3\)"):
            module.linear_forward(A, W, b)  # type: ignore[attr-defined]
    GROW[0] = False
    plain = linear_forward.__code__
    assert [code is plain for code in CODES] == [True, True, False, False]
