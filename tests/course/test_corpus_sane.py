"""The corpus itself is right: correct code computes the Course's numbers, bugs change them.

Each correct implementation runs on a small seeded problem (m = 1 included) and is
compared with the independent references of `_reference.py`: forward values and costs
against plain numpy, gradients against central differences of the reference cost, update
steps and initialisers against their formulas; its training loop runs. Each planted bug
behaves differently from its base (different numbers, or an exception), and its
`caught_by` is honest: `gradcheck` exactly when a gradient disagrees with the student's
own cost, the shape tools only when a shape changes or the code raises. The notebook form
holds the same functions as the .py form, computes the same numbers, keeps its guarded
cells unguarded, and every .py line has its place (cell, line) in it.
"""

import ast
import copy
import itertools
import json
import re
import textwrap
from types import ModuleType

import numpy as np
import pytest

from tests.course import ALL, GUARD, TOOLS, Implementation, correct, get, planted
from tests.course._behaviour import (
    DEEP_DIMS,
    GRADIENT_BUG,
    INIT_DIMS,
    ND_DIMS,
    REG_DIMS,
    course_keys,
    course_layout,
    gradient_error,
    hidden_activation,
    optim_problem,
    planar_cost,
    rekey,
    run_scenario,
    same_outputs,
    shapes_of,
    train_briefly,
)
from tests.course._reference import (
    GRAD_ATOL,
    GRAD_RTOL,
    Arrays,
    adam_step,
    assert_gradients,
    cross_entropy,
    dense_forward,
    momentum_step,
    numerical_gradients,
    problem,
    random_params,
    relu,
    sigmoid,
)


def names_of(prefix: str) -> list[str]:
    return [i.name for i in correct() if i.name.startswith(prefix)]


# ---------------------------------------------------------------- the manifest


def test_every_planted_bug_is_described_and_names_known_tools() -> None:
    for bug in planted():
        assert bug.bug and bug.description and bug.function and bug.variable
        assert bug.caught_by and bug.caught_by <= TOOLS
        assert bug.name == f"{bug.assignment}__{bug.bug}"
        assert get(bug.assignment).bug is None


def test_correct_implementations_plant_nothing() -> None:
    for implementation in correct():
        assert implementation.bug is None and not implementation.caught_by
        assert implementation.source() == implementation.correct_source()


def test_the_package_docstring_lists_every_correct_implementation() -> None:
    import tests.course

    listed = re.findall(r"`(c[12]w\d_\w+?)`", tests.course.__doc__ or "")
    assert sorted(listed) == sorted(i.name for i in correct())


def test_get_names_the_choices_for_an_unknown_name() -> None:
    with pytest.raises(KeyError, match=r"no Course implementation 'c9w9'.*c1w4_deep_v3"):
        get("c9w9")


def test_a_change_that_does_not_match_its_base_is_refused() -> None:
    broken = Implementation(
        name="c1w4_deep_v3__nothing",
        assignment="c1w4_deep_v3",
        bug="nothing",
        changes=(("this text is not in the file", "x"),),
    )
    with pytest.raises(ValueError, match=re.escape("is not in c1w4_deep_v3.py once")):
        broken.source()


@pytest.mark.parametrize(
    ("variable", "message", "matches"),
    [
        ("db[l]", "db[2] must be (n[2], 1)", True),
        ("W[L]", "W[3] was never updated", True),
        ("v[dWl]", "v[dW1] is wrong", True),
        ("dW[1]", "dW[12] is wrong", False),
    ],
)
def test_variable_pattern_reads_l_as_any_layer(variable: str, message: str, matches: bool) -> None:
    bug = Implementation(name="x__y", assignment="x", bug="y", variable=variable)
    found = re.search(bug.variable_pattern() + r"(?!\d)", message)
    assert bool(found) is matches


# ---------------------------------------------------------------- Course 1 Week 2


LOGREG = names_of("c1w2_logreg")


@pytest.mark.parametrize("m", [1, 5])
@pytest.mark.parametrize("name", LOGREG)
def test_logreg_propagate_matches_the_formulas(name: str, m: int) -> None:
    logreg = get(name).load()
    x, y = problem(1, 3, m)
    w = np.random.default_rng(2).standard_normal((3, 1))
    b = 0.3

    def cost(p: Arrays) -> float:
        return cross_entropy(sigmoid(p["w"].T @ x + p["b"]), y)

    grads, got = logreg.propagate(w, b, x, y)
    assert np.ndim(got) == 0
    np.testing.assert_allclose(got, cost({"w": w, "b": np.array(b)}), rtol=1e-12)
    assert_gradients(grads, numerical_gradients(cost, {"w": w, "b": np.array(b)}))
    np.testing.assert_array_equal(logreg.predict(w, b, x), sigmoid(w.T @ x + b) > 0.5)


@pytest.mark.parametrize("name", LOGREG)
def test_logreg_initialiser_and_optimiser_follow_the_formulas(name: str) -> None:
    logreg = get(name).load()
    w, b = logreg.initialize_with_zeros(4)
    assert w.shape == (4, 1) and not w.any() and b == 0.0
    x, y = problem(3, 2, 7)
    w0 = np.array([[0.5], [-0.25]])
    params, _, costs = logreg.optimize(w0, 0.1, x, y, num_iterations=3, learning_rate=0.5)
    w_ref, b_ref = w0.copy(), 0.1
    for _ in range(3):  # gradient descent written from dw = X (A - Y).T / m
        a = sigmoid(w_ref.T @ x + b_ref)
        w_ref, b_ref = w_ref - 0.5 * x @ (a - y).T / 7, b_ref - 0.5 * float(np.mean(a - y))
    np.testing.assert_allclose(params["w"], w_ref, rtol=1e-12)
    np.testing.assert_allclose(params["b"], b_ref, rtol=1e-12)
    np.testing.assert_array_equal(w0, [[0.5], [-0.25]])  # the caller's w untouched
    assert len(costs) == 1


# ---------------------------------------------------------------- Course 1 Week 3


PLANAR = names_of("c1w3_planar")


@pytest.mark.parametrize("m", [1, 6])
@pytest.mark.parametrize("name", PLANAR)
def test_planar_network_matches_the_formulas(name: str, m: int) -> None:
    planar = get(name).load()
    x, y = problem(5, 2, m)
    params = random_params(np.random.default_rng(6), [2, 4, 1])

    def cost(p: Arrays) -> float:
        return cross_entropy(dense_forward(x, p, np.tanh), y)

    assert planar.layer_sizes(x, y) == (2, 4, 1)
    a2, cache = planar.forward_propagation(x, params)
    np.testing.assert_allclose(a2, dense_forward(x, params, np.tanh), rtol=1e-12)
    np.testing.assert_allclose(cache["A1"], np.tanh(params["W1"] @ x + params["b1"]), rtol=1e-12)
    assert isinstance(planar_cost(planar, a2, y, params), float)
    np.testing.assert_allclose(planar_cost(planar, a2, y, params), cost(params), rtol=1e-12)
    grads = planar.backward_propagation(params, cache, x, y)
    assert_gradients(grads, numerical_gradients(cost, params))
    before = copy.deepcopy(params)
    updated = planar.update_parameters(params, grads)
    for key, value in before.items():
        np.testing.assert_allclose(updated[key], value - 1.2 * grads["d" + key], rtol=1e-15)
        np.testing.assert_array_equal(params[key], value)
    np.testing.assert_array_equal(planar.predict(before, x), a2 > 0.5)


@pytest.mark.parametrize("name", PLANAR)
def test_planar_initialiser_and_a_short_training_run(name: str) -> None:
    planar = get(name).load()
    params = planar.initialize_parameters(2, 4, 1)
    np.random.seed(2)  # the Course's seed and scale, as its notebook sets them
    np.testing.assert_array_equal(params["W1"], np.random.randn(4, 2) * 0.01)
    np.testing.assert_array_equal(params["W2"], np.random.randn(1, 4) * 0.01)
    assert params["b1"].shape == (4, 1) and not params["b1"].any()
    x, y = problem(7, 2, 20)
    trained = planar.nn_model(x, y, n_h=3, num_iterations=50)
    assert trained["W1"].shape == (3, 2)
    assert cross_entropy(planar.forward_propagation(x, trained)[0], y) < np.log(2)


# ---------------------------------------------------------------- Course 1 Week 4


DEEP = names_of("c1w4_deep")


def deep_input_gradient_key(name: str) -> str:
    """Where L_model_backward stores dA[0]: "dA0" now, "dA1" in the 2017 template."""
    return "dA1" if name.endswith("_v2") else "dA0"


@pytest.mark.parametrize("m", [1, 5])
@pytest.mark.parametrize("name", DEEP)
def test_deep_forward_cost_and_gradients_match_the_formulas(name: str, m: int) -> None:
    deep, key, layout = get(name).load(), course_keys(name), course_layout(name)
    hidden = hidden_activation(name)
    x, y = problem(1, DEEP_DIMS[0], m)
    params = random_params(np.random.default_rng(2), DEEP_DIMS)

    def cost(p: Arrays) -> float:
        return cross_entropy(dense_forward(p.get("X", x), p, hidden), y)

    al, caches = deep.L_model_forward(x, layout(params))
    np.testing.assert_allclose(al, dense_forward(x, params, hidden), rtol=1e-12)
    assert np.ndim(deep.compute_cost(al, y)) == 0
    np.testing.assert_allclose(deep.compute_cost(al, y), cost(params), rtol=1e-12)
    grads = deep.L_model_backward(al, y, caches)
    assert_gradients(grads, layout(numerical_gradients(cost, params)))
    # dA[0] is m dJ/dX: the Course's dA[L] is the gradient of the summed loss, not the mean.
    dx = numerical_gradients(lambda p: cost({**params, "X": p["X"]}), {"X": x})["dX"]
    dA0 = grads[key(deep_input_gradient_key(name))]
    np.testing.assert_allclose(dA0, m * dx, rtol=GRAD_RTOL, atol=GRAD_ATOL)


@pytest.mark.parametrize("name", DEEP)
def test_deep_initialisers_follow_the_course(name: str) -> None:
    deep, key = get(name).load(), course_keys(name)
    params = deep.initialize_parameters_deep([5, 4, 3, 1])
    if name.endswith("_rng"):
        draw = np.random.default_rng(3).standard_normal
    else:
        np.random.seed(3)  # the Course's seed and its randn(n[l], n[l-1]) * 0.01
        draw = np.random.standard_normal
    transposed = get(name).convention == "transposed"  # randn(n[l-1], n[l]) * 0.01
    for layer, (rows, cols) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):
        shape = (cols, rows) if transposed else (rows, cols)
        np.testing.assert_array_equal(params[key(f"W{layer}")], draw(shape) * 0.01)
        np.testing.assert_array_equal(params[f"b{layer}"], np.zeros((rows, 1)))
    if transposed:
        assert not hasattr(deep, "initialize_parameters")  # no two-layer network there
        return
    two = deep.initialize_parameters(3, 2, 1)
    shapes = {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
    assert {k: v.shape for k, v in two.items()} == rekey(shapes, key)


@pytest.mark.parametrize("name", DEEP)
def test_deep_update_is_one_gradient_step_on_every_layer(name: str) -> None:
    deep, layout = get(name).load(), course_layout(name)
    rng = np.random.default_rng(4)
    params = random_params(rng, DEEP_DIMS)
    grads = {"d" + k: rng.standard_normal(v.shape) for k, v in params.items()}
    before = copy.deepcopy(params)
    updated = deep.update_parameters(layout(params), layout(grads), 0.1)
    want = layout({k: v - 0.1 * grads["d" + k] for k, v in before.items()})
    for name_, value in before.items():
        (stored,) = layout({name_: value})  # the implementation's key for it
        np.testing.assert_allclose(updated[stored], want[stored], rtol=1e-15)
        np.testing.assert_array_equal(params[name_], value)  # the arrays themselves untouched


# ---------------------------------------------------------------- Course 2 Week 1


def test_initialisers_give_zeros_large_random_and_he() -> None:
    init = get("c2w1_init").load()
    zeros = init.initialize_parameters_zeros(INIT_DIMS)
    large = init.initialize_parameters_random(INIT_DIMS)
    he = init.initialize_parameters_he(INIT_DIMS)
    for params in (zeros, large, he):
        assert sorted(params) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    np.random.seed(3)  # the Course's seed
    draws = [np.random.randn(n, n_prev) for n_prev, n in itertools.pairwise(INIT_DIMS)]
    for layer, draw in enumerate(draws, start=1):
        n_prev = INIT_DIMS[layer - 1]
        assert not zeros[f"W{layer}"].any() and zeros[f"W{layer}"].shape == draw.shape
        np.testing.assert_array_equal(large[f"W{layer}"], draw * 10)
        np.testing.assert_allclose(he[f"W{layer}"], draw * np.sqrt(2 / n_prev), rtol=1e-15)
        for params in (zeros, large, he):
            np.testing.assert_array_equal(params[f"b{layer}"], np.zeros((draw.shape[0], 1)))


def test_he_weights_have_variance_two_over_fan_in() -> None:
    init = get("c2w1_init").load()
    wide = init.initialize_parameters_he([400, 300, 1])["W1"]
    # 120000 draws: the sample variance is within a few percent of 2 / 400.
    assert wide.var() == pytest.approx(2 / 400, rel=0.03)


@pytest.mark.parametrize("m", [1, 6])
def test_the_provided_three_layer_helpers_match_the_formulas(m: int) -> None:
    init = get("c2w1_init").load()
    x, y = problem(12, 4, m)
    params = random_params(np.random.default_rng(13), INIT_DIMS)

    def cost(p: Arrays) -> float:
        return cross_entropy(dense_forward(x, p, relu), y)

    a3, cache = init.forward_propagation(x, params)
    assert len(cache) == 12
    np.testing.assert_allclose(a3, dense_forward(x, params, relu), rtol=1e-12)
    np.testing.assert_allclose(init.compute_loss(a3, y), cost(params), rtol=1e-12)
    assert_gradients(init.backward_propagation(x, y, cache), numerical_gradients(cost, params))


REG = names_of("c2w1_reg")


@pytest.mark.parametrize("m", [1, 7])
@pytest.mark.parametrize("name", REG)
def test_l2_cost_and_gradients_match_the_regularised_cost(name: str, m: int) -> None:
    reg = get(name).load()
    x, y = problem(14, 2, m)
    params = random_params(np.random.default_rng(15), REG_DIMS)
    lambd = 0.7

    def cost(p: Arrays) -> float:
        squares = sum(np.sum(p[f"W{layer}"] ** 2) for layer in (1, 2, 3))
        return cross_entropy(dense_forward(x, p, relu), y) + lambd / (2 * m) * squares

    a3, cache = reg.forward_propagation(x, params)
    np.testing.assert_allclose(reg.compute_cost(a3, y), cross_entropy(a3, y), rtol=1e-12)
    np.testing.assert_allclose(a3, dense_forward(x, params, relu), rtol=1e-12)
    got = reg.compute_cost_with_regularization(a3, y, params, lambd)
    np.testing.assert_allclose(got, cost(params), rtol=1e-12)
    grads = reg.backward_propagation_with_regularization(x, y, cache, lambd)
    assert_gradients(grads, numerical_gradients(cost, params))


@pytest.mark.parametrize("m", [1, 7])
@pytest.mark.parametrize("name", REG)
def test_dropout_gradients_match_the_cost_with_its_masks_held(name: str, m: int) -> None:
    reg = get(name).load()
    x, y = problem(16, 2, m)
    params = random_params(np.random.default_rng(17), REG_DIMS)
    keep_prob = 0.7
    np.random.seed(1)  # the seeded template reseeds itself; the unseeded one draws from here
    a3, cache = reg.forward_propagation_with_dropout(x, params, keep_prob)
    np.random.seed(1)  # the masks as the Course draws them: rand < keep_prob, per layer
    masks = {
        layer: (np.random.rand(REG_DIMS[layer], m) < keep_prob).astype(int) for layer in (1, 2)
    }

    def cost(p: Arrays) -> float:
        return cross_entropy(dense_forward(x, p, relu, masks=masks, keep_prob=keep_prob), y)

    np.testing.assert_allclose(a3, dense_forward(x, params, relu, masks=masks, keep_prob=keep_prob))
    grads = reg.backward_propagation_with_dropout(x, y, cache, keep_prob)
    assert_gradients(grads, numerical_gradients(cost, params))


def test_dropout_masks_are_fixed_only_in_the_seeded_template() -> None:
    x, _ = problem(18, 2, 9)
    params = random_params(np.random.default_rng(19), REG_DIMS)
    seeded, unseeded = get("c2w1_reg").load(), get("c2w1_reg_noseed").load()
    first = seeded.forward_propagation_with_dropout(x, params, 0.5)[0]
    np.testing.assert_array_equal(first, seeded.forward_propagation_with_dropout(x, params, 0.5)[0])
    draws = [unseeded.forward_propagation_with_dropout(x, params, 0.5)[0] for _ in range(2)]
    assert not np.array_equal(*draws)


@pytest.mark.parametrize("randomness", [0.0, 0.3])
def test_the_one_dimensional_data_generator_is_seeded_and_labelled(randomness: float) -> None:
    reg = get("c2w1_reg").load()
    x, y = reg.load_planar_dataset(randomness, seed=2)
    assert x.shape == (2, 50) and y.shape == (1, 50)
    assert sorted(set(y.ravel().tolist())) == [0, 1]
    np.testing.assert_array_equal(x, reg.load_planar_dataset(randomness, seed=2)[0])


def test_one_dimensional_gradient_check() -> None:
    toy = get("c2w1_gradcheck_1d").load()
    assert toy.forward_propagation(3, 4) == 12
    assert toy.backward_propagation(3, 4) == 3
    # The exact derivative: only rounding in (J+ - J-) / 2eps, ~1e-16 * J / eps.
    assert toy.gradient_check(3, 4) < 1e-7


@pytest.mark.parametrize("m", [1, 3])
def test_n_dimensional_gradient_check_pieces_match_the_formulas(m: int) -> None:
    nd = get("c2w1_gradcheck_nd").load()
    x, y = problem(20, 4, m)
    params = random_params(np.random.default_rng(21), ND_DIMS)

    def cost(p: Arrays) -> float:
        return cross_entropy(dense_forward(x, p, relu), y)

    got, cache = nd.forward_propagation_n(x, y, params)
    np.testing.assert_allclose(got, cost(params), rtol=1e-12)
    grads = nd.backward_propagation_n(x, y, cache)
    assert_gradients(grads, numerical_gradients(cost, params))

    theta, keys = nd.dictionary_to_vector(params)
    order = ["W1", "b1", "W2", "b2", "W3", "b3"]
    np.testing.assert_array_equal(theta, np.concatenate([params[k].reshape(-1, 1) for k in order]))
    assert keys == [k for k in order for _ in range(params[k].size)]
    back = nd.vector_to_dictionary(theta)
    assert all(np.array_equal(back[k], params[k]) for k in order)
    flat = nd.gradients_to_vector(grads)
    np.testing.assert_array_equal(
        flat, np.concatenate([grads["d" + k].reshape(-1, 1) for k in order])
    )

    # The Course's own check with its eps = 1e-7: correct code lands well below 1e-6
    # (NOTATION.md: up to ~3e-7 from rounding), a doubled dW[2] far above 1e-2.
    assert nd.gradient_check_n(params, grads, x, y) < 1e-6
    wrong = {**grads, "dW2": 2 * grads["dW2"]}
    assert nd.gradient_check_n(params, wrong, x, y) > 1e-2


# ---------------------------------------------------------------- Course 2 Week 2


OPTIM = names_of("c2w2_optim")


@pytest.mark.parametrize("name", OPTIM)
def test_gradient_descent_and_momentum_follow_the_update_equations(name: str) -> None:
    optim = get(name).load()
    params, grads = optim_problem()
    stepped = optim.update_parameters_with_gd(copy.deepcopy(params), grads, 0.1)
    for key, value in params.items():
        np.testing.assert_allclose(stepped[key], value - 0.1 * grads["d" + key], rtol=1e-15)

    v = optim.initialize_velocity(params)
    assert {k: a.shape for k, a in v.items()} == {"d" + k: a.shape for k, a in params.items()}
    assert not any(a.any() for a in v.values())
    got, ref, ref_v = copy.deepcopy(params), params, copy.deepcopy(v)
    for _ in range(2):  # two steps, so that beta * v matters
        got, v = optim.update_parameters_with_momentum(got, grads, v, 0.9, 0.1)
        ref, ref_v = momentum_step(ref, grads, ref_v, 0.9, 0.1)
    for key in params:
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-14)
        np.testing.assert_allclose(v["d" + key], ref_v["d" + key], rtol=1e-14)


@pytest.mark.parametrize("scale", [1.0, 1e-4])
@pytest.mark.parametrize("name", OPTIM)
def test_adam_follows_its_update_equations(name: str, scale: float) -> None:
    optim = get(name).load()
    params, grads = optim_problem()
    grads = {k: g * scale for k, g in grads.items()}  # small gradients expose sqrt(s + eps)
    v, s = optim.initialize_adam(params)
    assert not any(a.any() for a in (*v.values(), *s.values()))
    got, ref, ref_v, ref_s = copy.deepcopy(params), params, copy.deepcopy(v), copy.deepcopy(s)
    for t in (1, 2):
        returned = optim.update_parameters_with_adam(got, grads, v, s, t, learning_rate=0.01)
        assert len(returned) == (5 if name.endswith("_v2") else 3)
        got, v, s = returned[:3]
        ref, ref_v, ref_s = adam_step(ref, grads, ref_v, ref_s, t)
    for key in params:
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-12)
        np.testing.assert_allclose(s["d" + key], ref_s["d" + key], rtol=1e-12)


@pytest.mark.parametrize(("m", "size", "sizes"), [(10, 4, [4, 4, 2]), (8, 4, [4, 4]), (1, 64, [1])])
@pytest.mark.parametrize("name", OPTIM)
def test_mini_batches_partition_one_shuffle_of_x_and_y(
    name: str, m: int, size: int, sizes: list[int]
) -> None:
    optim = get(name).load()
    x = np.arange(3 * m, dtype=np.float64).reshape(3, m)
    y = np.arange(m, dtype=np.float64).reshape(1, m)
    batches = optim.random_mini_batches(x, y, size, seed=5)
    assert [bx.shape[1] for bx, _ in batches] == sizes
    np.random.seed(5)  # the Course's shuffle: np.random.permutation after seeding
    permutation = np.random.permutation(m)
    np.testing.assert_array_equal(
        np.concatenate([bx for bx, _ in batches], axis=1), x[:, permutation]
    )
    np.testing.assert_array_equal(
        np.concatenate([by for _, by in batches], axis=1), y[:, permutation]
    )


def test_learning_rate_decay_of_the_current_template() -> None:
    optim = get("c2w2_optim_v2").load()
    assert optim.update_lr(0.5, 2, 1) == pytest.approx(0.5 / 3)
    assert optim.schedule_lr_decay(0.5, 2500, 1, time_interval=1000) == pytest.approx(0.5 / 3)


# ---------------------------------------------------------------- the training loops


@pytest.mark.parametrize("implementation", correct(), ids=lambda i: i.name)
def test_the_training_loops_run_and_keep_the_shapes(implementation: Implementation) -> None:
    for trained in train_briefly(implementation):
        for key, value in trained.items():
            assert np.all(np.isfinite(value)), key
            if key[0] in "Ww" and key[1:].isdigit():
                layer = key[1:]
                bias = trained[f"b{layer}"]
                rows = 1 if implementation.convention == "transposed" else 0  # n[l]
                assert np.shape(bias) == (value.shape[rows], 1), key


# ---------------------------------------------------------------- planted bugs differ

# The scenarios (in _behaviour.py) call every student function of an assignment on a
# small seeded problem and return what they computed.


@pytest.mark.parametrize("implementation", correct(), ids=lambda i: i.name)
def test_every_correct_implementation_runs_its_scenario_reproducibly(
    implementation: Implementation,
) -> None:
    assert same_outputs(run_scenario(implementation), run_scenario(implementation))


@pytest.mark.parametrize("bug", planted(), ids=lambda i: i.name)
def test_every_planted_bug_changes_what_its_base_computes(bug: Implementation) -> None:
    expected = run_scenario(get(bug.assignment))
    try:
        got = run_scenario(bug)
    except Exception:  # raising is a change of behaviour too
        return
    assert not same_outputs(got, expected), f"{bug.name} computes what its base computes"


# ---------------------------------------------------------------- caught_by is honest

# A bug expected of gradcheck must make the student's gradients disagree with central
# differences of the student's own cost (or make the student's own checker give the wrong
# verdict); a bug expected of the shape tools must change a shape or raise.


@pytest.mark.parametrize("implementation", correct(), ids=lambda i: i.name)
def test_correct_gradients_agree_with_their_own_cost(implementation: Implementation) -> None:
    assert gradient_error(implementation) < GRADIENT_BUG


@pytest.mark.parametrize("bug", planted(), ids=lambda i: i.name)
def test_a_bug_is_expected_of_gradcheck_exactly_when_it_breaks_a_gradient(
    bug: Implementation,
) -> None:
    try:
        broken = gradient_error(bug) > GRADIENT_BUG
    except Exception:  # a backward pass that raises fails any gradient check
        broken = "gradcheck" in bug.caught_by
    assert broken == ("gradcheck" in bug.caught_by), bug.description


@pytest.mark.parametrize(
    "bug",
    [b for b in planted() if b.caught_by & {"instrument", "dimcheck-check", "init-check"}],
    ids=lambda i: i.name,
)
def test_a_bug_expected_of_the_shape_tools_changes_a_shape_or_raises(bug: Implementation) -> None:
    expected = shapes_of(run_scenario(get(bug.assignment)))
    try:
        got = shapes_of(run_scenario(bug))
    except Exception:
        return
    if bug.caught_by <= {"init-check", "lint"}:  # a wrong scale, not a wrong shape
        return
    assert got != expected, bug.description


# ---------------------------------------------------------------- notebook form


def functions_of(trees: list[ast.Module], texts: list[str]) -> dict[str, str]:
    """Top-level function definitions, by name, with their text as written."""
    found = {}
    for tree, text in zip(trees, texts, strict=True):
        lines = text.splitlines()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return found


def is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'"


def guarded_bodies(source: str) -> list[str]:
    """The code under each top-level `if __name__ == "__main__":`, dedented."""
    lines = source.splitlines()
    return [
        textwrap.dedent("\n".join(lines[node.body[0].lineno - 1 : node.end_lineno]))
        for node in ast.parse(source).body
        if is_main_guard(node)
    ]


@pytest.mark.parametrize("implementation", ALL, ids=lambda i: i.name)
def test_notebook_holds_the_same_functions_with_its_cells_unguarded(
    implementation: Implementation, tmp_path
) -> None:
    path = implementation.write_ipynb(tmp_path)
    notebook = json.loads(path.read_text())
    assert (notebook["nbformat"], path.name) == (4, f"{implementation.name}.ipynb")
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert any(c["cell_type"] == "markdown" for c in notebook["cells"])
    cells = [ast.parse(text) for text in code]  # every cell is valid Python on its own
    assert not any(is_main_guard(node) for tree in cells for node in tree.body)

    source = implementation.source()
    assert functions_of(cells, code) == functions_of([ast.parse(source)], [source])
    guarded = guarded_bodies(source)
    assert len(guarded) >= 2, "a data/test/training cell must be guarded in the .py form"
    # Each guarded body is a cell of its own in the notebook (after its comments).
    assert all(any(text.endswith(body) for text in code) for body in guarded)
    assert implementation.write_py(tmp_path).read_text() == source


def notebook_module(implementation: Implementation) -> ModuleType:
    """The notebook's code cells run in order, skipping those that were guarded."""
    guarded = guarded_bodies(implementation.source())
    module = ModuleType(f"notebook_{implementation.name}")
    for kind, text in implementation.notebook_cells():
        if kind == "code" and not any(text.endswith(body) for body in guarded):
            exec(compile(text, f"<{implementation.name} cell>", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("implementation", correct(), ids=lambda i: i.name)
def test_the_notebook_computes_what_the_py_form_computes(implementation: Implementation) -> None:
    from_notebook = run_scenario(implementation, notebook_module(implementation))
    assert same_outputs(from_notebook, run_scenario(implementation))


@pytest.mark.parametrize("implementation", correct(), ids=lambda i: i.name)
def test_every_line_of_the_py_form_has_its_place_in_the_notebook(
    implementation: Implementation,
) -> None:
    cells = implementation.notebook_cells()
    for number, line in enumerate(implementation.source().splitlines(), start=1):
        if not line.strip() or line.startswith("# %%") or line == GUARD:
            continue
        cell, at = implementation.notebook_place(number)
        kind, text = cells[cell - 1]
        expected = line.removeprefix("#").strip() if kind == "markdown" else line.strip()
        assert text.splitlines()[at - 1].strip() == expected, (number, line)


@pytest.mark.parametrize("bug", planted(), ids=lambda i: i.name)
def test_the_planted_lines_point_at_the_planted_text(bug: Implementation) -> None:
    source = bug.source().splitlines()
    for (_, new_text), line in zip(bug.changes, bug.planted_lines(), strict=True):
        if new_text.strip():
            assert new_text.strip().splitlines()[0].strip() in source[line - 1]
        cell, at = bug.notebook_place(line)
        kind, text = bug.notebook_cells()[cell - 1]
        assert kind == "code" and text.splitlines()[at - 1].strip() == source[line - 1].strip()


def test_the_py_form_imports_without_running_its_guarded_cells() -> None:
    # The guarded cells read datasets/ and public_tests, which do not exist here.
    for implementation in correct():
        implementation.load()
