"""Gradient checks of every recognised Course assignment, with the assignment's own signatures.

`assignment_checks(module, recognised, options)` turns a student module into a list of
`Section`s, each a title and a function that runs one check: the L-layer and two-layer
networks of Course 1 (through `_student`), logistic regression's `propagate`, Course 2's
3-layer network plain, with L2 (the gradient checked against the regularised cost) and
with dropout (the masks held fixed by reseeding numpy's global generator before every
evaluation; a dropout that stays random is refused, never passed), the N-D and 1-D
gradient-checking assignments (including the student's own `gradient_check_n`), and the
update steps and initialisers (`_updates`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._check import check, check_functions
from ._errors import CheckInputError
from ._origin import origin
from ._updates import (
    StepCheck,
    StepReport,
    check_adam,
    check_gradient_descent,
    check_initializer,
    check_mini_batches,
    check_momentum,
    check_zero_moments,
)

#: Course 2's 3-layer networks: `vector_to_dictionary` hard-codes these shapes.
THREE_LAYER = [4, 5, 3, 1]

#: The seed numpy's global generator is set to before every evaluation of a dropout
#: forward pass, so that each evaluation draws the same masks.
DROPOUT_SEED = 1


@dataclass
class Options:
    """What the command line says about the problem."""

    layer_dims: list[int] | None = None
    m: int = 7
    seed: int = 0
    eps: float | None = None
    mode: str = "auto"
    lambd: float | None = None
    keep_prob: float | None = None
    progress_bar: bool | None = False


@dataclass
class Section:
    """One check of a file: its title and the function that runs it (a `Report` or a
    `StepReport`)."""

    title: str
    run: Callable[[], Any]


def _problem(dims: list[int], m: int, seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """`X (n[0], m)`, binary `Y (n[L], m)`, `W[l]` at scale `1/sqrt(n[l-1])`, nonzero `b[l]`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((dims[-1], m)) > 0.5).astype(np.float64)
    parameters: dict[str, Any] = {}
    for layer in range(1, len(dims)):
        parameters[f"W{layer}"] = rng.standard_normal((dims[layer], dims[layer - 1])) / np.sqrt(
            dims[layer - 1]
        )
        parameters[f"b{layer}"] = 0.1 * rng.standard_normal((dims[layer], 1))
    return X, Y, parameters


def _options(options: Options) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "mode": options.mode,
        "seed": options.seed,
        "progress_bar": options.progress_bar,
    }
    if options.eps is not None:
        extra["eps"] = options.eps
    return extra


def _three_layer(
    functions: dict[str, Callable[..., Any]],
    forward: str,
    cost: str,
    backward: str,
    options: Options,
    *,
    forward_extra: tuple[Any, ...] = (),
    cost_extra: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None,
    backward_extra: tuple[Any, ...] = (),
    reseed: bool = False,
) -> Any:
    X, Y, parameters = _problem(THREE_LAYER, options.m, options.seed)
    student_forward, student_cost = functions[forward], functions[cost]
    student_backward = functions[backward]
    holder: dict[str, Any] = {}

    def forward_(X_: np.ndarray, params: dict[str, Any]) -> Any:
        if reseed:
            np.random.seed(DROPOUT_SEED)
        holder["parameters"] = params
        return student_forward(X_, params, *forward_extra)

    def cost_(AL: np.ndarray, Y_: np.ndarray) -> Any:
        extra = cost_extra(holder["parameters"]) if cost_extra else ()
        return student_cost(AL, Y_, *extra)

    def backward_(AL: np.ndarray, Y_: np.ndarray, cache: Any) -> Any:
        return student_backward(X, Y_, cache, *backward_extra)

    if reseed:
        _deterministic(forward_, X, parameters, forward)
    return check_functions(
        forward=forward_,
        cost=cost_,
        backward=backward_,
        parameters=parameters,
        X=X,
        Y=Y,
        **_options(options),
    )


def _l2_diagnosis(functions: dict[str, Callable[..., Any]], options: Options, lambd: float) -> Any:
    """The L2 check, with what the L2 terms of the cost and of each `dW[l]` are when wrong.

    The student's functions are run at `lambd` and at 0: the difference is their L2 term,
    which must be `lambd / (2 m) sum ||W[l]||^2` in the cost and `(lambd / m) W[l]` in `dW[l]`.
    """
    report = _three_layer(
        functions,
        "forward_propagation",
        "compute_cost_with_regularization",
        "backward_propagation_with_regularization",
        options,
        cost_extra=lambda p: (p, lambd),
        backward_extra=(lambd,),
    )
    if report.passed:
        return report
    X, Y, parameters = _problem(THREE_LAYER, options.m, options.seed)
    m = X.shape[1]
    try:
        A3, cache = functions["forward_propagation"](X, parameters)
        cost = functions["compute_cost_with_regularization"]
        term = float(np.squeeze(cost(A3, Y, parameters, lambd))) - float(
            np.squeeze(cost(A3, Y, parameters, 0.0))
        )
        backward = functions["backward_propagation_with_regularization"]
        with_l2, without = backward(X, Y, cache, lambd), backward(X, Y, cache, 0.0)
    except Exception:
        return report  # the check above already says what raised
    weights = [parameters[f"W{layer}"] for layer in range(1, len(THREE_LAYER))]
    want = lambd / (2 * m) * sum(float(np.sum(np.square(W))) for W in weights)
    if not np.isclose(term, want, rtol=1e-9):
        report.notes.append(
            f"compute_cost_with_regularization adds {term:.4g} for lambd = {lambd}, but the L2"
            f" term is lambd / (2 m) * sum of ||W[l]||^2 = {want:.4g}"
            + (" (a factor 2: is the 1/2 missing?)" if np.isclose(term, 2 * want) else "")
        )
    for layer, W in enumerate(weights, start=1):
        key = f"dW{layer}"
        try:
            added = np.asarray(with_l2[key], dtype=float) - np.asarray(without[key], dtype=float)
        except (KeyError, TypeError, ValueError):
            continue
        if np.allclose(added, lambd / m * W, rtol=1e-9, atol=1e-15):
            continue
        if np.allclose(added, 0.0):
            cause = "is missing"
        elif np.allclose(added, lambd / (2 * m) * W, rtol=1e-9):
            cause = "is lambd / (2 m) * W: the derivative of lambd / (2 m) ||W||^2 is lambd / m * W"
        else:
            cause = "is not lambd / m * W"
        report.notes.append(
            f"the L2 term of dW[{layer}] in backward_propagation_with_regularization {cause}:"
            f" dW{layer} = (1 / m) * dZ{layer} @ A{layer - 1}.T + (lambd / m) * W{layer}"
        )
    return report


def _deterministic(
    forward: Callable[..., Any], X: np.ndarray, parameters: dict[str, Any], name: str
) -> None:
    """Refuse a dropout forward pass that draws other masks though the global RNG is reseeded."""
    first = np.asarray(forward(X, parameters)[0], dtype=float)
    second = np.asarray(forward(X, parameters)[0], dtype=float)
    if not np.array_equal(first, second):
        raise CheckInputError(
            f"{name} gives another output on each call at the same parameters although numpy's"
            f" global generator is reseeded (np.random.seed({DROPOUT_SEED})) before each: its"
            " dropout masks come from a generator of its own, so the cost is not a function of"
            " the parameters and no gradient check can pass or fail it. Draw the masks with"
            " np.random.rand (as the Course does), or from a Generator seeded inside the"
            " function, and check again."
        )


def _logreg(functions: dict[str, Callable[..., Any]], options: Options) -> Any:
    propagate = functions["propagate"]
    n_x = options.layer_dims[0] if options.layer_dims else 4
    rng = np.random.default_rng(options.seed)
    X = rng.standard_normal((n_x, options.m))
    Y = (rng.random((1, options.m)) > 0.5).astype(np.float64)
    w = 0.5 * rng.standard_normal((n_x, 1))
    b = 0.3
    try:
        grads, _ = propagate(w.copy(), b, X, Y)
    except Exception as error:
        raise CheckInputError(
            f"propagate raised {type(error).__name__}: {error}" + origin(error)
        ) from error

    def cost(params: dict[str, np.ndarray]) -> Any:
        return propagate(params["w"], float(params["b"].reshape(-1)[0]), X, Y)[1]

    gradients = {"dw": grads["dw"], "db": np.reshape(np.asarray(grads["db"], dtype=float), (1, 1))}
    parameters = {"w": w, "b": np.full((1, 1), b)}
    report = check(cost, parameters, gradients, m=options.m, **_options(options))
    report.notes.append("w (n_x, 1) and the scalar b checked as a (1, 1) array")
    return report


def _gradcheck_1d(functions: dict[str, Callable[..., Any]], options: Options) -> Any:
    forward, backward = functions["forward_propagation"], functions["backward_propagation"]
    x, theta = 2.0, 4.0

    def cost(params: dict[str, np.ndarray]) -> Any:
        return forward(x, float(params["theta"].reshape(-1)[0]))

    grad = np.full((1, 1), float(np.asarray(backward(x, theta)).reshape(-1)[0]))
    return check(cost, {"theta": np.full((1, 1), theta)}, {"dtheta": grad}, **_options(options))


def _check_gradient_check_1d(functions: dict[str, Callable[..., Any]], options: Options) -> Any:
    """The student's `gradient_check(x, theta, epsilon)` against the Course's formula."""
    name = "gradient_check"
    result = StepCheck(name)
    forward, backward = functions["forward_propagation"], functions["backward_propagation"]
    x, theta, epsilon = 2.0, 4.0, 1e-7
    grad = float(np.squeeze(backward(x, theta)))
    approx = float(np.squeeze(forward(x, theta + epsilon) - forward(x, theta - epsilon))) / (
        2 * epsilon
    )
    want = abs(grad - approx) / (abs(grad) + abs(approx))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            got = float(np.squeeze(functions[name](x, theta, epsilon)))
    except Exception as error:
        result.problems.append(f"raised {type(error).__name__}: {error}{origin(error)}")
        return StepReport([result], "the student's own gradient check")
    # Same steps and formula: the two agree to roundoff (differences near 1e-9 here).
    if not np.isclose(got, want, rtol=1e-3, atol=1e-8):
        result.problems.append(
            f"it returns difference = {got:.3g} for x = {x}, theta = {theta}, but with dtheta ="
            f" backward_propagation(x, theta) = {grad:g} the Course's gradapprox = (J(theta +"
            " epsilon) - J(theta - epsilon)) / (2 * epsilon) and difference = ||dtheta -"
            f" gradapprox|| / (||dtheta|| + ||gradapprox||) give {want:.3g}: check the 2 * epsilon"
            " and the norms."
        )
    return StepReport([result], "the student's own gradient check")


def _reference_difference(
    cost: Callable[[dict[str, np.ndarray]], float],
    parameters: dict[str, np.ndarray],
    gradients: dict[str, np.ndarray],
    epsilon: float,
) -> float:
    """The Course's `gradient_check_n`: central differences at `epsilon`, then
    `||grad - gradapprox|| / (||grad|| + ||gradapprox||)` over all parameters."""
    analytic, numeric = [], []
    for key, value in parameters.items():
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[key][index] += epsilon
            minus[key][index] -= epsilon
            numeric.append((cost(plus) - cost(minus)) / (2 * epsilon))
            analytic.append(float(gradients["d" + key][index]))
    g, a = np.array(analytic), np.array(numeric)
    return float(np.linalg.norm(g - a) / (np.linalg.norm(g) + np.linalg.norm(a)))


def _check_gradient_check_n(functions: dict[str, Callable[..., Any]], options: Options) -> Any:
    """The student's `gradient_check_n` against the Course's formula, on right and on
    doubled gradients (where a wrong norm or a missing denominator shows)."""
    name = "gradient_check_n"
    result = StepCheck(name)
    X, Y, parameters = _problem(THREE_LAYER, options.m, options.seed)
    forward_n = functions["forward_propagation_n"]

    def cost(params: dict[str, np.ndarray]) -> float:
        return float(np.squeeze(forward_n(X, Y, params)[0]))

    # The gradients handed to it are numerical ones (central differences at 1e-6), so that
    # a bug in backward_propagation_n, reported by the gradient check, does not show here.
    gradients: dict[str, np.ndarray] = {}
    try:
        for key, value in parameters.items():
            gradient = np.zeros_like(value)
            for index in np.ndindex(value.shape):
                plus = {k: v.copy() for k, v in parameters.items()}
                minus = {k: v.copy() for k, v in parameters.items()}
                plus[key][index] += 1e-6
                minus[key][index] -= 1e-6
                gradient[index] = (cost(plus) - cost(minus)) / 2e-6
            gradients["d" + key] = gradient
    except Exception as error:
        raise CheckInputError(
            f"forward_propagation_n raised {type(error).__name__}: {error}" + origin(error)
        ) from error
    doubled = dict(gradients)
    doubled["dW2"] = 2 * gradients["dW2"]
    # Right gradients give a difference of roundoff alone, too noisy to compare; with
    # dW[2] doubled the difference is large, and a wrong formula shows.
    for label, grads in (("gradients with dW[2] doubled", doubled),):
        want = _reference_difference(cost, parameters, grads, 1e-7)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                got = functions[name](parameters, grads, X, Y, 1e-7)
        except Exception as error:
            result.problems.append(f"raised {type(error).__name__}: {error}{origin(error)}")
            break
        got = float(np.squeeze(got))
        # Same steps, same cost, same formula: only the order of the sums may differ.
        if not np.isclose(got, want, rtol=1e-4, atol=1e-12):
            result.problems.append(
                f"on {label} it returns difference = {got:.3g}, but the Course's"
                f" ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2) is {want:.3g}:"
                " check the norms (np.linalg.norm of the differences, not of each vector"
                " subtracted) and the denominator."
            )
            break
    return StepReport([result], "the student's own gradient check")


def _gradcheck_nd(functions: dict[str, Callable[..., Any]], options: Options) -> Any:
    X, Y, parameters = _problem(THREE_LAYER, options.m, options.seed)
    forward_n, backward_n = functions["forward_propagation_n"], functions["backward_propagation_n"]

    def forward(X_: np.ndarray, params: dict[str, Any]) -> Any:
        cost, cache = forward_n(X_, Y, params)
        return cost, cache

    def cost(J: Any, Y_: np.ndarray) -> Any:
        return J

    def backward(J: Any, Y_: np.ndarray, cache: Any) -> Any:
        return backward_n(X, Y_, cache)

    return check_functions(
        forward=forward,
        cost=cost,
        backward=backward,
        parameters=parameters,
        X=X,
        Y=Y,
        **_options(options),
    )


def _lowercase_keys(functions: dict[str, Callable[..., Any]]) -> bool:
    """Whether the student's initialiser keys the weights `w1`, `w2`, ... (lowercase)."""
    for name, args in (
        ("initialize_parameters_deep", ([5, 4, 3, 1],)),
        ("initialize_parameters", (5, 4, 1)),
    ):
        if name in functions:
            try:
                out = functions[name](*args)
            except Exception:
                continue
            if isinstance(out, dict):
                return any(str(key).startswith("w") for key in out)
    return False


def _steps(
    functions: dict[str, Callable[..., Any]], assignments: list[str], options: Options
) -> Any:
    dims = options.layer_dims or [5, 4, 3, 1]
    lower = _lowercase_keys(functions)
    checks: list[StepCheck] = []
    for name in ("update_parameters", "update_parameters_with_gd"):
        if name in functions:
            two_layer = "c1w3_planar" in assignments and "c1w4_deep" not in assignments
            gd_dims = [5, 4, 1] if two_layer else dims
            checks.append(check_gradient_descent(functions[name], name, gd_dims, lower=lower))
    if "initialize_velocity" in functions:
        velocity = functions["initialize_velocity"]
        checks.append(check_zero_moments(velocity, "initialize_velocity", dims, 1, lower))
    if "update_parameters_with_momentum" in functions:
        name = "update_parameters_with_momentum"
        checks.append(check_momentum(functions[name], name, dims, lower=lower))
    if "initialize_adam" in functions:
        checks.append(
            check_zero_moments(functions["initialize_adam"], "initialize_adam", dims, 2, lower)
        )
    if "update_parameters_with_adam" in functions:
        name = "update_parameters_with_adam"
        checks.append(check_adam(functions[name], name, dims, lower=lower))
    if "random_mini_batches" in functions:
        checks.append(check_mini_batches(functions["random_mini_batches"], "random_mini_batches"))
    # The initialisers: shapes and zero biases; scale for the assignment about scale.
    wide = [200, 50, 10, 1]
    for name, rule, init_dims in (
        ("initialize_parameters_deep", "any", dims),
        ("initialize_parameters", "any", [5, 4, 1]),
        ("initialize_parameters_zeros", "zeros", wide),
        ("initialize_parameters_random", "random", wide),
        ("initialize_parameters_he", "he", wide),
    ):
        if name in functions:
            checks.append(check_initializer(functions[name], name, init_dims, rule))
    return StepReport(checks)


def assignment_checks(
    functions: dict[str, Callable[..., Any]],
    assignments: list[str],
    options: Options,
    deep_or_two_layer: Callable[[], Any] | None = None,
) -> list[Section]:
    """The checks to run on a recognised student module.

    **Arguments:**

    - `functions`: Course name -> the student's function (`dimcheck`'s recognition).
    - `assignments`: the recognised assignment ids.
    - `options`: the problem's settings.
    - `deep_or_two_layer`: runs Course 1's network check (built by the command from
      `_student`), or `None` when the file has no such network.

    **Returns:** the `Section`s, in the order the Course teaches them.
    """
    sections: list[Section] = []
    has = functions.__contains__
    if deep_or_two_layer is not None:
        sections.append(Section("backprop of the network", deep_or_two_layer))
    if "c1w2_logreg" in assignments and has("propagate"):
        sections.append(
            Section("propagate (logistic regression)", lambda: _logreg(functions, options))
        )
    three = "c2w1_init" in assignments or "c2w1_reg" in assignments
    if three and has("forward_propagation") and has("backward_propagation"):
        cost = "compute_cost" if has("compute_cost") else "compute_loss"
        if has(cost):
            sections.append(
                Section(
                    "the 3-layer network (forward_propagation, backward_propagation)",
                    lambda: _three_layer(
                        functions, "forward_propagation", cost, "backward_propagation", options
                    ),
                )
            )
    if "c2w1_reg" in assignments:
        lambd = options.lambd if options.lambd else 0.7
        if (
            has("forward_propagation")
            and has("compute_cost_with_regularization")
            and has("backward_propagation_with_regularization")
        ):
            sections.append(
                Section(
                    f"L2 regularisation, lambd = {lambd} (against the regularised cost)",
                    lambda: _l2_diagnosis(functions, options, lambd),
                )
            )
        # Half the units dropped, not the Course's 0.86: with m = 7 and 0.86 a bug that shows
        # only where a unit was dropped (the mask not reapplied in backward) can miss every
        # row of the check, and a wrong backprop would pass.
        keep_prob = options.keep_prob if options.keep_prob and options.keep_prob < 1 else 0.5
        if has("forward_propagation_with_dropout") and has("backward_propagation_with_dropout"):
            cost = "compute_cost" if has("compute_cost") else "compute_loss"
            if has(cost):
                sections.append(
                    Section(
                        f"dropout, keep_prob = {keep_prob} (masks held fixed:"
                        f" np.random.seed({DROPOUT_SEED}) before every evaluation)",
                        lambda: _three_layer(
                            functions,
                            "forward_propagation_with_dropout",
                            cost,
                            "backward_propagation_with_dropout",
                            options,
                            forward_extra=(keep_prob,),
                            backward_extra=(keep_prob,),
                            reseed=True,
                        ),
                    )
                )
    if (
        "c2w1_gradcheck_nd" in assignments
        and has("forward_propagation_n")
        and has("backward_propagation_n")
    ):
        sections.append(
            Section(
                "forward_propagation_n / backward_propagation_n",
                lambda: _gradcheck_nd(functions, options),
            )
        )
        if has("gradient_check_n"):
            sections.append(
                Section(
                    "gradient_check_n (the student's own check)",
                    lambda: _check_gradient_check_n(functions, options),
                )
            )
    if (
        "c2w1_gradcheck_1d" in assignments
        and has("forward_propagation")
        and has("backward_propagation")
    ):
        sections.append(
            Section("the 1-D toy J = theta * x", lambda: _gradcheck_1d(functions, options))
        )
        if has("gradient_check"):
            sections.append(
                Section(
                    "gradient_check (the student's own check)",
                    lambda: _check_gradient_check_1d(functions, options),
                )
            )
    step_names = {
        "update_parameters",
        "update_parameters_with_gd",
        "initialize_velocity",
        "update_parameters_with_momentum",
        "initialize_adam",
        "update_parameters_with_adam",
        "random_mini_batches",
        "initialize_parameters_deep",
        "initialize_parameters",
        "initialize_parameters_zeros",
        "initialize_parameters_random",
        "initialize_parameters_he",
    }
    if step_names & set(functions):
        sections.append(
            Section(
                "update steps and initialisers", lambda: _steps(functions, assignments, options)
            )
        )
    return sections
