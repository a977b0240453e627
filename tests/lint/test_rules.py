"""Rule behaviour beyond the example files: wording, positions, context, scopes."""

import textwrap

import pytest

from dimcheck._lint import MESSAGES, Finding, lint_source


def lint(code: str, **options: list[str]) -> list[Finding]:
    return lint_source(textwrap.dedent(code), **options)  # type: ignore[arg-type]


def codes(code: str) -> list[tuple[int, str]]:
    return [(finding.line, finding.code) for finding in lint(code)]


def test_finding_position_is_one_based_line_and_column() -> None:
    (finding,) = lint("import numpy as np\nb = np.random.randn(3)\n")
    assert (finding.line, finding.col, finding.code) == (2, 5, "DC101")
    assert str(finding).startswith("<string>:2:5: DC101 np.random.randn(3) makes a rank-1 array")


def test_messages_say_what_why_and_how_in_course_notation() -> None:
    text = """\
    import numpy as np
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[0]
        db = np.sum(dZ, axis=1) / m
        return db
    """
    by_code = {finding.code: finding.message for finding in lint(text)}
    assert "A[l-1]" in by_code["DC301"] and "(n[l-1], m)" in by_code["DC301"]
    assert "Use A_prev.shape[1] for m" in by_code["DC301"]
    assert "(n[l], 1) of b[l]" in by_code["DC201"]
    assert by_code["DC201"].endswith(
        " db is a rank-1 array: make it a column with np.sum(dZ, axis=1, keepdims=True)."
    )


def test_every_message_template_names_a_fix() -> None:
    fixes = ("write", "use", "give", "add", "keep", "make", "check", "pass", "sum over")
    # `{rank1}` and `{single}` are the course vocabulary's fix sentences for the mistake.
    vocabulary_fixes = ("{rank1}", "{single}")
    for code, template in MESSAGES.items():
        named = any(f"{word} " in template.lower() for word in fixes)
        assert named or any(fix in template for fix in vocabulary_fixes), code


def test_suggested_fix_keeps_the_users_own_arguments() -> None:
    (finding,) = lint("import numpy as np\ndb2 = np.sum(dZ2) * (1 / m)\n")
    assert finding.code == "DC203"
    assert "np.sum(dZ2, axis=1, keepdims=True)" in finding.message


def test_course_rules_stay_silent_in_code_that_is_not_course_code() -> None:
    # Row-wise data science code: X is (m, n), and X @ W is right there.
    text = """\
    import numpy as np
    def fit(X, y, W):
        m = X.shape[0]
        scores = X @ W
        return scores * m
    """
    assert codes(text) == []


def test_the_same_code_in_a_course_module_is_reported() -> None:
    text = """\
    import numpy as np
    def L_model_forward(X, W1):
        m = X.shape[0]
        Z1 = X @ W1
        A1 = np.tanh(np.dot(W1, X))
        return Z1, A1, m
    """
    assert codes(text) == [(3, "DC301"), (4, "DC402")]


def test_shapes_do_not_leak_between_functions() -> None:
    text = """\
    import numpy as np
    a = np.random.randn(3, 4)
    def f(a):
        return a @ np.ones((2, 2))
    """
    assert codes(text) == []


def test_reassignment_replaces_what_was_known() -> None:
    text = """\
    import numpy as np
    a = np.random.randn(3, 4)
    a = load()
    c = a @ np.ones((2, 2))
    b = np.ones((3, 4))
    b = b.T
    d = b @ np.ones((3, 2))
    """
    assert codes(text) == []


def test_tuple_assignment_forgets_the_names() -> None:
    text = """\
    import numpy as np
    a = np.ones(3)
    a, b = np.ones((3, 1)), 2
    a.T
    """
    assert codes(text) == []


def test_symbols_bound_to_numbers_are_resolved() -> None:
    text = """\
    import numpy as np
    n_x = 3
    W1 = np.random.randn(4, n_x)
    X = np.random.randn(5, 7)
    Z1 = W1 @ X
    """
    (finding,) = lint(text)
    assert finding.code == "DC403"
    assert "W1 is (4, 3) and X is (5, 7)" in finding.message


def test_numpy_imported_under_another_name_is_understood() -> None:
    text = """\
    import numpy
    import numpy.random as npr
    from numpy import zeros as z
    a = numpy.random.randn(3)
    c = npr.rand(4)
    b = z(5)
    """
    assert codes(text) == [(4, "DC101"), (5, "DC101"), (6, "DC101")]


def test_np_that_is_not_numpy_is_left_alone() -> None:
    text = """\
    import torch as np
    a = np.random.randn(3)
    M = np.matrix([[1]])
    """
    assert codes(text) == []


def test_global_outside_forward_and_backward_functions_is_allowed() -> None:
    text = """\
    def main():
        global state
    def forward_pass():
        global cache
    """
    assert codes(text) == [(4, "DC501")]


def test_no_finding_is_repeated_where_a_reported_db_is_used() -> None:
    text = """\
    import numpy as np
    def linear_backward(dZ, A_prev, W, b, m):
        db = np.sum(dZ, axis=1) / m
        b = b - 0.1 * db
        return b
    """
    assert codes(text) == [(3, "DC201")]


def test_syntax_error_is_raised_as_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        lint_source("def f(:\n")


def test_select_and_ignore_reach_lint_source() -> None:
    text = "import numpy as np\na = np.random.randn(3)\nM = np.matrix(a)\n"
    assert [f.code for f in lint_source(text, select=["DC5"])] == ["DC502"]
    assert [f.code for f in lint_source(text, ignore=["DC502"])] == ["DC101"]


def test_finding_renders_for_notebooks() -> None:
    finding = Finding("a.ipynb", 2, 5, "DC101", "m <b>", cell=3)
    assert str(finding) == "a.ipynb:cell 3:2:5: DC101 m <b>"
    assert "&lt;b&gt;" in finding._repr_html_()


def test_m_from_axis_0_of_x_is_right_when_the_module_holds_x_as_rows() -> None:
    # X is loaded one example per row and transposed on the way in.
    text = """\
    import numpy as np
    def forward_propagation(X, parameters):
        cache = {"A0": X.T}
        cache["Z1"] = np.dot(parameters["W1"], cache["A0"]) + parameters["b1"]
        return cache
    def backward_propagation(parameters, cache, X, Y):
        m = X.shape[0]
        dZ = cache["A1"] - Y.T
        grads = {"dW1": np.dot(dZ, cache["A0"].T) / m}
        return grads
    """
    assert codes(text) == []


def test_m_from_axis_0_of_x_is_reported_when_the_module_holds_x_as_columns() -> None:
    text = """\
    import numpy as np
    def backward_propagation(parameters, cache, X, Y):
        m = X.shape[0]
        dZ1 = cache["A1"] - Y
        dW1 = np.dot(dZ1, X.T) / m
        return dW1
    """
    assert codes(text) == [(3, "DC301")]


def test_x_used_both_ways_is_left_alone() -> None:
    text = """\
    import numpy as np
    def L_model_forward(X, W1, W2):
        m = X.shape[0]
        return np.dot(W1, X), np.dot(W2, X.T), m
    """
    assert codes(text) == []


def test_examples_as_rows_throughout_is_a_convention_not_a_mistake() -> None:
    text = """\
    import numpy as np
    def forward(X, W1, b1, W2, b2):
        a1 = np.tanh(np.dot(X, W1) + b1)
        return np.dot(a1, W2) + b2
    """
    assert codes(text) == []


def test_examples_as_rows_once_among_course_order_products_is_reported() -> None:
    text = """\
    import numpy as np
    def forward(X, W1, b1, W2, b2):
        A1 = np.tanh(np.dot(W1, X) + b1)
        Z2 = np.dot(X, W2)
        return A1, Z2
    """
    assert codes(text) == [(4, "DC402")]


def test_randn_of_something_that_is_never_an_int_is_left_to_python() -> None:
    assert codes("import numpy as np\na = np.random.randn([3, 4])\n") == []


def test_in_place_reshaping_forgets_the_shape() -> None:
    text = """\
    import numpy as np
    x = np.zeros((3, 4))
    x.shape = (4, 3)
    y = x @ np.ones((3, 2))
    z = np.zeros((3, 4))
    z.resize((4, 3))
    w = z @ np.ones((3, 2))
    """
    assert codes(text) == []


@pytest.mark.parametrize(
    "fix",
    [
        "db = db.reshape(-1, 1)",
        "db = db[:, None]",
        "db = np.expand_dims(db, 1)",
        "db.shape = (-1, 1)",
    ],
)
def test_a_bias_gradient_given_its_column_shape_later_is_not_reported(fix: str) -> None:
    text = f"""\
    import numpy as np
    def linear_backward(dZ, A_prev, W, m):
        db = np.sum(dZ, axis=1) / m
        {fix}
        return db
    """
    assert codes(text) == []


def test_a_bias_gradient_only_divided_later_is_still_reported() -> None:
    text = """\
    import numpy as np
    def linear_backward(dZ, A_prev, W, m):
        db = np.sum(dZ, axis=1)
        db = db / m
        return db
    """
    assert codes(text) == [(3, "DC201")]


def test_a_rank_1_array_reshaped_to_a_column_later_is_not_reported() -> None:
    # The notes' own fix: "or, just reshape the first case if necessary".
    text = """\
    import numpy as np
    a = np.random.randn(5)
    a = a.reshape(5, 1)
    b = np.zeros(4)
    b = b.reshape(-1, 1)
    c = np.random.randn(3)
    """
    assert codes(text) == [(6, "DC101")]


def test_a_starred_shape_has_an_unknown_rank() -> None:
    text = """\
    import numpy as np
    shape = (3, 4)
    W = np.random.randn(*shape)
    V = W.T
    Z = np.zeros(shape).T
    """
    assert codes(text) == []


def test_numbers_from_tuple_assignment_and_layer_dims_are_followed() -> None:
    text = """\
    import numpy as np
    n_x, n_h = 3, 4
    layer_dims = [3, 5, 1]
    W1 = np.random.randn(n_h, n_x)
    W2 = np.random.randn(layer_dims[2], layer_dims[1])
    bad = W2 @ W1
    A1 = np.random.randn(layer_dims[-2], 10)
    good = W2 @ A1
    """
    (finding,) = lint(text)
    assert (finding.line, finding.code) == (6, "DC403")
    assert "W2 is (1, 5) and W1 is (4, 3)" in finding.message


def test_x_transposed_in_place_somewhere_is_left_alone() -> None:
    text = """\
    import numpy as np
    def model(X, W1):
        m = X.shape[0]
        X = X.T
        return np.dot(W1, X), m
    """
    assert codes(text) == []


# Found by the acceptance audit: correct course-style code that was reported.

ROWS_MODULE = """\
import numpy as np
def train(X, y, hidden, lr):
    m, n = X.shape
    W1 = np.random.randn(n, hidden) * 0.1
    b1 = np.zeros(hidden)
    W2 = np.random.randn(hidden, 1) * 0.1
    b2 = np.zeros(1)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    A2 = 1 / (1 + np.exp(-(A1 @ W2 + b2)))
    dZ2 = A2 - y.reshape(-1, 1)
    m = dZ2.shape[0]
    dW2 = A1.T @ dZ2 / m
    db2 = dZ2.sum(axis=0) / m
    dZ1 = dZ2 @ W2.T * (Z1 > 0)
    db1 = np.sum(dZ1, axis=0) / m
    return dW2, db2, db1
"""


def test_a_module_with_examples_as_rows_throughout_is_not_reported() -> None:
    # b rank-1, m from axis 0 and db summed over axis 0 are all right when X is (m, n[0]).
    assert codes(ROWS_MODULE) == []


def test_the_classic_mistakes_are_still_reported_next_to_course_order_products() -> None:
    # One product the course's way round means the module holds examples as columns.
    text = ROWS_MODULE + "def forward(W1, X):\n    return W1 @ X\n"
    found = {code for _, code in codes(text)}
    assert {"DC101", "DC301", "DC201", "DC402"} <= found


def test_a_single_product_in_the_wrong_order_is_still_reported() -> None:
    text = """\
    import numpy as np
    def linear_forward(A_prev, W, b):
        return np.dot(A_prev, W) + b
    """
    (finding,) = lint(text)
    assert finding.code == "DC402"
    assert "the inner dimensions are m and n[l]" in finding.message


def test_logistic_regression_holds_x_as_columns_through_w_transposed() -> None:
    text = """\
    import numpy as np
    def propagate(w, b, X, Y):
        m = X.shape[0]
        A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
        dw = np.dot(X, (A - Y).T) / m
        db = np.sum(A - Y) / m
        return dw, db
    """
    # db of logistic regression is a number: b is a scalar there, so only m is wrong.
    assert codes(text) == [(3, "DC301")]
    rows = text.replace("np.dot(w.T, X)", "np.dot(X, w)").replace("(A - Y).T", "A - Y")
    assert codes(rows.replace("np.dot(X, A - Y)", "np.dot(X.T, A - Y)")) == []


def test_y_reshaped_like_al_still_holds_examples_as_columns() -> None:
    text = """\
    import numpy as np
    def compute_cost(AL, Y):
        m = Y.shape[0]
        return -np.sum(Y * np.log(AL)) / m
    def L_model_backward(AL, Y, caches):
        Y = Y.reshape(AL.shape)
        return AL - Y
    """
    (finding,) = lint(text)
    assert (finding.line, finding.code) == (3, "DC301")
    assert "Y is the labels with one example per column, shape (n[L], m)" in finding.message


def test_a_flattened_value_is_told_to_stay_as_it_was() -> None:
    text = """\
    import numpy as np
    def forward(W1, X, b1):
        return np.dot(W1, X) + b1.ravel()
    """
    (finding,) = lint(text)
    assert finding.code == "DC103"
    assert "use b1 as it is, without flattening it" in finding.message
    assert "(?" not in finding.message


def test_random_vectors_added_to_other_vectors_are_meant() -> None:
    text = """\
    import numpy as np
    def data(N, W1):
        t = np.arange(N) * 0.1 + np.random.randn(N)
        b1 = np.random.randn(N) * np.sqrt(2 / N)
        return t, b1
    """
    # The first is a curve with noise; the second is a bias made rank-1.
    assert codes(text) == [(4, "DC101")]


def test_image_and_convolution_code_is_not_held_to_the_2d_layout() -> None:
    text = """\
    import numpy as np
    def conv_backward(dZ, cache):
        (A_prev, W, b, hparameters) = cache
        (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
        m = A_prev.shape[0]
        db = np.sum(dZ, axis=(0, 1, 2))
        return m, db
    def linear_backward(dZ, A_prev):
        m = A_prev.shape[0]
        return np.dot(dZ, A_prev.T) / m
    """
    assert codes(text) == [(9, "DC301")]


def test_rank_1_biases_meet_matrices_along_the_units_axis_when_examples_are_rows() -> None:
    text = """\
    import numpy as np
    def forward(X, W1, W2, n_h, n_y):
        b1 = np.zeros(n_h)
        b2 = np.zeros(n_y)
        A1 = np.tanh(X @ W1 + b1)
        return np.dot(A1, W2) + b2
    """
    assert codes(text) == []
    # The same biases next to the course's order are the classic rank-1 mistake.
    course = text.replace("X @ W1", "W1 @ X").replace("np.dot(A1, W2)", "np.dot(W2, A1)")
    assert {code for _, code in codes(course)} == {"DC101", "DC103"}


@pytest.mark.parametrize(
    "inner", ["for j in range(3):", "while j:", "if j:", "with open(j):", "try:"]
)
def test_a_name_bound_in_a_nested_block_is_forgotten_at_the_top_of_the_loop(inner: str) -> None:
    # On the second pass `a` may already be the column made further down.
    text = f"""\
    import numpy as np
    a = np.ones(3)
    for i in range(3):
        a.T
        {inner}
            a = np.ones((3, 1))
    """
    if inner == "try:":
        text = text.rstrip(" ") + "        except OSError:\n            pass\n"
    assert codes(text) == []
    # Without the loop, `a` is the rank-1 array: the check is live.
    assert codes("import numpy as np\na = np.ones(3)\na.T\n") == [(3, "DC102")]
