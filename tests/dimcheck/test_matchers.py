"""The generated per-annotation matchers agree with the reference interpreter (the oracle)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dimcheck._fast import compile_calls
from dimcheck._spec import parse_dims, rule_slot
from dimcheck._wrapper import compile_wrapper

from ._oracle import match

TOKENS = ["n", "m", "#n", "3", "1", "#1", "_", "n+1", "*k", "*#k", "..."]


@st.composite
def dim_strings(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(st.sampled_from(TOKENS), max_size=4))
    variadic = [t for t in tokens if t.startswith("*") or t == "..."]
    for extra in variadic[1:]:  # one variadic axis per annotation
        tokens.remove(extra)
    return " ".join(tokens)


shapes = st.lists(st.integers(1, 4), max_size=5).map(tuple)


# Each example is a few microseconds of matching: many are cheap, and they are what holds
# the generated code to the oracle.
@settings(max_examples=300)
@given(dim_strings(), st.lists(shapes, min_size=1, max_size=3))
def test_generated_matcher_gives_the_interpreter_s_verdicts(
    dims: str, array_shapes: list[tuple[int, ...]]
) -> None:
    parse_dims(dims, "test")  # the strategy only makes strings the parser accepts
    spec = rule_slot(dims).arrays[0]
    memo_a: dict[str, int] = {}
    memo_b: dict[str, int] = {}
    stacks_a: dict[str, tuple[int, ...]] = {}
    stacks_b: dict[str, tuple[int, ...]] = {}
    deferred_a: list = []
    deferred_b: list = []
    for shape in array_shapes:
        x = np.zeros(shape)
        want = match(spec, x, memo_a, stacks_a, deferred_a)
        got = spec.fast(x, memo_b, stacks_b, deferred_b)
        assert got == want, (dims, shape)
        if want:
            break
        assert (memo_a, stacks_a) == (memo_b, stacks_b)
        # A broadcastable symbolic axis of size 1 is deferred by one and skipped by the
        # other: both accept it, so only the non-trivial entries must agree.
        assert [d for d in deferred_a if d[1] != 1 or not d[0].broadcastable] == deferred_b


class Refused(Exception):
    """What the fused wrapper's `fail` raises in these tests."""


def refuse(args: object, kwargs: object, out: object) -> None:
    raise Refused


@settings(max_examples=300)
@given(
    st.lists(dim_strings(), min_size=1, max_size=3),
    dim_strings(),
    st.booleans(),
    st.lists(shapes, min_size=5, max_size=5),
)
def test_the_fused_wrapper_gives_the_general_checks_verdicts(
    arg_dims: list[str], out_dims: str, out_is_tuple: bool, array_shapes: list[tuple[int, ...]]
) -> None:
    slots = [rule_slot(dims) for dims in arg_dims]
    params = [(f"a{i}", i, s.arrays[0], False, s) for i, s in enumerate(slots)]
    args = tuple(np.zeros(shape) for shape in array_shapes[: len(slots)])
    if out_is_tuple:  # `-> tuple[Float[...], Float[...]]`: one slot per element
        result, elements = None, (rule_slot(out_dims), rule_slot(arg_dims[0]))
        out: object = (np.zeros(array_shapes[3]), np.zeros(array_shapes[4]))
    else:
        result, elements, out = rule_slot(out_dims), None, np.zeros(array_shapes[3])
    check_in, check_out = compile_calls(params, result, elements, False)
    state = check_in(args, {})
    general = state is not None and check_out(out, *state)
    fused = compile_wrapper(
        params,
        result,
        elements,
        False,
        positional=len(params),
        target=lambda *a, **k: out,
        on=[True],
        mode=lambda: 0,
        run_strict=lambda a, k: out,
        fail=refuse,
    )
    if fused is None:  # only `n+1` axes need the general checks
        specs = [s.arrays[0] for s in slots] + [rule_slot(out_dims).arrays[0]]
        assert any(spec.has_symbolic for spec in specs)
        return
    # Both bodies: all arguments by position (names bound at known places), and by keyword.
    by_keyword = {param[0]: array for param, array in zip(params, args, strict=True)}
    for call in (lambda: fused(*args), lambda: fused(**by_keyword)):
        try:
            call()
        except Refused:
            assert not general, (arg_dims, out_dims, array_shapes)
        else:
            assert general, (arg_dims, out_dims, array_shapes)
