"""The course vocabulary: names, key parsing, shape text, the rules and the fix hints, once."""

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dimcheck import _vocabulary as vocabulary

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("key", "parsed"),
    [
        ("W1", ("W", 1)),
        ("b12", ("b", 12)),
        ("dW3", ("dW", 3)),
        ("db1", ("db", 1)),
        ("dA0", ("dA", 0)),
        ("Z2", ("Z", 2)),
        ("A0", ("A", 0)),
        ("dZ4", ("dZ", 4)),
        # typed in lowercase: read, and given back as the Course spells it
        ("w1", ("W", 1)),
        ("dw2", ("dW", 2)),
        ("da0", ("dA", 0)),
        ("dz3", ("dZ", 3)),
    ],
)
def test_course_keys_parse_to_letter_and_layer(key: str, parsed: tuple[str, int]) -> None:
    assert vocabulary.parse_key(key) == parsed
    assert vocabulary.make_key(*parsed) in (key, vocabulary.make_key(*parsed))
    assert vocabulary.parse_key(vocabulary.make_key(*parsed)) == parsed


@pytest.mark.parametrize("key", ["X", "W", "W1a", "vdW1", "gamma1", "DW1", "B1", "", "1", "dd1"])
def test_keys_of_other_quantities_are_not_course_keys(key: str) -> None:
    assert vocabulary.parse_key(key) is None


@given(st.sampled_from(vocabulary.LETTERS), st.integers(0, 10_000))
def test_make_key_and_parse_key_are_inverse(letter: str, layer: int) -> None:
    assert vocabulary.parse_key(vocabulary.make_key(letter, layer)) == (letter, layer)
    assert vocabulary.parse_key(vocabulary.make_key(letter, layer).lower()) == (letter, layer)


@given(st.text(max_size=8))
def test_parse_key_never_crashes_on_any_text(key: str) -> None:
    parsed = vocabulary.parse_key(key)
    assert parsed is None or parsed[0] in vocabulary.LETTERS


def test_layers_of_reads_the_layers_of_one_letter_and_ignores_the_rest() -> None:
    keys = {"W1": 0, "b1": 0, "W3": 0, "dW2": 0, "w4": 0, "X": 0, 7: 0}
    assert vocabulary.layers_of(keys, "W") == [1, 3, 4]
    assert vocabulary.layers_of(keys, "dW") == [2]
    assert vocabulary.layers_of([], "b") == []


@pytest.mark.parametrize(
    ("key", "name"),
    [("W1", "W[1]"), ("db12", "db[12]"), ("dw2", "dW[2]"), ("gamma1", "gamma[1]"), ("X", "X")],
)
def test_course_name_writes_keys_as_the_notes_do(key: str, name: str) -> None:
    assert vocabulary.course_name(key) == name


def test_gradient_key_and_name_put_the_d_in_front() -> None:
    assert vocabulary.gradient_key("W2") == "dW2"
    assert vocabulary.gradient_name("b3") == "db[3]"


@pytest.mark.parametrize(
    ("name", "layer", "course"),
    [
        ("W1", None, "W[1]"),
        ("AL", None, "A[L]"),
        ("A_prev", None, "A[l-1]"),
        ("A_prev", 3, "A[2]"),
        ("dA_prev", None, "dA[l-1]"),
        ("W", None, "W[l]"),
        ("db", 2, "db[2]"),
        ("X", None, "X"),
    ],
)
def test_code_names_are_given_in_course_notation(name: str, layer: int | None, course: str) -> None:
    assert vocabulary.course_var(name, layer) == course


@pytest.mark.parametrize(
    ("name", "layer", "symbol"),
    [
        ("n_l", None, "n[l]"),
        ("n_l", 2, "n[2]"),
        ("n_prev", 2, "n[1]"),
        ("n_next", None, "n[l+1]"),
        ("n_L", None, "n[L]"),
        ("n0", None, "n[0]"),
        ("n_3", None, "n[3]"),
        ("m", None, "m"),
        ("n_x", None, "n_x"),
    ],
)
def test_dimension_names_are_given_as_course_symbols(
    name: str, layer: int | None, symbol: str
) -> None:
    assert vocabulary.course_dim(name, layer) == symbol


@pytest.mark.parametrize(
    ("shape", "text"),
    [((3,), "(3,)"), ((3, 4), "(3, 4)"), ((), "()"), ((np.int64(2), np.int32(5)), "(2, 5)")],
)
def test_shape_text_is_what_a_reader_writes(shape: tuple[int, ...], text: str) -> None:
    assert vocabulary.shape_text(shape) == text


def test_expected_shapes_bind_their_symbols_and_print_plain_sizes_once() -> None:
    assert vocabulary.format_expected(["n[2]", "n[1]"], [3, 4]) == "(n[2], n[1]) = (3, 4)"
    assert vocabulary.format_expected(["n[2]", "m"], [3, None]) == "(n[2], m) = (3, m)"
    assert vocabulary.format_expected(["3", "1"], [3, 1]) == "(3, 1)"
    assert vocabulary.format_expected(["n[1]"], [5]) == "(n[1],) = (5,)"


def test_dims_origin_says_where_each_size_came_from() -> None:
    origin = vocabulary.dims_origin([2, 3, 1], (2, 1), "layer_dims")
    assert origin == "n[2] = 1, n[1] = 3 from layer_dims"


@pytest.mark.parametrize(
    ("letter", "standard", "transposed"),
    [
        ("W", ["n[2]", "n[1]"], ["n[1]", "n[2]"]),
        ("dW", ["n[2]", "n[1]"], ["n[1]", "n[2]"]),
        ("b", ["n[2]", "1"], ["n[2]", "1"]),
        ("db", ["n[2]", "1"], ["n[2]", "1"]),
        ("Z", ["n[2]", "m"], ["n[2]", "m"]),
        ("dA", ["n[2]", "m"], ["n[2]", "m"]),
    ],
)
def test_the_rules_give_each_quantity_its_shape_in_both_conventions(
    letter: str, standard: list[str], transposed: list[str]
) -> None:
    assert vocabulary.symbols_of(letter, 2) == standard
    assert vocabulary.symbols_of(letter, 2, "transposed") == transposed


def test_an_unknown_quantity_is_refused_with_the_list_of_known_ones() -> None:
    with pytest.raises(ValueError, match=r"'Q' is not one of the course's layered quantities"):
        vocabulary.symbols_of("Q", 1)


def test_a_bad_convention_is_refused_with_both_choices_explained() -> None:
    with pytest.raises(ValueError, match=r'"standard" \(W\[l\] is \(n\[l\], n\[l-1\]\)\)'):
        vocabulary.check_convention("rows")


def test_shape_symbols_of_parameters_follow_the_rules() -> None:
    assert vocabulary.shape_symbols("W2", 2) == ("n[2]", "n[1]")
    assert vocabulary.shape_symbols("W2", 2, transposed=True) == ("n[1]", "n[2]")
    assert vocabulary.shape_symbols("b2", 2) == ("n[2]", "1")
    assert vocabulary.shape_symbols("b2", 1) is None
    assert vocabulary.shape_symbols("gamma1", 2) is None


@pytest.mark.parametrize(
    ("name", "convention", "rule"),
    [
        ("dW[3]", "standard", "dW[3] = (1/m) dZ[3] @ A[2].T has the shape of W[3]"),
        ("dW[3]", "transposed", "dW[3] = (1/m) A[2] @ dZ[3].T has the shape of W[3]"),
        ("dA[1]", "standard", "dA[1] = W[2].T @ dZ[2] has the shape of A[1]"),
        ("Z[l]", "standard", "Z[l] = W[l] @ A[l-1] + b[l], so it is (n[l], m)"),
        ("db[2]", "standard", "db[2] = (1/m) np.sum(dZ[2], axis=1, keepdims=True)"),
    ],
)
def test_rule_notes_quote_the_course_rule_with_the_layer_bound(
    name: str, convention: str, rule: str
) -> None:
    assert rule in vocabulary.rule_note(name, convention)


@pytest.mark.parametrize("name", ["W[2]", "X", "b[1]", "Z[l-1]"])
def test_quantities_without_a_computing_rule_get_no_note(name: str) -> None:
    assert vocabulary.rule_note(name) == ""


@pytest.mark.parametrize(
    ("var", "got", "want", "hint"),
    [
        ("W", (2, 3), [3, 2], " Did you mean W.T?"),
        ("db", (3,), [3, 1], " db is a rank-1 array: make it a column with db.reshape(3, 1)"),
        ("b", (3,), [None, 1], " b is a rank-1 array: make it a column with b.reshape(3, 1)"),
        ("Y", (5,), [1, 5], " Y is a rank-1 array: make it a row with Y.reshape(1, 5)"),
        ("db", (), [3, 1], " db is a single number: np.sum without axis= adds up every entry"),
        ("cost", (1, 1), [], " cost is a (1, 1) array: squeeze it to a scalar"),
        ("W", (4, 4), [3, 2], ""),
    ],
)
def test_the_fix_hints_of_the_classic_mistakes(
    var: str, got: tuple[int, ...], want: list[int | None], hint: str
) -> None:
    text = vocabulary.shape_hint(var, got, want)
    assert text.startswith(hint) if hint else text == ""


# Where the vocabulary used to be written out again; each now only re-exports it.
REEXPORTS = [
    ("dimcheck._notation", ["course_dim", "course_var", "format_expected", "rule_note"]),
    ("gradcheck._names", ["course_name", "gradient_key", "gradient_name", "shape_text"]),
    ("dimcheck._rules", ["convention_note", "weight_symbols", "dims_origin"]),
]


@pytest.mark.parametrize(("module", "names"), REEXPORTS)
def test_the_old_homes_of_the_vocabulary_re_export_the_one_copy(
    module: str, names: list[str]
) -> None:
    imported = __import__(module, fromlist=names)
    for name in names:
        assert getattr(imported, name) is getattr(vocabulary, name)


def test_models_shape_str_is_the_vocabulary_s_shape_text() -> None:
    from models import _errors

    assert _errors.shape_str is vocabulary.shape_text


def test_the_vocabulary_imports_nothing_but_the_standard_library() -> None:
    tree = ast.parse((ROOT / "dimcheck" / "_vocabulary.py").read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"re", "collections", "typing"}
