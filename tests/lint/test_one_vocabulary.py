"""The linter speaks the one course vocabulary: names, shapes, fix sentences, the Course
functions, all asked of `dimcheck._vocabulary` and `dimcheck._course_functions`."""

import textwrap

import pytest

from dimcheck import _course_functions as course_functions
from dimcheck import _vocabulary as vocabulary
from dimcheck._lint import _naming as naming
from dimcheck._lint import lint_source


def messages(code: str) -> dict[str, str]:
    return {f.code: f.message for f in lint_source(textwrap.dedent(code))}


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("W1", ("W", 1)),
        ("W_1", ("W", 1)),
        ("W12", ("W", 12)),
        ("WL", ("W", "L")),
        ("AL", ("A", "L")),
        ("dAL", ("dA", "L")),
        ("W", ("W", "l")),
        ("Wl", ("W", "l")),
        ("W_l", ("W", "l")),
        ("A_prev", ("A", "l-1")),
        ("dA_prev", ("dA", "l-1")),
        ("Aprev", ("A", "l-1")),
        ("X", ("A", 0)),
        ("db", ("db", "l")),
        ("Y", None),
        ("w1", None),  # logistic regression's w is a column, not W[l]
        ("dw", None),
        ("B1", None),
        ("vdW1", None),
        ("dA0_hat", None),
        ("gamma1", None),
        ("d", None),
        ("", None),
    ],
)
def test_a_name_of_course_code_is_read_as_its_letter_and_layer(
    name: str, parsed: tuple[str, int | str] | None
) -> None:
    assert vocabulary.parse_name(name) == parsed


@pytest.mark.parametrize(("name", "letter"), [("w1", "W"), ("dw", "dW"), ("db2", "db"), ("b", "b")])
def test_lowercase_names_are_read_only_when_asked(name: str, letter: str) -> None:
    parsed = vocabulary.parse_name(name, lowercase=True)
    assert parsed is not None and parsed[0] == letter


@pytest.mark.parametrize(
    ("name", "label", "shape"),
    [
        ("W2", "W[2]", "(n[2], n[1])"),
        ("W", "W[l]", "(n[l], n[l-1])"),
        ("WL", "W[L]", "(n[L], n[L-1])"),
        ("b1", "b[1]", "(n[1], 1)"),
        ("A_prev", "A[l-1]", "(n[l-1], m)"),
        ("X", "A[0]", "(n[0], m)"),
        ("AL", "A[L]", "(n[L], m)"),
        ("dZ", "dZ[l]", "(n[l], m)"),
        ("Y", "Y", "(n[L], m)"),
    ],
)
def test_the_linters_course_names_and_shapes_are_the_vocabularys(
    name: str, label: str, shape: str
) -> None:
    assert naming.label(name) == vocabulary.course_label(name) == label
    assert naming.shape_label(name) == shape


@pytest.mark.parametrize(
    ("dims", "text"),
    [
        ((3,), "(3,)"),
        ((3, 4), "(3, 4)"),
        ((), "()"),
        (("n_h", None), "(n_h, ?)"),
        ((None,), "(?,)"),
    ],
)
def test_shape_text_prints_what_the_source_says_and_question_marks_for_the_rest(
    dims: tuple[int | str | None, ...], text: str
) -> None:
    assert vocabulary.shape_text(dims) == text


def test_a_shape_clash_prints_the_vocabularys_shape_text() -> None:
    found = messages(
        """\
        import numpy as np
        def f(n_h):
            a = np.zeros((n_h, 3))
            c = np.zeros((4, 5))
            return a @ c
        """
    )
    assert "a is (n_h, 3) and c is (4, 5)" in found["DC403"]


@pytest.mark.parametrize(
    ("line", "code", "sentence"),
    [
        (
            "b1 = np.zeros(n_h)",
            "DC101",
            vocabulary.rank1_hint("b1", "n_h", fix="np.zeros((n_h, 1))"),
        ),
        (
            'parameters["b" + str(l)] = np.zeros(layer_dims[l])',
            "DC101",
            vocabulary.rank1_hint("b[l]", "n", fix="np.zeros((layer_dims[l], 1))"),
        ),
        (
            "db1 = np.sum(dZ1, axis=1) / m",
            "DC201",
            vocabulary.rank1_hint("db1", "n", fix="np.sum(dZ1, axis=1, keepdims=True)"),
        ),
        (
            "db1 = np.squeeze(np.sum(dZ1, axis=1, keepdims=True)) / m",
            "DC204",
            vocabulary.rank1_hint("db1", "n", fix="np.sum(dZ1, axis=1, keepdims=True) / m"),
        ),
        (
            "db1 = np.sum(dZ1) / m",
            "DC203",
            vocabulary.single_number_hint("db1", fix="np.sum(dZ1, axis=1, keepdims=True)"),
        ),
        (
            "db1 = np.mean(dZ1)",
            "DC203",
            vocabulary.single_number_hint(
                "db1", fix="np.mean(dZ1, axis=1, keepdims=True)", reduction="np.mean"
            ),
        ),
    ],
)
def test_a_mistake_the_run_time_checks_see_too_reads_with_the_vocabularys_sentence(
    line: str, code: str, sentence: str
) -> None:
    found = messages(
        f"import numpy as np\ndef initialize_parameters_deep(layer_dims):\n    {line}\n"
    )
    assert sentence.strip() in found[code]


def test_the_vocabularys_default_sentences_are_unchanged_by_the_fix_argument() -> None:
    # The run-time checks call the hints without `fix`: their sentence is the reshape one.
    assert vocabulary.rank1_hint("db1", 3) == (
        " db1 is a rank-1 array: make it a column with db1.reshape(3, 1),"
        " or keep the axis when reducing (np.sum(..., axis=1, keepdims=True))."
    )
    assert vocabulary.single_number_hint("db1") == (
        " db1 is a single number: np.sum without axis= adds up every entry;"
        " sum over the examples with np.sum(..., axis=1, keepdims=True)."
    )


@pytest.mark.parametrize("function", course_functions.MARKERS)
def test_each_course_function_of_the_table_marks_course_code(function: str) -> None:
    # What a marker changes: `X`, `W`, `db` are then trusted to have their course shapes.
    assert naming.looks_like_course_code(f"def {function}(x):\n    return x\n")
    assert not naming.looks_like_course_code(f"def my_{function}(x):\n    return x\n")


@pytest.mark.parametrize(
    "function", [f.name for f in course_functions.FUNCTIONS if not f.marks_course_code]
)
def test_names_other_code_uses_too_do_not_mark_course_code(function: str) -> None:
    assert not naming.looks_like_course_code(f"def {function}(x):\n    return x\n")


def test_a_course_function_makes_a_module_course_code_for_the_rules() -> None:
    # m from axis 0 of A is only a mistake where A is the course's A[l], (n[l], m).
    body = "import numpy as np\ndef {name}(A, parameters):\n    m = A.shape[0]\n    return m\n"
    assert "DC301" in messages(body.format(name="forward_propagation_n"))
    assert messages(body.format(name="summarise")) == {}


@pytest.mark.parametrize(
    ("layer", "previous"), [(2, 1), (1, 0), ("l", "l-1"), ("L", "L-1"), ("l-1", "l-2")]
)
def test_the_layer_before_is_counted_or_written(layer: int | str, previous: int | str) -> None:
    assert vocabulary.previous_layer(layer) == previous


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("Z = W * A_prev + b", "Z"),
        ("dA_prev = W * dZ", "dA"),
        ("Z = A_prev @ W + b\n    Z2 = W @ A_prev", "Z"),
    ],
)
def test_products_quote_the_vocabularys_formula(code: str, kind: str) -> None:
    found = messages(f"import numpy as np\ndef linear_forward(A_prev, W, b, dZ):\n    {code}\n")
    (message,) = found.values()
    assert f"the course formula {vocabulary.formula(kind)} is a matrix product" in message or (
        f"The course computes {vocabulary.formula(kind)}:" in message
    )
