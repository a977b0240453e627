"""`@dimcheck.shapes`: every feature the models package relies on, and the wording of errors."""

import inspect
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Literal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jaxtyping import Float, Int, Shaped
from jaxtyping import TypeCheckError as JaxtypingTypeCheckError
from typeguard import TypeCheckError

import dimcheck
from dimcheck import AnnotationError, ShapeError


@dimcheck.shapes
def linear_forward(
    A_prev: Float[np.ndarray, "n_prev m"],
    W: Float[np.ndarray, "n_l n_prev"],
    b: Float[np.ndarray, "n_l 1"],
) -> tuple[Float[np.ndarray, "n_l m"], tuple]:
    """Z = W @ A_prev + b."""
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


@dimcheck.shapes
def linear_backward(
    dZ: Float[np.ndarray, "n_l m"], cache: tuple
) -> tuple[
    Float[np.ndarray, "n_prev m"], Float[np.ndarray, "n_l n_prev"], Float[np.ndarray, "n_l 1"]
]:
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1) / m  # planted: no keepdims
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def arrays(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape) for shape in shapes]


def test_correct_shapes_pass_and_the_result_is_the_function_s() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    Z, cache = linear_forward(A, W, b)
    np.testing.assert_array_equal(Z, W @ A + b)
    assert cache[1] is W


def test_a_transposed_weight_is_named_with_where_its_symbols_came_from() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    with pytest.raises(ShapeError) as info:
        linear_forward(A, W.T, b)
    assert str(info.value) == (
        "linear_forward: W must be (n[l], n[l-1]) = (n[l], 4): got (4, 3)"
        " (n[l-1] = 4 from A[l-1]). Did you mean W.T?"
    )


def test_a_prev_and_numbered_names_are_given_in_course_notation_with_the_code_s_name() -> None:
    @dimcheck.shapes
    def one_example(
        W: Float[np.ndarray, "n_l n_prev"], A_prev: Float[np.ndarray, "n_prev 1"]
    ) -> Float[np.ndarray, "n_l 1"]:
        return W @ A_prev

    # The course's name first, the code's after it; the fix uses the code's name.
    with pytest.raises(
        ShapeError,
        match=r"^one_example: A\[l-1\] \(A_prev\) must be \(n\[l-1\], 1\) = \(4, 1\):"
        r" got \(4,\) \(n\[l-1\] = 4 from W\)\. A_prev is a rank-1 array:"
        r" .*A_prev\.reshape\(4, 1\)",
    ):
        one_example(np.ones((3, 4)), np.ones(4))

    @dimcheck.shapes
    def compute_cost(AL: Float[np.ndarray, "1 m"], Y: Float[np.ndarray, "1 m"]) -> float:
        return float(np.sum(AL - Y))

    with pytest.raises(
        ShapeError,
        match=r"^compute_cost: Y must be \(1, m\) = \(1, 5\): got \(1, 4\)"
        r" \(m = 5 from A\[L\]\)\.$",
    ):
        compute_cost(np.ones((1, 5)), np.ones((1, 4)))


def test_a_rank1_bias_gets_the_reshape_and_keepdims_fix() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3,))
    with pytest.raises(
        ShapeError,
        match=r"linear_forward: b must be \(n\[l\], 1\) = \(3, 1\): got \(3,\) "
        r"\(n\[l\] = 3 from W\)\. b is a rank-1 array: .*b\.reshape\(3, 1\).*keepdims=True",
    ):
        linear_forward(A, W, b)


def test_a_failing_tuple_element_is_named_by_its_variable_not_return_value() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    with pytest.raises(ShapeError, match=r"linear_backward: returned db must be \(n\[l\], 1\)"):
        linear_backward(np.ones((3, 5)), (A, W, b))


def test_a_wrong_dtype_and_a_non_array_are_reported() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    with pytest.raises(ShapeError, match=r"W must hold Float values .* got dtype int64"):
        linear_forward(A, W.astype(np.int64), b)
    with pytest.raises(ShapeError, match=r"W must be an array \(n\[l\], n\[l-1\]\) .*: got list"):
        linear_forward(A, W.tolist(), b)  # type: ignore[arg-type]


def test_shape_error_is_a_type_error_and_a_typeguard_type_check_error() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    assert issubclass(ShapeError, TypeError)
    with pytest.raises(TypeCheckError):
        linear_forward(A, W.T, b)
    with pytest.raises(JaxtypingTypeCheckError):
        linear_forward(A, W.T, b)


def test_a_shape_error_raised_by_hand_is_caught_as_typeguard_s_error_too() -> None:
    with pytest.raises(TypeCheckError, match=r"^W must be"):
        raise ShapeError("W must be (3, 4)")
    error = ShapeError("W must be (3, 4)")
    assert type(error).__name__ == "ShapeError"
    assert repr(error) == "ShapeError('W must be (3, 4)')"


def test_a_shape_error_survives_pickling_with_its_message() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    with pytest.raises(ShapeError) as info:
        linear_forward(A, W.T, b)
    again = pickle.loads(pickle.dumps(info.value))
    assert isinstance(again, ShapeError) and isinstance(again, TypeCheckError)
    assert str(again) == str(info.value)


# In a fresh interpreter: no typeguard until the user imports it, and then the usual catch.
WITHOUT_TYPEGUARD = """
import sys
import numpy as np
from jaxtyping import Float
import dimcheck

@dimcheck.shapes
def f(W: Float[np.ndarray, "n_l n_prev"], A: Float[np.ndarray, "n_prev m"]) -> None: ...

def fail():
    f(np.zeros((3, 4)), np.zeros((5, 2)))

try:
    fail()
except dimcheck.ShapeError as error:
    plain = error
assert "typeguard" not in sys.modules, "dimcheck imported typeguard"
assert isinstance(plain, TypeError)
from jaxtyping import TypeCheckError as JaxtypingTypeCheckError
from typeguard import TypeCheckError
try:
    fail()
except TypeCheckError as error:
    print("caught:", error)
"""


def test_shape_errors_need_no_typeguard_and_are_caught_by_it_once_it_is_imported() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_TYPEGUARD], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("caught: f: A must be (n[l-1], m) = (4, m): got (5, 2)")


def test_a_shape_error_prints_its_message_with_typeguard_loaded_and_jaxtyping_not() -> None:
    # Joined to typeguard's error alone, whose __str__ reads a path only its own
    # __init__ sets: the message must print all the same.
    code = (
        "import typeguard, dimcheck, sys\n"
        "assert 'jaxtyping' not in sys.modules\n"
        "error = dimcheck.ShapeError('W[1] must be (n[1], n[0])')\n"
        "assert isinstance(error, typeguard.TypeCheckError)\n"
        "print(str(error))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "W[1] must be (n[1], n[0])"


def test_messages_print_shapes_never_contents() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    W = np.full((4, 3), 123.456)
    with pytest.raises(ShapeError) as info:
        linear_forward(A, W, b)
    assert "123" not in str(info.value)


def test_inputs_are_not_modified() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    copies = [x.copy() for x in (A, W, b)]
    linear_forward(A, W, b)
    with pytest.raises(ShapeError):
        linear_forward(A, W.T, b)
    for x, y in zip((A, W, b), copies, strict=True):
        np.testing.assert_array_equal(x, y)


def test_name_docstring_and_signature_are_kept() -> None:
    assert linear_forward.__name__ == "linear_forward"
    assert linear_forward.__doc__ == "Z = W @ A_prev + b."
    assert list(inspect.signature(linear_forward).parameters) == ["A_prev", "W", "b"]


class Dense:
    """A block with stacked-parameter support, annotated as the models package does."""

    def __init__(self) -> None:
        self.W, self.b = arrays((3, 4), (3, 1))

    @dimcheck.shapes
    def forward(
        self,
        A_prev: Float[np.ndarray, "*#k n_prev m"],
        W: Float[np.ndarray, "*#k n_l n_prev"] | None = None,
        b: Float[np.ndarray, "*#k n_l 1"] | None = None,
        *,
        scale: float = 1.0,
    ) -> tuple[Float[np.ndarray, "*#k n_l m"], "Cache"]:
        W = self.W if W is None else W
        b = self.b if b is None else b
        return scale * (W @ A_prev + b), Cache(A_prev)

    @dimcheck.shapes
    def cost(self, AL: Float[np.ndarray, "*#k n_l m"]) -> float | Float[np.ndarray, "*#k"]:
        total = AL.sum(axis=(-2, -1))
        return float(total) if total.ndim == 0 else total

    @staticmethod
    @dimcheck.shapes
    def square(X: Float[np.ndarray, "n n"]) -> Float[np.ndarray, "n n"]:
        return X @ X


class Cache:
    """Defined after the method that names it: the annotation is resolved at the first call."""

    def __init__(self, A_prev: np.ndarray) -> None:
        self.A_prev = A_prev


def test_methods_with_defaults_keyword_only_and_none_pass() -> None:
    block = Dense()
    (A,) = arrays((4, 5))
    Z, cache = block.forward(A, scale=2.0)
    assert Z.shape == (3, 5) and isinstance(cache, Cache)
    Z, _ = block.forward(A, None, None)
    assert Z.shape == (3, 5)


def test_an_unstacked_input_meets_stacked_parameters() -> None:
    block = Dense()
    A, W, b = arrays((4, 5), (7, 3, 4), (7, 3, 1))
    Z, _ = block.forward(A, W, b)
    assert Z.shape == (7, 3, 5)
    costs = block.cost(Z)
    assert isinstance(costs, np.ndarray) and costs.shape == (7,)
    assert isinstance(block.cost(Z[0]), float)


def test_stacks_that_do_not_broadcast_are_reported() -> None:
    block = Dense()
    A, W, b = arrays((2, 4, 5), (7, 3, 4), (7, 3, 1))
    with pytest.raises(ShapeError, match=r"stacked axes k do not broadcast"):
        block.forward(A, W, b)


def test_a_wrong_non_array_element_of_a_tuple_return_is_reported() -> None:
    @dimcheck.shapes
    def forward(A: Float[np.ndarray, "n m"]) -> tuple[Float[np.ndarray, "n m"], Cache]:
        return A, "not a cache"  # type: ignore[return-value]

    with pytest.raises(ShapeError, match=r"returned element 1 must be Cache: got str"):
        forward(np.ones((2, 3)))


def test_staticmethod_with_a_square_dimension() -> None:
    assert Dense.square(np.eye(3)).shape == (3, 3)
    with pytest.raises(
        ShapeError,
        match=r"Dense.square: X must be \(n, n\): got \(3, 4\)\. n cannot be both 3 and 4\.$",
    ):
        Dense.square(np.ones((3, 4)))


def test_fixed_sizes_expressions_anonymous_and_ellipsis() -> None:
    @dimcheck.shapes
    def pad(
        X: Float[np.ndarray, "n 2"], Y: Shaped[np.ndarray, "... _ m"]
    ) -> Float[np.ndarray, "n+1 2"]:
        return np.vstack([X, np.zeros((1, 2))])

    assert pad(np.ones((3, 2)), np.ones((9, 8, 7))).shape == (4, 2)
    with pytest.raises(ShapeError, match=r"pad: X must be \(n, 2\): got \(3, 3\)\.$"):
        pad(np.ones((3, 3)), np.ones(2))

    @dimcheck.shapes
    def bad(X: Float[np.ndarray, "n 2"]) -> Float[np.ndarray, "n+1 2"]:
        return X

    with pytest.raises(
        ShapeError,
        match=r"bad: the return value must be \(n\+1, 2\) = \(4, 2\): "
        r"got \(3, 2\) \(n = 3 from X\)\.$",
    ):
        bad(np.ones((3, 2)))


def test_broadcastable_axis_accepts_size_one() -> None:
    @dimcheck.shapes
    def add(Z: Float[np.ndarray, "n m"], b: Float[np.ndarray, "#n #m"]) -> Float[np.ndarray, "n m"]:
        return Z + b

    assert add(np.ones((3, 4)), np.ones((3, 1))).shape == (3, 4)
    with pytest.raises(ShapeError, match=r"b must be"):
        add(np.ones((3, 4)), np.ones((2, 1)))


def test_non_array_annotations_are_checked_with_typeguard() -> None:
    @dimcheck.shapes
    def activate(
        Z: Float[np.ndarray, "n m"],
        activation: Literal["relu", "sigmoid"],
        parameters: dict[str, np.ndarray],
    ) -> Float[np.ndarray, "n m"]:
        return np.maximum(Z, 0)

    Z = np.ones((2, 3))
    assert activate(Z, "relu", {"W1": Z}).shape == (2, 3)
    with pytest.raises(
        ShapeError, match=r"activation must be Literal\['relu', 'sigmoid'\]: got str"
    ):
        activate(Z, "tanh", {})  # type: ignore[arg-type]
    with pytest.raises(ShapeError, match=r"parameters must be dict\[str, numpy.ndarray\]"):
        activate(Z, "relu", {"W1": [1.0]})  # type: ignore[dict-item]


def test_a_list_where_an_array_is_due_gets_the_conversion() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    with pytest.raises(
        ShapeError,
        match=r"^linear_forward: A\[l-1\] \(A_prev\) must be an array \(n\[l-1\], m\): got list\."
        r" Convert it with np\.asarray\(A_prev, dtype=np\.float64\)\.$",
    ):
        linear_forward(A.tolist(), W, b)


def test_integer_dtype_annotation() -> None:
    @dimcheck.shapes
    def count(labels: Int[np.ndarray, " m"]) -> int:
        return int(labels.sum())

    assert count(np.arange(4)) == 6
    with pytest.raises(ShapeError, match=r"labels must hold Int values: got dtype float64"):
        count(np.ones(4))


@pytest.mark.parametrize(
    ("dims", "wording"),
    [("n, m", "separated by spaces"), ("*a *b", "only one variadic"), ("n (m", "cannot read")],
)
def test_malformed_dimension_strings_raise_annotation_error_at_decoration(
    dims: str, wording: str
) -> None:
    class Fake:  # what jaxtyping would hand over, had it accepted the string
        dim_str = dims
        dtypes = ("float64",)
        array_type = np.ndarray

    def f(x: Fake) -> None:
        return None

    with pytest.raises(AnnotationError, match=wording):
        dimcheck.shapes(f)


def test_disable_before_decoration_returns_the_function_itself() -> None:
    def f(x: Float[np.ndarray, " n"]) -> None:
        return None

    dimcheck.disable()
    try:
        assert dimcheck.shapes(f) is f
        assert not dimcheck.is_enabled()
        # Decorated earlier: checks are skipped while off.
        A, W, b = arrays((4, 5), (4, 3), (3, 1))
        with pytest.raises(ValueError):  # numpy's own error, not ours
            linear_forward(A, W, b)
    finally:
        dimcheck.enable()
    assert dimcheck.shapes(f) is not f
    with pytest.raises(ShapeError, match=r"^linear_forward: W must be"):  # on again at once
        linear_forward(A, W, b)


def test_dimcheck_0_in_the_environment_turns_decoration_off() -> None:
    code = (
        "import dimcheck\n"
        "def f(x): return x\n"
        "print(dimcheck.shapes(f) is f, dimcheck.is_enabled())\n"
    )
    env = {**os.environ, "DIMCHECK": "0"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "False"]


# An independent statement of the rule: A (p, m), W (n, p), b (n, 1).
def consistent(a: tuple[int, ...], w: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return (
        len(a) == 2 and len(w) == 2 and len(b) == 2 and w[1] == a[0] and b[0] == w[0] and b[1] == 1
    )


@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
)
def test_the_decorator_raises_exactly_when_the_shapes_are_inconsistent(
    a: list[int], w: list[int], b: list[int]
) -> None:
    A, W, B = np.ones(a), np.ones(w), np.ones(b)
    if consistent(A.shape, W.shape, B.shape):
        Z, _ = linear_forward(A, W, B)
        assert Z.shape == (W.shape[0], A.shape[1])
    else:
        with pytest.raises(ShapeError, match=r"^linear_forward: (A\[l-1\] \(A_prev\)|W|b) must be"):
            linear_forward(A, W, B)


def test_a_one_by_one_cost_where_a_float_is_due_gets_the_squeeze_hint() -> None:
    @dimcheck.shapes
    def compute_cost(AL: Float[np.ndarray, "1 m"], Y: Float[np.ndarray, "1 m"]) -> float:
        return np.sum(AL - Y, axis=1, keepdims=True)  # type: ignore[return-value]

    with pytest.raises(
        ShapeError,
        match=r"^compute_cost: the return value must be float: got ndarray\. It is"
        r" a \(1, 1\) array: squeeze it to a scalar \(float\(np\.squeeze\(\.\.\.\)\)\)\.$",
    ):
        compute_cost(np.ones((1, 4)), np.ones((1, 4)))


def test_an_annotation_naming_an_undefined_class_is_reported_at_the_first_call() -> None:
    @dimcheck.shapes
    def forward(A: Float[np.ndarray, "n m"]) -> "NeverDefined":  # type: ignore[name-defined]  # noqa: F821
        return A

    with pytest.raises(AnnotationError, match=r"forward: an annotation names 'NeverDefined'"):
        forward(np.ones((2, 2)))


@given(st.text(alphabet="nm_#*.+-=,()0123 ", max_size=12))
def test_parsing_any_dimension_string_either_works_or_raises_annotation_error(text: str) -> None:
    from dimcheck._spec import parse_dims

    try:
        pre, post, *_ = parse_dims(text, "fuzz")
    except AnnotationError:
        return
    assert len(pre) + len(post) <= len(text.split())


def test_stacked_messages_say_where_the_stack_came_from_and_keep_the_rank1_hint() -> None:
    block = Dense()
    A, W = arrays((4, 5), (7, 3, 4))
    with pytest.raises(
        ShapeError,
        match=r"^Dense\.forward: b must be \(\*k, n\[l\], 1\) = \(7, 3, 1\): got \(7, 3\)"
        r" \(n\[l\] = 3 from W; stack k = \(7,\) from W\)\.$",
    ):
        block.forward(A, W, np.ones((7, 3)))
    with pytest.raises(
        ShapeError,
        match=r"^Dense\.forward: b must be \(\*k, n\[l\], 1\) = \(\*k, 3, 1\): got \(3,\)"
        r" \(n\[l\] = 3 from W\)\. b is a rank-1 array: .*b\.reshape\(3, 1\)",
    ):
        block.forward(A, W[0], np.ones(3))


def test_classes_generators_and_coroutines_are_refused_with_a_reason() -> None:
    with pytest.raises(AnnotationError, match="decorate the class's methods instead"):
        dimcheck.shapes(Dense)

    def generate(x: Float[np.ndarray, " n"]):  # type: ignore[no-untyped-def]
        yield x

    async def run(x: Float[np.ndarray, " n"]) -> None:
        return None

    for fn in (generate, run):
        with pytest.raises(AnnotationError, match="cannot check what a generator or coroutine"):
            dimcheck.shapes(fn)


def test_a_function_annotated_to_return_none_must_return_none() -> None:
    @dimcheck.shapes
    def update(W: Float[np.ndarray, "n m"]) -> None:
        return 1.0  # type: ignore[return-value]

    with pytest.raises(ShapeError, match=r"^update: the return value must be None: got float\.$"):
        update(np.ones((2, 2)))


def test_an_expression_is_judged_once_any_argument_or_the_return_value_binds_its_names() -> None:
    @dimcheck.shapes
    def with_ones(
        Xb: Float[np.ndarray, "n+1 m"], X: Float[np.ndarray, "n m"]
    ) -> Float[np.ndarray, "n+1 m"]:
        return Xb

    assert with_ones(np.ones((4, 5)), np.ones((3, 5))).shape == (4, 5)
    # `n` comes from X, after Xb: the message blames Xb, with the size n+1 stands for.
    with pytest.raises(
        ShapeError,
        match=r"^with_ones: Xb must be \(n\+1, m\) = \(5, 5\): got \(4, 5\)"
        r" \(n = 4 from X; m = 5 from Xb\)\.$",
    ):
        with_ones(np.ones((4, 5)), np.ones((4, 5)))

    @dimcheck.shapes
    def drop_row(Xb: Float[np.ndarray, "n+1 m"], k: int) -> Float[np.ndarray, "n m"]:
        return Xb[k:]

    assert drop_row(np.ones((4, 5)), 1).shape == (3, 5)  # only the return value binds n
    with pytest.raises(
        ShapeError,
        match=r"^drop_row: Xb must be \(n\+1, m\) = \(3, 5\): got \(4, 5\)"
        r" \(n = 2 from the return value; m = 5 from Xb\)\.$",
    ):
        drop_row(np.ones((4, 5)), 2)

    @dimcheck.shapes
    def unbound(Xb: Float[np.ndarray, "n+1 m"]) -> None:
        return None

    with pytest.raises(
        ShapeError,
        match=r"^unbound: Xb must be \(n\+1, m\) = \(n\+1, 5\): got \(4, 5\)"
        r" \(m = 5 from Xb\)\. n\+1 names n, which no other argument binds: annotate one",
    ):
        unbound(np.ones((4, 5)))


@dimcheck.shapes
def stacked_forward(
    A_prev: Float[np.ndarray, "*#k n_prev m"], W: Float[np.ndarray, "*#k n_l n_prev"]
) -> Float[np.ndarray, "*#k n_l m"]:
    return W @ A_prev


@dimcheck.shapes
def padded(x: Float[np.ndarray, " n"]) -> Float[np.ndarray, " n+1"]:
    return np.concatenate([x, [0.0]])


def test_right_calls_never_reach_the_explanation_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import dimcheck._decorator as decorator

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("a message was written for a right call")

    monkeypatch.setattr(decorator, "diagnose", refuse)
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    linear_forward(A, W, b)  # the fused wrapper, by position
    linear_forward(A_prev=A, W=W, b=b)  # the fused wrapper, by keyword
    stacked_forward(np.ones((2, 4, 5)), np.ones((1, 3, 4)))  # `*#k` stacks broadcast
    padded(np.ones(3))  # `n+1`: the general checks
    with pytest.raises(AssertionError, match="a message was written"):
        linear_forward(A, W.T, b)


def test_disabled_turns_the_checks_off_for_the_block_only() -> None:
    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    with dimcheck.disabled():
        with pytest.raises(ValueError, match="matmul"):  # numpy's own error, not dimcheck's
            linear_forward(A, W.T, b)
        assert dimcheck.is_enabled()  # the process-wide switch is untouched
    with pytest.raises(ShapeError):
        linear_forward(A, W.T, b)


def test_disabled_is_undone_when_the_block_raises_and_nests() -> None:
    A, W = arrays((4, 5), (3, 4))
    with pytest.raises(RuntimeError), dimcheck.disabled():
        with dimcheck.disabled():
            pass
        linear_forward(A, W, np.zeros((1, 1)))  # unchecked: numpy broadcasts the (1, 1) b
        raise RuntimeError
    with pytest.raises(ShapeError, match=r"b must be \(n\[l\], 1\) = \(3, 1\): got \(1, 1\)"):
        linear_forward(A, W, np.zeros((1, 1)))


def test_disabled_in_one_thread_leaves_the_others_checking() -> None:
    import threading

    A, W, b = arrays((4, 5), (3, 4), (3, 1))
    inside, outside = threading.Event(), threading.Event()
    caught: list[BaseException] = []

    def other_thread() -> None:
        inside.wait(5)
        try:
            linear_forward(A, W.T, b)
        except ShapeError as error:
            caught.append(error)
        outside.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with dimcheck.disabled():
        inside.set()
        outside.wait(5)
    thread.join(5)
    assert len(caught) == 1


def test_disabled_also_switches_off_strict_broadcasting_inside_it() -> None:
    @dimcheck.shapes(strict_broadcasting=True)
    def residual(AL: Float[np.ndarray, "1 m"], Y: Shaped[np.ndarray, "..."]) -> np.ndarray:
        return AL - Y

    with pytest.raises(ShapeError, match="broadcasts"):
        residual(np.ones((1, 3)), np.ones((3, 1)))
    with dimcheck.disabled():
        assert residual(np.ones((1, 3)), np.ones((3, 1))).shape == (3, 3)


def test_a_subclass_of_shape_error_is_caught_as_typeguard_s_error_too() -> None:
    class GradientShapeError(ShapeError):
        pass

    with pytest.raises(TypeCheckError, match=r"^dW\[1\]") as info:
        raise GradientShapeError("dW[1] must be (3, 2)")
    assert isinstance(info.value, GradientShapeError)
    assert type(info.value).__name__ == "GradientShapeError"


@dimcheck.shapes
def masked(
    A: Float[np.ndarray, "n m"], mask: Shaped[np.ndarray, "n m"] | None = None, *, scale: float = 1
) -> Float[np.ndarray, "n m"]:
    return A * scale if mask is None else A * mask * scale


RIGHT, WRONG = np.ones((2, 3)), np.ones((3, 2))
CALLS = {
    "all by position": lambda A, mask: masked(A, mask),
    "by keyword": lambda A, mask: masked(A=A, mask=mask, scale=2.0),
    "mixed": lambda A, mask: masked(A, mask=mask),
    "the default left out": lambda A, mask: masked(A) if mask is None else masked(A, mask),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_every_way_of_passing_the_arguments_gets_the_same_verdict_and_message(
    call: Callable[[np.ndarray, np.ndarray | None], np.ndarray],
) -> None:
    assert call(RIGHT, None).shape == (2, 3)
    assert call(RIGHT, RIGHT).shape == (2, 3)
    with pytest.raises(
        ShapeError, match=r"^masked: mask must be \(n, m\) = \(2, 3\): got \(3, 2\)"
    ):
        call(RIGHT, WRONG)
    with pytest.raises(ShapeError, match=r"^masked: A must hold Float values"):
        call(RIGHT.astype(int), None)
