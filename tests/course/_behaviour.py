"""What a Course implementation does, for the sanity tests: scenarios and gradient errors.

A scenario calls every student function of an assignment on a small seeded problem and
returns what they computed, so that a planted bug can be shown to change it. A gradient
error compares the student's gradients with central differences of the student's own
cost, so that `caught_by` can be shown honest about `gradcheck`.
"""

import copy
import inspect
from collections.abc import Callable
from types import ModuleType

import numpy as np

from ._catalogue import DEEP_BY_HIDDEN
from ._implementation import Implementation
from ._reference import (
    Arrays,
    leaky_relu,
    numerical_gradients,
    problem,
    random_params,
    relu,
    sigmoid,
)

# The layer sizes of each assignment's problems: m = 5 or more differs from every n[l],
# so that m read from the wrong axis shows.
DEEP_DIMS = [3, 4, 2, 1]
INIT_DIMS = [4, 5, 3, 1]
REG_DIMS = [2, 5, 3, 1]
ND_DIMS = [4, 5, 3, 1]  # the Course's gc_utils slices are written for these
OPTIM_DIMS = [3, 4, 2, 1]


def course_keys(name: str) -> Callable[[str], str]:
    """How an implementation spells a key: "W1", or "w1" in the lowercase variant."""
    return str.lower if name.endswith("_lowercase") else str


_REFERENCES = {"relu": relu, "tanh": np.tanh, "leaky_relu": leaky_relu, "sigmoid": sigmoid}


def hidden_activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The reference of a deep implementation's hidden activation: the one `DEEP_BY_HIDDEN`
    names it for, relu for the other deep files."""
    by_implementation = {implementation: h for h, implementation in DEEP_BY_HIDDEN.items()}
    return _REFERENCES[by_implementation.get(name, "relu")]


def rekey(arrays: Arrays, key: Callable[[str], str]) -> Arrays:
    return {key(k): v for k, v in arrays.items()}


def course_layout(name: str) -> Callable[[Arrays], Arrays]:
    """How an implementation holds standard (n[l], n[l-1]) arrays: its key spelling and,
    in the `_transposed` variant, W[l] and dW[l] stored as (n[l-1], n[l])."""
    key, transposed = course_keys(name), name.endswith("_transposed")

    def layout(arrays: Arrays) -> Arrays:
        return {
            key(k): v.T if transposed and k.lstrip("d").startswith("W") else v
            for k, v in arrays.items()
        }

    return layout


def planar_cost(module: ModuleType, a2: np.ndarray, y: np.ndarray, params: Arrays) -> object:
    """compute_cost(A2, Y), or the 2017 template's compute_cost(A2, Y, parameters)."""
    if len(inspect.signature(module.compute_cost).parameters) == 3:
        return module.compute_cost(a2, y, params)
    return module.compute_cost(a2, y)


def optim_problem() -> tuple[Arrays, Arrays]:
    rng = np.random.default_rng(22)
    params = random_params(rng, OPTIM_DIMS)
    grads = {"d" + k: rng.standard_normal(v.shape) for k, v in params.items()}
    return params, grads


# ---------------------------------------------------------------- training


def train_briefly(implementation: Implementation) -> list[Arrays]:
    """Each training function of the assignment, a few iterations on a tiny problem."""
    module = implementation.load()
    name = implementation.name
    x, y = problem(42, 2, 8)
    if name.startswith("c1w2_logreg"):
        d = module.model(x, y, x, y, num_iterations=5, learning_rate=0.1)
        return [{"w": d["w"]}]
    if name.startswith("c1w3_planar"):
        return [module.nn_model(x, y, n_h=3, num_iterations=5)]
    if name.startswith("c1w4_deep"):
        trained = module.L_layer_model(x, y, [2, 3, 1], num_iterations=3)
        return [trained if name.endswith("_v2") else trained[0]]
    if name.startswith("c2w1_init"):
        # The Course's `* 10` weights saturate the sigmoid: log(0), which its nansum skips.
        with np.errstate(divide="ignore", invalid="ignore"):
            return [
                module.model(x, y, num_iterations=3, print_cost=False, initialization=init)
                for init in ("zeros", "random", "he")
            ]
    if name.startswith("c2w1_reg"):
        return [
            module.model(x, y, num_iterations=3, print_cost=False, **options)
            for options in ({}, {"lambd": 0.7}, {"keep_prob": 0.86})
        ]
    if name.startswith("c2w2_optim"):
        dims = [2, 3, 2, 1]
        runs = [
            module.model(x, y, dims, optimizer, mini_batch_size=4, num_epochs=2, print_cost=False)
            for optimizer in ("gd", "momentum", "adam")
        ]
        if name.endswith("_v2"):
            runs.append(
                module.model(
                    x,
                    y,
                    dims,
                    "gd",
                    mini_batch_size=4,
                    num_epochs=2,
                    print_cost=False,
                    decay=module.update_lr,
                )
            )
        return runs
    return []  # the gradient-checking assignments train nothing


# ---------------------------------------------------------------- scenarios

# Each scenario calls every student function of its assignment and returns what they
# computed; the dicts it passes are copies (the 2017 templates update them in place).


def logreg_scenario(_: Implementation, module: ModuleType) -> object:
    x, y = problem(8, 3, 5)
    w = np.random.default_rng(9).standard_normal((3, 1))
    grads, cost = module.propagate(w, 0.3, x, y)
    return [
        module.sigmoid(np.array([-1.0, 0.0, 2.0])),
        module.initialize_with_zeros(3),
        grads,
        cost,
        module.optimize(w, 0.3, x, y, num_iterations=2, learning_rate=0.1),
        module.predict(w, 0.3, x),
    ]


def planar_scenario(_: Implementation, module: ModuleType) -> object:
    x, y = problem(10, 2, 5)
    params = random_params(np.random.default_rng(11), [2, 4, 1])
    a2, cache = module.forward_propagation(x, params)
    grads = module.backward_propagation(params, cache, x, y)
    return [
        module.initialize_parameters(2, 4, 1),
        a2,
        planar_cost(module, a2, y, params),
        grads,
        module.update_parameters(copy.deepcopy(params), grads),
    ]


def deep_scenario(implementation: Implementation, module: ModuleType) -> object:
    layout = course_layout(implementation.assignment)
    x, y = problem(8, DEEP_DIMS[0], 5)
    params = layout(random_params(np.random.default_rng(9), DEEP_DIMS))
    al, caches = module.L_model_forward(x, params)
    grads = module.L_model_backward(al, y, caches)
    return [
        module.initialize_parameters_deep(DEEP_DIMS),
        # the transposed variant has no two-layer initialiser (its W would be transposed too)
        module.initialize_parameters(3, 2, 1) if hasattr(module, "initialize_parameters") else 0,
        al,
        module.compute_cost(al, y),
        grads,
        module.update_parameters(copy.deepcopy(params), grads, 0.1),
    ]


def init_scenario(_: Implementation, module: ModuleType) -> object:
    x, y = problem(23, 4, 5)
    he = module.initialize_parameters_he(INIT_DIMS)
    a3, cache = module.forward_propagation(x, he)
    grads = module.backward_propagation(x, y, cache)
    return [
        module.initialize_parameters_zeros(INIT_DIMS),
        module.initialize_parameters_random(INIT_DIMS),
        he,
        a3,
        module.compute_loss(a3, y),
        grads,
        module.update_parameters(copy.deepcopy(he), grads, 0.1),
    ]


def reg_scenario(_: Implementation, module: ModuleType) -> object:
    x, y = problem(24, 2, 6)
    params = random_params(np.random.default_rng(25), REG_DIMS)
    a3, cache = module.forward_propagation(x, params)
    np.random.seed(1)  # the unseeded template's masks, made the same as the seeded one's
    a3_drop, cache_drop = module.forward_propagation_with_dropout(x, params, 0.7)
    return [
        module.load_planar_dataset(0.2, 3),
        module.initialize_parameters(REG_DIMS),
        a3,
        module.compute_cost(a3, y),
        module.compute_cost_with_regularization(a3, y, params, 0.7),
        module.backward_propagation_with_regularization(x, y, cache, 0.7),
        a3_drop,
        module.backward_propagation_with_dropout(x, y, cache_drop, 0.7),
    ]


def gradcheck_1d_scenario(_: Implementation, module: ModuleType) -> object:
    return [
        module.forward_propagation(3.0, 4.0),
        module.backward_propagation(3.0, 4.0),
        module.gradient_check(3.0, 4.0),
    ]


def gradcheck_nd_scenario(_: Implementation, module: ModuleType) -> object:
    x, y = problem(26, 4, 3)
    params = random_params(np.random.default_rng(27), ND_DIMS)
    cost, cache = module.forward_propagation_n(x, y, params)
    grads = module.backward_propagation_n(x, y, cache)
    # The gradients of the correct network, to try the student's own checker on.
    correct = Implementation("c2w1_gradcheck_nd", "c2w1_gradcheck_nd").load()
    reference = correct.backward_propagation_n(x, y, cache)
    wrong = {**reference, "dW2": 2 * reference["dW2"]}
    return [
        cost,
        grads,
        module.dictionary_to_vector(params),
        module.gradients_to_vector(reference),
        module.gradient_check_n(params, reference, x, y),
        module.gradient_check_n(params, wrong, x, y),
    ]


def optim_scenario(_: Implementation, module: ModuleType) -> object:
    params, grads = optim_problem()
    x, y = problem(28, 3, 10)
    v = module.initialize_velocity(params)
    momentum = module.update_parameters_with_momentum(
        copy.deepcopy(params), grads, copy.deepcopy(v), 0.9, 0.1
    )
    v_adam, s_adam = module.initialize_adam(params)
    adam = module.update_parameters_with_adam(
        copy.deepcopy(params), {k: g * 1e-4 for k, g in grads.items()}, v_adam, s_adam, 2
    )
    return [
        module.update_parameters_with_gd(copy.deepcopy(params), grads, 0.1),
        module.random_mini_batches(x, y, 4, seed=3),
        v,
        momentum,
        adam,
    ]


SCENARIOS: dict[str, Callable[[Implementation, ModuleType], object]] = {
    "c1w2_logreg": logreg_scenario,
    "c1w3_planar": planar_scenario,
    "c1w4_deep": deep_scenario,
    "c2w1_init": init_scenario,
    "c2w1_reg": reg_scenario,
    "c2w1_gradcheck_1d": gradcheck_1d_scenario,
    "c2w1_gradcheck_nd": gradcheck_nd_scenario,
    "c2w2_optim": optim_scenario,
}


def run_scenario(implementation: Implementation, module: ModuleType | None = None) -> object:
    """The scenario of the implementation's assignment, run on `module` (default: a fresh
    import of the implementation)."""
    (family,) = [p for p in SCENARIOS if implementation.assignment.startswith(p)]
    with np.errstate(all="ignore"):  # planted bugs may take square roots of negatives
        return SCENARIOS[family](implementation, module or implementation.load())


def flatten(value: object, path: str = "") -> list[tuple[str, np.ndarray]]:
    """Every array in nested lists, tuples and dicts, with where it was."""
    if isinstance(value, dict):
        return [item for key in sorted(value) for item in flatten(value[key], f"{path}[{key}]")]
    if isinstance(value, list | tuple):
        return [item for i, v in enumerate(value) for item in flatten(v, f"{path}[{i}]")]
    return [(path, np.asarray(value))]


def same_outputs(a: object, b: object) -> bool:
    left, right = flatten(a), flatten(b)
    return [p for p, _ in left] == [p for p, _ in right] and all(
        x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind in "fc")
        for (_, x), (_, y) in zip(left, right, strict=True)
    )


# ---------------------------------------------------------------- gradient errors


def relative_error(got: dict[str, object], expected: Arrays) -> float:
    worst = 0.0
    for key, value in expected.items():
        if np.shape(got[key]) != value.shape:  # a gradient of the wrong shape is wrong
            return np.inf
        g = np.asarray(got[key], dtype=np.float64)
        worst = max(worst, float(np.max(np.abs(g - value) / (np.abs(value) + 1e-6))))
    return worst


def logreg_gradient_error(_: Implementation, module: ModuleType) -> float:
    x, y = problem(30, 3, 5)
    p = {"w": np.random.default_rng(31).standard_normal((3, 1)), "b": np.array(0.3)}
    grads, _ = module.propagate(p["w"], 0.3, x, y)

    def cost(q: Arrays) -> float:
        return float(module.propagate(q["w"], float(q["b"]), x, y)[1])

    return relative_error(grads, numerical_gradients(cost, p))


def planar_gradient_error(_: Implementation, module: ModuleType) -> float:
    x, y = problem(32, 2, 5)
    params = random_params(np.random.default_rng(33), [2, 4, 1])
    _, cache = module.forward_propagation(x, params)

    def cost(p: Arrays) -> float:
        return float(np.squeeze(planar_cost(module, module.forward_propagation(x, p)[0], y, p)))

    grads = module.backward_propagation(params, cache, x, y)
    return relative_error(grads, numerical_gradients(cost, params))


def deep_gradient_error(implementation: Implementation, module: ModuleType) -> float:
    layout = course_layout(implementation.assignment)
    x, y = problem(34, DEEP_DIMS[0], 5)
    params = layout(random_params(np.random.default_rng(35), DEEP_DIMS))
    al, caches = module.L_model_forward(x, params)

    def cost(p: Arrays) -> float:
        return float(np.squeeze(module.compute_cost(module.L_model_forward(x, p)[0], y)))

    grads = module.L_model_backward(al, y, caches)
    return relative_error(grads, numerical_gradients(cost, params))


def init_gradient_error(_: Implementation, module: ModuleType) -> float:
    x, y = problem(36, 4, 5)
    params = random_params(np.random.default_rng(37), INIT_DIMS)

    def cost(p: Arrays) -> float:
        return float(module.compute_loss(module.forward_propagation(x, p)[0], y))

    grads = module.backward_propagation(x, y, module.forward_propagation(x, params)[1])
    return relative_error(grads, numerical_gradients(cost, params))


def reg_gradient_error(_: Implementation, module: ModuleType) -> float:
    x, y = problem(38, 2, 6)
    params = random_params(np.random.default_rng(39), REG_DIMS)

    def l2_cost(p: Arrays) -> float:
        a3 = module.forward_propagation(x, p)[0]
        return float(module.compute_cost_with_regularization(a3, y, p, 0.7))

    def dropout_forward(p: Arrays) -> tuple[np.ndarray, tuple]:
        np.random.seed(1)  # the masks held fixed, for the unseeded template too
        return module.forward_propagation_with_dropout(x, p, 0.7)

    def dropout_cost(p: Arrays) -> float:
        return float(module.compute_cost(dropout_forward(p)[0], y))

    cache = module.forward_propagation(x, params)[1]
    l2 = module.backward_propagation_with_regularization(x, y, cache, 0.7)
    dropout = module.backward_propagation_with_dropout(x, y, dropout_forward(params)[1], 0.7)
    return max(
        relative_error(l2, numerical_gradients(l2_cost, params)),
        relative_error(dropout, numerical_gradients(dropout_cost, params)),
    )


def checker_error(correct_verdict: float, wrong_verdict: float) -> float:
    """0 when a student's checker passes a right gradient and fails a wrong one, else 1."""
    return 0.0 if correct_verdict < 1e-6 and wrong_verdict > 0.5 else 1.0


def gradcheck_1d_error(_: Implementation, module: ModuleType) -> float:
    numeric = numerical_gradients(
        lambda p: float(module.forward_propagation(3.0, p["theta"])), {"theta": np.array(4.0)}
    )
    gradient = relative_error({"dtheta": module.backward_propagation(3.0, 4.0)}, numeric)
    return max(gradient, checker_error(module.gradient_check(3.0, 4.0), 1.0))


def gradcheck_nd_error(_: Implementation, module: ModuleType) -> float:
    x, y = problem(40, 4, 3)
    params = random_params(np.random.default_rng(41), ND_DIMS)
    grads = module.backward_propagation_n(x, y, module.forward_propagation_n(x, y, params)[1])
    numeric = numerical_gradients(lambda p: float(module.forward_propagation_n(x, y, p)[0]), params)
    negated = {k: -v for k, v in numeric.items()}  # wrong, with the right norm
    verdicts = checker_error(
        module.gradient_check_n(params, numeric, x, y),
        module.gradient_check_n(params, negated, x, y),
    )
    return max(relative_error(grads, numeric), verdicts)


GRADIENT_ERRORS: dict[str, Callable[[Implementation, ModuleType], float]] = {
    "c1w2_logreg": logreg_gradient_error,
    "c1w3_planar": planar_gradient_error,
    "c1w4_deep": deep_gradient_error,
    "c2w1_init": init_gradient_error,
    "c2w1_reg": reg_gradient_error,
    "c2w1_gradcheck_1d": gradcheck_1d_error,
    "c2w1_gradcheck_nd": gradcheck_nd_error,
}


# Central differences of O(1) costs agree with right gradients to ~1e-8 relative (plus
# the 1e-6 floor in relative_error); planted gradient bugs are off by factors.
GRADIENT_BUG = 1e-4


def gradient_error(implementation: Implementation) -> float:
    families = [p for p in GRADIENT_ERRORS if implementation.assignment.startswith(p)]
    if not families:
        return 0.0  # the optimisation assignment computes no gradient
    with np.errstate(all="ignore"):
        return GRADIENT_ERRORS[families[0]](implementation, implementation.load())


def shapes_of(value: object) -> list[tuple[str, tuple[int, ...]]]:
    return [(path, array.shape) for path, array in flatten(value)]
