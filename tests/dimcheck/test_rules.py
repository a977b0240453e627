"""check_parameters, check_gradients, check_caches: every entry, every rule, in course notation."""

import numpy as np
import pytest

import dimcheck
from dimcheck import ShapeError, ShapeReport

LAYER_DIMS = [5, 4, 3, 1]


def parameters_for(layer_dims: list[int], transposed: bool = False) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    parameters = {}
    for l in range(1, len(layer_dims)):  # noqa: E741 (the course's layer index)
        shape = (layer_dims[l], layer_dims[l - 1])
        parameters[f"W{l}"] = rng.standard_normal(shape[::-1] if transposed else shape)
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def gradients_for(
    parameters: dict[str, np.ndarray], m: int = 6, transposed: bool = False
) -> dict[str, np.ndarray]:
    grads = {"d" + key: np.ones_like(value) for key, value in parameters.items()}
    L = len(parameters) // 2
    for l in range(L):  # noqa: E741
        n = parameters[f"W{l + 1}"].shape[0 if transposed else 1]
        grads[f"dA{l}"] = np.ones((n, m))
    return grads


@pytest.mark.parametrize("layer_dims", [[5, 4, 3, 1], [4, 4, 4, 4], [2, 1]])
@pytest.mark.parametrize("convention", ["standard", "transposed"])
def test_correct_parameters_and_gradients_pass(layer_dims: list[int], convention: str) -> None:
    parameters = parameters_for(layer_dims, transposed=convention == "transposed")
    report = dimcheck.check_parameters(parameters, layer_dims, convention=convention)  # type: ignore[arg-type]
    assert report.ok and bool(report)
    assert report.checked == 2 * (len(layer_dims) - 1)
    grads = gradients_for(parameters, transposed=convention == "transposed")
    report = dimcheck.check_gradients(grads, parameters, convention=convention)  # type: ignore[arg-type]
    assert report.ok, str(report)
    assert report.checked == 3 * (len(layer_dims) - 1)
    grads["dA0"] = np.ones((layer_dims[0] + 1, 6))
    report = dimcheck.check_gradients(grads, parameters, convention=convention)  # type: ignore[arg-type]
    assert [v.name for v in report.violations] == ["dA[0]"]


@pytest.mark.parametrize("layer", [1, 2, 3])
def test_every_weight_and_bias_of_every_layer_is_checked(layer: int) -> None:
    parameters = parameters_for(LAYER_DIMS)
    parameters[f"W{layer}"] = parameters[f"W{layer}"].T.copy()
    parameters[f"b{layer}"] = parameters[f"b{layer}"].ravel()
    report = dimcheck.check_parameters(parameters, LAYER_DIMS)
    assert [v.name for v in report.violations] == [f"W[{layer}]", f"b[{layer}]"]
    n, p = LAYER_DIMS[layer], LAYER_DIMS[layer - 1]
    assert report.violations[0].message.startswith(
        f"W[{layer}] must be (n[{layer}], n[{layer - 1}]) = ({n}, {p}): got ({p}, {n})"
        f" (n[{layer}] = {n}, n[{layer - 1}] = {p} from layer_dims)."
    )
    assert "Standard convention" in report.violations[0].message
    assert report.violations[1].message.startswith(
        f"b[{layer}] must be (n[{layer}], 1) = ({n}, 1): got ({n},)"
    )
    assert "keepdims=True" in report.violations[1].message


def test_the_issue_example_db2_rank1() -> None:
    parameters = parameters_for(LAYER_DIMS)
    grads = gradients_for(parameters)
    grads["db2"] = np.ones(3)
    report = dimcheck.check_gradients(grads, parameters)
    (violation,) = report.violations
    assert violation.key == "db2" and violation.got == (3,)
    assert violation.expected == "(n[2], 1) = (3, 1)"
    with pytest.raises(ShapeError, match=r"^db\[2\] must be \(n\[2\], 1\) = \(3, 1\): got \(3,\)"):
        report.raise_on_violation()


def test_missing_and_extra_entries_are_violations() -> None:
    parameters = parameters_for(LAYER_DIMS)
    del parameters["b2"]
    parameters["W7"] = np.ones((1, 1))
    report = dimcheck.check_parameters(parameters, LAYER_DIMS)
    assert [v.name for v in report.violations] == ["b[2]", "W[7]"]
    assert report.violations[0].message == (
        "b[2] is missing: expected an array (n[2], 1) = (3, 1) under the key 'b2'."
    )
    assert "not a layer of this network" in report.violations[1].message


def test_transposed_convention_messages_say_so() -> None:
    parameters = parameters_for(LAYER_DIMS)  # standard shapes, checked as transposed
    report = dimcheck.check_parameters(parameters, LAYER_DIMS, convention="transposed")
    assert len(report.violations) == 3
    assert report.violations[0].message.startswith("W[1] must be (n[0], n[1]) = (5, 4): got (4, 5)")
    assert "Transposed convention: W[l] is stored as (n[l-1], n[l])" in report.violations[0].message


def test_gradient_dA_entries_need_n_l_and_a_common_m() -> None:
    parameters = parameters_for(LAYER_DIMS)
    grads = gradients_for(parameters, m=6)
    grads["dA2"] = np.ones((4, 6))
    report = dimcheck.check_gradients(grads, parameters)
    (violation,) = report.violations
    assert violation.message.startswith(
        "dA[2] must be (n[2], m) = (3, 6): got (4, 6) (n[2] = 3 from W[1..L]; m = 6 from dA[0])."
        " Rule: dA[2] = W[3].T @ dZ[3] has the shape of A[2]."
    )


@pytest.mark.parametrize(
    ("convention", "rule"),
    [
        ("standard", "Rule: dW[2] = (1/m) dZ[2] @ A[1].T has the shape of W[2]. (Standard"),
        ("transposed", "Rule: dW[2] = (1/m) A[1] @ dZ[2].T has the shape of W[2]. (Transposed"),
    ],
)
def test_a_gradient_built_from_the_wrong_activation_is_told_the_rule(
    convention: str, rule: str
) -> None:
    transposed = convention == "transposed"
    parameters = parameters_for(LAYER_DIMS, transposed)
    grads = gradients_for(parameters, transposed=transposed)
    # dW[2] from A[2] instead of A[1]: (n[2], n[2]) in either convention.
    grads["dW2"] = np.ones((LAYER_DIMS[2], LAYER_DIMS[2]))
    report = dimcheck.check_gradients(grads, parameters, convention=convention)  # type: ignore[arg-type]
    (violation,) = report.violations
    assert rule in violation.message


def test_a_bias_gradient_summed_over_every_entry_gets_the_axis_hint() -> None:
    parameters = parameters_for(LAYER_DIMS)
    grads = gradients_for(parameters)
    grads["db1"] = np.sum(grads["dW1"])  # the notes' np.sum(dZ[1]) without axis=1
    (violation,) = dimcheck.check_gradients(grads, parameters).violations
    assert violation.message.endswith(
        "db1 is a single number: np.sum without axis= adds up every entry;"
        " sum over the examples with np.sum(..., axis=1, keepdims=True)."
    )


def test_dw_of_the_wrong_shape_gets_the_transpose_hint() -> None:
    parameters = parameters_for(LAYER_DIMS)
    grads = gradients_for(parameters)
    grads["dW2"] = grads["dW2"].T
    (violation,) = dimcheck.check_gradients(grads, parameters).violations
    assert "dW[2] must be (n[2], n[1]) = (3, 4): got (4, 3)" in violation.message
    assert "Did you mean dW2.T?" in violation.message


def deep_caches(layer_dims: list[int], m: int = 6) -> list[tuple]:
    parameters = parameters_for(layer_dims)
    A = np.ones((layer_dims[0], m))
    caches = []
    for l in range(1, len(layer_dims)):  # noqa: E741
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = np.tanh(Z)
    return caches


def test_correct_caches_pass_with_and_without_layer_dims() -> None:
    caches = deep_caches(LAYER_DIMS)
    assert dimcheck.check_caches(caches, LAYER_DIMS).ok
    assert dimcheck.check_caches(caches).ok
    assert dimcheck.check_caches(caches, LAYER_DIMS, 6).checked == 12


def test_a_wrong_cache_entry_is_named_with_its_layer() -> None:
    caches = deep_caches(LAYER_DIMS)
    (A, W, b), Z = caches[1]
    caches[1] = ((A, W, b.ravel()), Z)
    report = dimcheck.check_caches(caches, LAYER_DIMS)
    (violation,) = report.violations
    assert violation.message.startswith("caches[1]: b[2] must be (n[2], 1) = (3, 1): got (3,)")


def test_a_cache_of_another_structure_and_a_wrong_count() -> None:
    caches = deep_caches(LAYER_DIMS)
    caches[0] = caches[0][0]  # type: ignore[assignment]
    report = dimcheck.check_caches(caches, LAYER_DIMS)
    assert "caches[0] must be the course's ((A[0], W[1], b[1]), Z[1])" in str(report)
    report = dimcheck.check_caches(caches[:2], LAYER_DIMS)
    assert report.violations[0].message == "caches must hold one cache per layer, L = 3: got 2."


def test_two_layer_cache_dict() -> None:
    cache = {"Z1": np.ones((4, 6)), "A1": np.ones((4, 6)), "Z2": np.ones((1, 6)), "A2": np.ones(6)}
    report = dimcheck.check_caches(cache, [5, 4, 1])
    (violation,) = report.violations
    assert violation.message.startswith("A[2] must be (n[2], m) = (1, 6): got (6,)")
    assert "reshape(1, 6)" in violation.message


def test_report_text_html_and_repr() -> None:
    parameters = parameters_for(LAYER_DIMS)
    parameters["b1"] = np.zeros(4)
    report = dimcheck.check_parameters(parameters, LAYER_DIMS)
    assert isinstance(report, ShapeReport) and not report
    text = str(report)
    assert text.startswith("parameters: 6 entries checked (standard convention), 1 wrong:")
    assert "b[1] must be (n[1], 1) = (4, 1): got (4,)" in text
    assert "<code>b[1]</code>" in report._repr_html_()
    assert repr(report) == "ShapeReport('parameters', checked=6, violations=['b[1]'])"
    assert str(report.violations[0]) == report.violations[0].message
    good = dimcheck.check_parameters(parameters_for(LAYER_DIMS), LAYER_DIMS)
    assert str(good).endswith("all shapes follow the rules.")
    good.raise_on_violation()  # nothing to raise


@pytest.mark.parametrize(
    ("layer_dims", "wording"),
    [([5], "at least two positive sizes"), ([5, 0], "at least two"), ("abc", "list of layer")],
)
def test_bad_layer_dims_get_a_clear_error(layer_dims: object, wording: str) -> None:
    with pytest.raises(ValueError, match=wording):
        dimcheck.check_parameters({}, layer_dims)  # type: ignore[arg-type]


def test_bad_convention_and_bad_containers_get_clear_errors() -> None:
    with pytest.raises(ValueError, match='convention must be "standard"'):
        dimcheck.check_parameters({}, [2, 1], convention="columns")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parameters must be a dict"):
        dimcheck.check_parameters([], [2, 1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="caches must be the list"):
        dimcheck.check_caches(42)


def test_checks_never_modify_their_inputs() -> None:
    parameters = parameters_for(LAYER_DIMS)
    before = {k: v.copy() for k, v in parameters.items()}
    dimcheck.check_parameters(parameters, LAYER_DIMS)
    dimcheck.check_gradients(gradients_for(parameters), parameters)
    assert parameters.keys() == before.keys()
    for key, value in parameters.items():
        np.testing.assert_array_equal(value, before[key])


# Everything in `_rules` that writes message text; none of it may run for right entries.
TEXT_MAKERS = [
    "format_expected",
    "dims_origin",
    "course_name",
    "symbols_of",
    "shape_hint",
    "rule_note",
    "_with_m",
    "_size_from",
    "n",
]


@pytest.mark.parametrize("convention", ["standard", "transposed"])
def test_right_entries_cost_no_message_text(
    monkeypatch: pytest.MonkeyPatch, convention: str
) -> None:
    import dimcheck._rules as rules

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("message text built although every entry is right")

    for name in TEXT_MAKERS:
        monkeypatch.setattr(rules, name, refuse)
    transposed = convention == "transposed"
    parameters = parameters_for(LAYER_DIMS, transposed=transposed)
    grads = gradients_for(parameters, transposed=transposed)
    rng = np.random.default_rng(0)
    m = 6
    A = [rng.standard_normal((n, m)) for n in LAYER_DIMS]
    caches = [
        ((A[l - 1], parameters[f"W{l}"], parameters[f"b{l}"]), A[l])
        for l in range(1, len(LAYER_DIMS))  # noqa: E741 (the course's layer index)
    ]
    assert dimcheck.check_parameters(parameters, LAYER_DIMS, convention=convention)  # type: ignore[arg-type]
    assert dimcheck.check_gradients(grads, parameters, convention=convention)  # type: ignore[arg-type]
    assert dimcheck.check_caches(caches, LAYER_DIMS, convention=convention)  # type: ignore[arg-type]
    assert dimcheck.check_caches({"Z1": A[1], "A1": A[1], "Z2": A[2], "A2": A[2]})
    # and one wrong entry does reach them
    with pytest.raises(AssertionError, match="message text built"):
        dimcheck.check_parameters({**parameters, "b1": np.zeros(4)}, LAYER_DIMS)


def test_x_given_as_rows_in_a_cache_is_blamed_on_x_not_on_z() -> None:
    parameters = parameters_for([2, 3])
    X = np.ones((4, 2))  # (m, n[0]) instead of (n[0], m)
    report = dimcheck.check_caches(
        [((X, parameters["W1"], parameters["b1"]), np.ones((3, 4)))], [2, 3]
    )
    assert [v.name for v in report.violations] == ["A[0]"]
    assert "A[0] must be (n[0], m) = (2, 4): got (4, 2)" in str(report)
    assert "Did you mean A_prev.T?" in str(report)
