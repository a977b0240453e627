"""The generated per-annotation matchers agree with the reference interpreter, `match`."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dimcheck._match import match
from dimcheck._spec import parse_dims, rule_slot

TOKENS = ["n", "m", "#n", "3", "1", "#1", "_", "n+1", "*k", "*#k", "..."]


@st.composite
def dim_strings(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(st.sampled_from(TOKENS), max_size=4))
    variadic = [t for t in tokens if t.startswith("*") or t == "..."]
    for extra in variadic[1:]:  # one variadic axis per annotation
        tokens.remove(extra)
    return " ".join(tokens)


shapes = st.lists(st.integers(1, 4), max_size=5).map(tuple)


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
