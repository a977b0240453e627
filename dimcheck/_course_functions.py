"""The one table of the Course functions: name -> arity -> rule, and the assignments.

`instrument`, the `%dimcheck` notebook extension, `dimcheck check` and the
`gradcheck` command all read this table: a function is a Course function when its
name is here and it takes at least `arity` positional parameters (the arguments its
rule reads). Several assignments reuse a name with another signature
(`forward_propagation(X, parameters)` in Course 1 Week 3, the 3-layer one with a
12-entry cache in Course 2 Week 1, the 1-D toy `forward_propagation(x, theta)` of
gradient checking): the rule named here tells them apart by what they are given and
what they return, never by the name alone.
"""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class CourseFunction:
    """One Course function.

    - `name`: its name in the Course's templates.
    - `arity`: how many leading positional arguments its rule reads.
    - `rule`: the key of the shape rule `instrument` applies (see `_instrument._RULES`);
      `""` for a helper that is recognised and run, but not wrapped.
    - `assignments`: the assignment ids it belongs to (`"c1w4_deep"`, ...).
    - `signature`: the Course's signature, quoted in messages.
    - `marks_course_code`: only the Course's code uses the name, so a module that defines
      or calls it is course code to the linter (`W`, `X`, `db` then have their course
      shapes). `False` for names that other code uses too (`propagate`, `optimize`).
    """

    name: str
    arity: int
    rule: str
    assignments: tuple[str, ...]
    signature: str
    marks_course_code: bool = True


_DEEP = ("c1w4_deep",)
_PLANAR = ("c1w3_planar",)
_THREE_LAYER = ("c2w1_init", "c2w1_reg")

FUNCTIONS: Final[tuple[CourseFunction, ...]] = (
    # Course 1 Week 4: the L-layer network (2017 `_v2` and current `_v3` templates).
    CourseFunction(
        "initialize_parameters_deep", 1, "init_deep", _DEEP, "(layer_dims) -> parameters"
    ),
    CourseFunction("linear_forward", 3, "linear_forward", _DEEP, "(A_prev, W, b) -> (Z, cache)"),
    CourseFunction(
        "linear_activation_forward",
        3,
        "linear_activation_forward",
        _DEEP,
        "(A_prev, W, b, activation) -> (A, cache)",
    ),
    CourseFunction("L_model_forward", 2, "model_forward", _DEEP, "(X, parameters) -> (AL, caches)"),
    CourseFunction("compute_cost", 2, "cost", (*_DEEP, *_PLANAR, "c2w1_reg"), "(AL, Y) -> cost"),
    CourseFunction(
        "linear_backward", 2, "linear_backward", _DEEP, "(dZ, cache) -> (dA_prev, dW, db)"
    ),
    CourseFunction(
        "linear_activation_backward",
        2,
        "linear_activation_backward",
        _DEEP,
        "(dA, cache, activation) -> (dA_prev, dW, db)",
    ),
    CourseFunction("L_model_backward", 3, "model_backward", _DEEP, "(AL, Y, caches) -> grads"),
    CourseFunction(
        "update_parameters",
        2,
        "update",
        (*_DEEP, *_PLANAR),
        "(parameters, grads, learning_rate) -> parameters",
    ),
    # Course 1 Week 3 (and the two-layer model of Week 4).
    CourseFunction(
        "initialize_parameters", 3, "init_two_layer", (*_PLANAR, *_DEEP), "(n_x, n_h, n_y)"
    ),
    CourseFunction(
        "forward_propagation",
        2,
        "forward",
        (*_PLANAR, *_THREE_LAYER, "c2w1_gradcheck_1d"),
        "(X, parameters) -> (A2, cache)",
    ),
    CourseFunction(
        "backward_propagation",
        2,
        "backward",
        (*_PLANAR, *_THREE_LAYER, "c2w1_gradcheck_1d"),
        "(parameters, cache, X, Y) -> grads",
    ),
    # Course 1 Week 2: logistic regression.
    CourseFunction("initialize_with_zeros", 1, "init_logreg", ("c1w2_logreg",), "(dim) -> (w, b)"),
    CourseFunction(
        "propagate",
        4,
        "propagate",
        ("c1w2_logreg",),
        "(w, b, X, Y) -> (grads, cost)",
        marks_course_code=False,
    ),
    CourseFunction(
        "optimize",
        4,
        "optimize",
        ("c1w2_logreg",),
        "(w, b, X, Y, ...) -> (params, grads, costs)",
        marks_course_code=False,
    ),
    # Course 2 Week 1: initialisation, regularisation, gradient checking.
    CourseFunction("initialize_parameters_zeros", 1, "init_deep", ("c2w1_init",), "(layers_dims)"),
    CourseFunction("initialize_parameters_random", 1, "init_deep", ("c2w1_init",), "(layers_dims)"),
    CourseFunction("initialize_parameters_he", 1, "init_deep", ("c2w1_init",), "(layers_dims)"),
    CourseFunction(
        "compute_loss", 2, "cost", ("c2w1_init",), "(a3, Y) -> loss", marks_course_code=False
    ),
    CourseFunction(
        "compute_cost_with_regularization",
        4,
        "cost_l2",
        ("c2w1_reg",),
        "(A3, Y, parameters, lambd) -> cost",
    ),
    CourseFunction(
        "backward_propagation_with_regularization",
        4,
        "backward",
        ("c2w1_reg",),
        "(X, Y, cache, lambd) -> gradients",
    ),
    CourseFunction(
        "forward_propagation_with_dropout",
        3,
        "forward",
        ("c2w1_reg",),
        "(X, parameters, keep_prob) -> (A3, cache)",
    ),
    CourseFunction(
        "backward_propagation_with_dropout",
        4,
        "backward",
        ("c2w1_reg",),
        "(X, Y, cache, keep_prob) -> gradients",
    ),
    CourseFunction(
        "forward_propagation_n",
        3,
        "forward_n",
        ("c2w1_gradcheck_nd",),
        "(X, Y, parameters) -> (cost, cache)",
    ),
    CourseFunction(
        "backward_propagation_n",
        3,
        "backward",
        ("c2w1_gradcheck_nd",),
        "(X, Y, cache) -> gradients",
    ),
    CourseFunction(
        "dictionary_to_vector", 1, "", ("c2w1_gradcheck_nd",), "(parameters) -> (theta, keys)"
    ),
    CourseFunction("vector_to_dictionary", 1, "", ("c2w1_gradcheck_nd",), "(theta) -> parameters"),
    CourseFunction("gradients_to_vector", 1, "", ("c2w1_gradcheck_nd",), "(gradients) -> theta"),
    CourseFunction(
        "gradient_check_n",
        4,
        "",
        ("c2w1_gradcheck_nd",),
        "(parameters, gradients, X, Y, epsilon=1e-7) -> difference",
    ),
    CourseFunction(
        "gradient_check",
        2,
        "",
        ("c2w1_gradcheck_1d",),
        "(x, theta, epsilon=1e-7) -> difference",
        marks_course_code=False,
    ),
    # Course 2 Week 2: optimisation.
    CourseFunction(
        "update_parameters_with_gd",
        2,
        "update",
        ("c2w2_optim",),
        "(parameters, grads, learning_rate) -> parameters",
    ),
    CourseFunction(
        "random_mini_batches",
        2,
        "mini_batches",
        ("c2w2_optim",),
        "(X, Y, mini_batch_size, seed) -> mini_batches",
    ),
    CourseFunction("initialize_velocity", 1, "init_velocity", ("c2w2_optim",), "(parameters) -> v"),
    CourseFunction(
        "update_parameters_with_momentum",
        3,
        "update_momentum",
        ("c2w2_optim",),
        "(parameters, grads, v, beta, learning_rate) -> (parameters, v)",
    ),
    CourseFunction("initialize_adam", 1, "init_adam", ("c2w2_optim",), "(parameters) -> (v, s)"),
    CourseFunction(
        "update_parameters_with_adam",
        4,
        "update_adam",
        ("c2w2_optim",),
        "(parameters, grads, v, s, t, ...) -> (parameters, v, s)",
    ),
)

BY_NAME: Final[dict[str, CourseFunction]] = {f.name: f for f in FUNCTIONS}

#: Every name looked for, in the table's order.
NAMES: Final[tuple[str, ...]] = tuple(BY_NAME)

#: The names that mark a module as course code for the linter (`marks_course_code`).
MARKERS: Final[tuple[str, ...]] = tuple(f.name for f in FUNCTIONS if f.marks_course_code)

#: The names `instrument` wraps (the helpers with no shape rule are only recognised).
CHECKED: Final[tuple[str, ...]] = tuple(f.name for f in FUNCTIONS if f.rule)

#: What each assignment id means, for messages and the docs.
ASSIGNMENTS: Final[dict[str, str]] = {
    "c1w2_logreg": "Course 1 Week 2, logistic regression (propagate, optimize)",
    "c1w3_planar": "Course 1 Week 3, the two-layer planar classifier",
    "c1w4_deep": "Course 1 Week 4, the L-layer network (2017 and current templates)",
    "c2w1_init": "Course 2 Week 1, initialisation (zeros, random, He)",
    "c2w1_reg": "Course 2 Week 1, regularisation (L2 and dropout)",
    "c2w1_gradcheck_1d": "Course 2 Week 1, gradient checking in 1-D",
    "c2w1_gradcheck_nd": "Course 2 Week 1, gradient checking in N-D",
    "c2w2_optim": "Course 2 Week 2, optimisation (mini-batches, momentum, Adam)",
}
