"""`check` and `check_functions`: gradient checks of a black-box cost and of Course code."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from ._assemble import assemble, kink_crossed, when_flat
from ._bands import EPS, FAIL_LINE, PASS_LINE, roundoff_per_coordinate
from ._errors import CheckInputError
from ._finite import (
    Cost,
    Evaluator,
    RaisedIn,
    coordinate_differences,
    cost_noise,
    directional_differences,
)
from ._modes import coordinates, directions, resolve_mode
from ._origin import origin
from ._progress import progress
from ._report import ParameterResult, Report
from ._richardson import NOTE as EXTRAPOLATION_NOTE
from ._richardson import Measurement, judged
from ._validate import as_float64, match_gradients, prepare_parameters, scalar_cost

#: On a failed directional check, parameters up to this size are localised by
#: checking every coordinate; larger ones by a sample of `ESCALATION_SAMPLE`.
ESCALATION_FULL_LIMIT = 5_000
ESCALATION_SAMPLE = 200


def validate_options(eps: float, pass_line: float, fail_line: float, samples: int) -> None:
    """Refuse settings that cannot give a meaningful check, with the reason."""
    if not (isinstance(eps, int | float) and math.isfinite(eps) and 0 < eps < 1):
        raise CheckInputError(f"eps must be a positive number below 1 (default {EPS}): got {eps}")
    if not 0 < pass_line < fail_line:
        raise CheckInputError(
            f"the bands need 0 < pass_line < fail_line: got {pass_line} and {fail_line}"
        )
    if int(samples) < 1:
        raise CheckInputError(f"samples must be at least 1: got {samples}")


def check(
    cost: Cost,
    parameters: Mapping[str, Any],
    gradients: Mapping[str, Any],
    *,
    eps: float = EPS,
    mode: str = "auto",
    seed: int = 0,
    samples: int = 20,
    n_directions: int = 4,
    pass_line: float = PASS_LINE,
    fail_line: float = FAIL_LINE,
    m: int | None = None,
    transposed: bool = False,
    progress_bar: bool | None = None,
) -> Report:
    """Compare `gradients` with central differences of `cost` at `parameters`.

    **Arguments:**

    - `cost`: `cost(parameters) -> J`, a float (a 0-d or `(1, 1)` array is
      fine) for a dict of arrays like `parameters`.
    - `parameters`: the Course's dict form, e.g. `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`.
      Never modified, read-only arrays welcome.
    - `gradients`: one per parameter, of its shape, keyed like the parameters
      (`"W1"`) or the Course's way (`"dW1"`); other keys (`"dA0"`) are ignored.
      Course gradients are already divided by `m`, like the cost `J`, a mean
      over `m`: the finite difference of `J` is directly comparable.
    - `eps`: the step of the central differences (see `Report` for the choice).
    - `mode`: `"full"` (every coordinate), `"sample"` (`samples` coordinates of
      every parameter, seeded), `"directional"` (`n_directions` random
      directions per parameter, escalating to coordinates on failure), or
      `"auto"` (full up to 2,000 parameters, then sample, then directional).
    - `seed`: seeds the sample and the directions.
    - `pass_line`, `fail_line`: the verdict bands.
    - `m`: the number of examples, to recognise a missing `1/m`.
    - `transposed`: the weights are stored `(n[l-1], n[l])`, for the messages.
    - `progress_bar`: `None` shows a bar in a terminal only.

    **Returns:** a `Report`.

    **Raises:** `GradientShapeError` for a missing gradient or one of the wrong
    shape (before any numerics); `CheckInputError` for NaN or inf, a cost that
    is not a scalar, or a cost that raises.
    """
    validate_options(eps, pass_line, fail_line, samples)
    work = prepare_parameters(parameters)
    grads = match_gradients(work, gradients, transposed=transposed)
    evaluate = Evaluator(cost, work)
    cost0 = evaluate("at the given parameters")
    # A generator of its own, so that the sampled coordinates do not depend on it.
    noise = cost_noise(evaluate, cost0, np.random.default_rng([seed, 1]))
    total = sum(a.size for a in work.values())
    concrete = resolve_mode(mode, total)
    rng = np.random.default_rng(seed)
    results: list[ParameterResult] = []
    extrapolated = False
    per_parameter = {
        key: array.size
        if concrete == "full"
        else min(samples, array.size)
        if concrete == "sample"
        else n_directions
        for key, array in work.items()
    }
    with progress(sum(per_parameter.values()), "gradcheck", progress_bar) as bar:
        for key, array in work.items():
            grad = grads[key]
            if concrete == "directional":
                units = directions(array.shape, n_directions, rng)
                c, f, b, scale = directional_differences(evaluate, key, units, eps, cost0)
                per_value = roundoff_per_coordinate(scale, eps, noise)
                analytic = np.tensordot(units, grad, axes=grad.ndim).reshape(-1)
                kinks = kink_crossed(analytic, c, f, b, per_value)
                result = assemble(
                    key,
                    array.shape,
                    analytic,
                    c,
                    indices=None,
                    kinks=kinks,
                    noise=per_value,
                    how="directional",
                    m=m,
                    pass_line=pass_line,
                    fail_line=fail_line,
                )
                if result.verdict == "ok" and not kinks.all():
                    results.append(result)
                    bar.update(per_parameter[key])
                    continue
                how = "full" if array.size <= ESCALATION_FULL_LIMIT else "sample"
                flat = coordinates(array.size, how, ESCALATION_SAMPLE, rng)
                how = f"directional, then {how}"
            else:
                how = concrete
                flat = coordinates(array.size, concrete, samples, rng)
            analytic = grad.reshape(-1)[flat]
            measure = partial(_coordinates_at, evaluate, key, flat, analytic, cost0, noise)
            result_of = partial(
                assemble,
                key,
                array.shape,
                analytic,
                indices=flat,
                full_analytic=grad,
                m=m,
                pass_line=pass_line,
                fail_line=fail_line,
            )
            result, second_look = judged(measure(eps), measure, eps, result_of, how)
            extrapolated = extrapolated or second_look
            results.append(result)
            bar.update(per_parameter[key])
    results, notes = when_flat(results)
    if extrapolated:
        notes.append(EXTRAPOLATION_NOTE)
    return Report(
        results,
        notes=notes,
        eps=eps,
        mode=concrete,
        seed=seed,
        pass_line=pass_line,
        fail_line=fail_line,
        cost_noise=noise,
    )


def _coordinates_at(
    evaluate: Any,
    key: str,
    flat: np.ndarray,
    analytic: np.ndarray,
    cost0: float,
    noise: float,
    step: float,
) -> Measurement:
    """Central differences of the coordinates `flat` of `key` at `step`, their kinks and floor."""
    c, f, b, scale = coordinate_differences(evaluate, key, flat, step, cost0)
    floor = roundoff_per_coordinate(scale, step, noise)
    return c, kink_crossed(analytic, c, f, b, floor), floor


def _call(function: Callable[..., Any], name: str, where: str, *args: Any) -> Any:
    try:
        return function(*args)
    except CheckInputError:
        raise
    except Exception as error:
        hint = ""
        if "read-only" in str(error):
            hint = (
                " (your code modifies X, Y or the parameters in place; gradcheck passes them "
                "read-only: compute new arrays instead)"
            )
        raise CheckInputError(
            f"{name} raised {type(error).__name__} {where}: {error}{hint}" + origin(error)
        ) from error


def _read_only_copy(name: str, value: Any) -> np.ndarray:
    copy = as_float64(name, value, "input")
    copy.flags.writeable = False
    return copy


def weights_transposed(parameters: Mapping[str, np.ndarray], n0: int) -> bool:
    """Whether `W1` is stored `(n[0], n[1])` (the convention where `Z = W.T @ A + b`)."""
    W1 = parameters.get("W1")
    if W1 is None or np.ndim(W1) != 2:
        return False
    rows, cols = np.shape(W1)
    return bool(rows == n0 and cols != n0)


def check_functions(
    *,
    forward: Callable[..., Any],
    cost: Callable[..., Any],
    backward: Callable[..., Any],
    parameters: Mapping[str, Any],
    X: Any,
    Y: Any,
    **options: Any,
) -> Report:
    """Check Course-style student functions: backprop against central differences.

    **Arguments:**

    - `forward`: `forward(X, parameters) -> (AL, caches)`, `AL` of shape `(n[L], m)`.
    - `cost`: `cost(AL, Y) -> J`, a scalar mean over the `m` examples.
    - `backward`: `backward(AL, Y, caches) -> grads` with `"dW1"`, `"db1"`, ...
    - `parameters`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`, never modified.
    - `X`: the inputs, `(n[0], m)`. `Y`: the labels, `(n[L], m)`. Never modified.
    - `options`: passed on to `check` (`eps`, `mode`, `seed`, ...).

    **Returns:** a `Report`; its notes say which weight convention was assumed.
    """
    X_ = _read_only_copy("X", X)
    Y_ = _read_only_copy("Y", Y)
    work = prepare_parameters(parameters)
    m = int(X_.shape[-1]) if X_.ndim == 2 else None
    transposed = X_.ndim == 2 and weights_transposed(work, X_.shape[0])
    for array in work.values():
        array.flags.writeable = False
    where = "at the given parameters"
    result = _call(forward, "forward", where, X_, dict(work))
    if not (isinstance(result, tuple) and len(result) == 2):
        raise CheckInputError(
            f"forward must return (AL, caches): got {type(result).__name__}"
            + (f" of length {len(result)}" if isinstance(result, tuple) else "")
        )
    AL, caches = result
    scalar_cost(_call(cost, "cost", where, AL, Y_), where)
    grads = _call(backward, "backward", where, AL, Y_, caches)
    for array in work.values():
        array.flags.writeable = True

    def cost_of(params: dict[str, np.ndarray]) -> Any:
        # Each of the student's functions is wrapped on its own so that the
        # message blames the one that raised, not the composite cost.
        try:
            result = forward(X_, params)
        except Exception as error:
            raise RaisedIn("forward", error) from error
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RaisedIn(
                "forward",
                TypeError(f"it returned {type(result).__name__} instead of (AL, caches)"),
            )
        try:
            return cost(result[0], Y_)
        except Exception as error:
            raise RaisedIn("cost", error) from error

    options.setdefault("m", m)
    report = check(cost_of, work, grads, transposed=transposed, **options)
    convention = (
        "weights stored (n[l-1], n[l]), Z[l] = W[l].T @ A[l-1] + b[l]"
        if transposed
        else "weights stored (n[l], n[l-1]), Z[l] = W[l] @ A[l-1] + b[l]"
    )
    report.notes.append(f"assumed the convention {convention}")
    return report
