"""`check` and `check_functions`: gradient checks of a black-box cost and of Course code."""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from ._across import across
from ._assemble import assemble, flat_here, independent_of, when_flat
from ._bands import EPS, FAIL_LINE, INCONCLUSIVE, PASS_LINE
from ._dependence import depends_on
from ._determinism import refuse_unless_deterministic, same_cost
from ._errors import CheckInputError
from ._finite import (
    Cost,
    Evaluator,
    RaisedIn,
    coordinate_differences,
    cost_noise,
    directional_differences,
)
from ._inputs import check_inputs
from ._modes import Directions, coordinates, directions, resolve_mode
from ._nudge import at_nearby_points
from ._origin import origin
from ._progress import progress
from ._report import ParameterResult, Report
from ._richardson import Measurement, judged, second_look_notes
from ._stacking import Stack
from ._steps import Differences, refined
from ._validate import (
    as_float64,
    cost_shape_note,
    match_gradients,
    prepare_parameters,
    scalar_cost,
)

#: On a failed directional check, parameters up to this size are localised by
#: checking every coordinate; larger ones by a sample of `ESCALATION_SAMPLE`.
ESCALATION_FULL_LIMIT = 5_000
ESCALATION_SAMPLE = 200

#: `auto` checks every coordinate when that is estimated to take at most this
#: many seconds (two evaluations of the cost per coordinate, timed on the first
#: ones), and checks directions of every parameter otherwise.
TIME_BUDGET = 10.0

_ORDER = {"ok": 0, "doubtful": 1, INCONCLUSIVE: 2, "wrong": 3}


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


def unused_keys(unused: Iterable[str], parameters: Mapping[str, Any]) -> frozenset[str]:
    """The parameter keys named in `unused` (`"W1"`, `"dW1"` or `"W[1]"`), each checked to exist."""
    if isinstance(unused, str):
        unused = (unused,)
    keys = set()
    for name in unused:
        key = str(name).replace("[", "").replace("]", "")
        if key not in parameters and key.startswith("d") and key[1:] in parameters:
            key = key[1:]
        if key not in parameters:
            have = ", ".join(map(str, parameters))
            raise CheckInputError(
                f"unused names {name!r}, which is not a parameter: the parameters are {have}"
            )
        keys.add(key)
    return frozenset(keys)


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
    unused: Iterable[str] = (),
    time_budget: float = TIME_BUDGET,
) -> Report:
    """Compare `gradients` with central differences of `cost` at `parameters`.

    **Arguments:**

    - `cost`: `cost(parameters) -> J`, a float (a 0-d or `(1, 1)` array is
      fine) for a dict of arrays like `parameters`. It must be a function of the
      parameters alone: it is evaluated twice at the given point, and a cost
      that changes (dropout without a fixed mask, a global RNG) is refused.
    - `parameters`: the Course's dict form, e.g. `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`.
      Never modified; any layout (Fortran order, transposed views, read-only). The
      check holds one working copy of them and at most one direction of their size.
    - `gradients`: one per parameter, of its shape, keyed like the parameters
      (`"W1"`) or the Course's way (`"dW1"`); other keys (`"dA0"`) are ignored.
      Course gradients are already divided by `m`, like the cost `J`, a mean
      over `m`: the finite difference of `J` is directly comparable.
    - `eps`: the first step of the central differences (see `Report`); a value
      whose difference crosses a kink is measured again with smaller steps.
    - `mode`: `"full"` (every coordinate), `"sample"` (`samples` coordinates of
      every parameter, seeded), `"directional"` (`n_directions` random
      directions per parameter, escalating to coordinates on failure), or
      `"auto"`: full when that fits in `time_budget`, directional otherwise
      (a directional check sees a bug in any coordinate, a sample may not).
    - `seed`: seeds the sample, the directions and the probes.
    - `pass_line`, `fail_line`: the verdict bands.
    - `m`: the number of examples, to recognise a missing `1/m`.
    - `transposed`: the weights are stored `(n[l-1], n[l])`, for the messages.
    - `progress_bar`: `None` shows a bar in a terminal only.
    - `unused`: keys of parameters the cost is meant not to depend on (`["W3"]`):
      their zero gradient is then ok; any other parameter the cost ignores fails.
    - `time_budget`: seconds `auto` may spend on a full check.

    **Returns:** a `Report`.

    **Raises:** `GradientShapeError` for a missing gradient or one of the wrong
    shape (before any numerics); `NondeterministicCostError` for a cost that
    changes between two calls at the same parameters; `CheckInputError` for
    NaN or inf, a cost that is not a scalar, or a cost that raises.
    """
    validate_options(eps, pass_line, fail_line, samples)
    work = prepare_parameters(parameters)
    # The gradients are only read: float64 ones are used as they are (memory).
    grads = match_gradients(work, gradients, transposed=transposed, copy=False)
    expected_flat = unused_keys(unused, work)
    evaluate = Evaluator(cost, work, {str(key): value for key, value in parameters.items()})
    started = time.perf_counter()
    cost0 = evaluate("at the given parameters")
    first_call = time.perf_counter() - started
    again = evaluate("at the given parameters, a second time")
    per_call = min(first_call, time.perf_counter() - started - first_call)
    refuse_unless_deterministic(cost0, again, "one call right after the other")
    # A generator of its own, so that the sampled coordinates do not depend on it.
    noise = cost_noise(evaluate, cost0, np.random.default_rng([seed, 1]))
    total = sum(a.size for a in work.values())
    affordable = int(time_budget / max(2.0 * per_call, 1e-9))
    concrete = resolve_mode(mode, total, affordable)
    rng = np.random.default_rng(seed)
    probes = np.random.default_rng([seed, 2])
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
            result_of = partial(
                assemble, key, array.shape, m=m, pass_line=pass_line, fail_line=fail_line
            )
            directional = None
            if concrete == "directional":
                units = directions(array.shape, n_directions, rng)
                analytic = units.dot(grad)
                measure_along = partial(
                    _directions_at, evaluate, key, units, analytic, cost0, noise
                )
                directional, second_look = judged(
                    measure_along(eps),
                    measure_along,
                    eps,
                    partial(result_of, analytic, indices=None),
                    "directional",
                )
                extrapolated = extrapolated or second_look
                units.release()  # memory: no direction of this parameter held past here
                if directional.verdict == "ok":
                    results.append(_unless_vacuous(directional, evaluate, probes, expected_flat))
                    bar.update(per_parameter[key])
                    continue
                how = "full" if array.size <= ESCALATION_FULL_LIMIT else "sample"
                flat = coordinates(array.size, how, ESCALATION_SAMPLE, rng)
                how = f"directional, then {how}"
            else:
                how = concrete
                flat = coordinates(array.size, concrete, samples, rng)
            analytic = grad.reshape(-1)[flat]
            measure_at = partial(_coordinates_at, evaluate, key, flat, analytic, cost0, noise)
            of_values = partial(result_of, analytic, indices=flat, full_analytic=grad)
            result, second_look = judged(measure_at(eps), measure_at, eps, of_values, how)
            extrapolated = extrapolated or second_look
            if directional is not None:
                result = _either(directional, result, complete=flat.size == array.size)
            results.append(_unless_vacuous(result, evaluate, probes, expected_flat))
            bar.update(per_parameter[key])
    refuse_unless_deterministic(
        cost0, evaluate("at the given parameters, after the check"), "before and after the check"
    )
    results, notes = when_flat(results)
    notes.extend(second_look_notes(results))
    notes[:0] = across({r.key: r for r in results}, m)
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


def _either(
    directional: ParameterResult, coordinates: ParameterResult, *, complete: bool
) -> ParameterResult:
    """One verdict from a directional check that was not ok and the coordinates checked after it.

    Every coordinate checked is the better evidence; a sample of them is not: a bug
    confined to coordinates the sample missed still shows in the directions, so
    the worse of the two verdicts stands.
    """
    if complete or _ORDER[coordinates.verdict] >= _ORDER[directional.verdict]:
        return coordinates
    return replace(
        directional,
        how=coordinates.how,
        diagnosis=(directional.diagnosis or "")
        + f"; the {coordinates.checked} sampled coordinates show no error, so it is confined "
        "to coordinates the sample missed: check again with mode='full'",
    )


def _unless_vacuous(
    result: ParameterResult,
    evaluate: Evaluator,
    rng: np.random.Generator,
    expected_flat: frozenset[str],
) -> ParameterResult:
    """`result`, unless it compared zeros with zeros: then whether the cost depends on it at all."""
    if result.checked == 0 or np.any(result.numeric) or np.any(result.analytic):
        return result
    if not depends_on(evaluate, result.key, rng):
        if result.key in expected_flat:
            return result
        # No probe moved J: most likely a bug (a layer skipped), but a probe can miss
        # (units dead at every point it tried), so it fails as inconclusive, not wrong.
        return replace(result, verdict=INCONCLUSIVE, diagnosis=independent_of(result.key))
    if result.key in expected_flat:
        return result
    return replace(result, verdict=INCONCLUSIVE, diagnosis=flat_here(result.key))


def _directions_at(
    evaluate: Evaluator,
    key: str,
    units: Directions,
    analytic: np.ndarray,
    cost0: float,
    noise: float,
    step: float,
) -> Measurement:
    """Central differences along the directions `units` of `key`, each at the largest step
    that crosses no kink from `step` down, which crossed one at every step, and their roundoff."""

    def measure(which: np.ndarray, h: float) -> Differences:
        c, f, b, scale = directional_differences(evaluate, key, units.subset(which), h, cost0)
        return c, f, b, None, scale

    return refined(measure, analytic, step, noise)


def _coordinates_at(
    evaluate: Evaluator,
    key: str,
    flat: np.ndarray,
    analytic: np.ndarray,
    cost0: float,
    noise: float,
    step: float,
) -> Measurement:
    """Central differences of the coordinates `flat` of `key`, each at the largest step that
    crosses no kink from `step` down, which crossed one at every step, and their roundoff."""

    def measure(which: np.ndarray, h: float) -> Differences:
        c, f, b, scale = coordinate_differences(evaluate, key, flat[which], h, cost0)
        return c, f, b, None, scale

    return refined(measure, analytic, step, noise)


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


def takes_parameters_first(backward: Callable[..., Any]) -> bool:
    """Whether `backward` is the two-layer Course's `backward_propagation(parameters, cache,
    X, Y)`, told by its signature: four positional arguments, the first named `parameters`."""
    try:
        signature = inspect.signature(backward)
    except (TypeError, ValueError):
        return False
    names = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(names) == 4 and names[0] == "parameters"


class StudentCost:
    """The student's `cost(forward(X, parameters)[0], Y)`, a cost of the parameters alone.

    Each of the student's functions is wrapped on its own so that a message blames the
    one that raised, not the composite cost. `stacked` evaluates it on a stack of
    perturbed copies of one parameter (`_stacking.py`), which `check` uses only once a
    proof shows it equal to one call per copy.

    **Arguments:**

    - `forward`: `forward(X, parameters) -> (AL, caches)`.
    - `cost`: `cost(AL, Y) -> J`.
    - `X`: `(n[0], m)`, `Y`: `(n[L], m)`, gradcheck's read-only copies.
    """

    def __init__(
        self, forward: Callable[..., Any], cost: Callable[..., Any], X: np.ndarray, Y: np.ndarray
    ) -> None:
        self.forward, self.cost, self.X, self.Y = forward, cost, X, Y
        self.output_shape: tuple[int, ...] | None = None
        # Whether cost(A[L] stack, Y) gives each copy's cost: None until proven either way.
        self.whole_stack: bool | None = None

    def __call__(self, params: dict[str, np.ndarray]) -> Any:
        try:
            result = self.forward(self.X, params)
        except Exception as error:
            raise RaisedIn("forward", error) from error
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RaisedIn(
                "forward",
                TypeError(f"it returned {type(result).__name__} instead of (AL, caches)"),
            )
        self.output_shape = np.shape(result[0])
        try:
            return self.cost(result[0], self.Y)
        except Exception as error:
            raise RaisedIn("cost", error) from error

    def stacked(self, params: dict[str, Any], count: int) -> np.ndarray:
        """`J` of each of `count` copies: one entry of `params` is a stack `(count, ...)`.

        The cost is called once on the whole stack `A[L]` `(count, n[L], m)` when that was
        proven to give each copy's cost (the Course's sums and means count their axes
        per copy on a stack), and once per copy otherwise.

        **Returns:** shape `(count,)`. Raises whenever the forward's output is not a
        stack of outputs of the plain call's shape (the caller then falls back).
        """
        AL = np.asarray(self.forward(self.X, params)[0]).view(Stack)
        if self.output_shape is None or AL.shape != (count, *self.output_shape):
            raise ValueError(f"not a stack of {count} outputs: {AL.shape}")
        together = None
        if self.whole_stack is not False:
            together = self._together(AL, count)
            if self.whole_stack:
                if together is None:
                    raise ValueError("the cost of the stack is not one value per copy")
                return together
        plain = AL.view(np.ndarray)
        each = np.array(
            [scalar_cost(self.cost(plain[k], self.Y), "in a stacked call") for k in range(count)]
        )
        if self.whole_stack is None:
            self.whole_stack = together is not None and all(
                same_cost(a, b) for a, b in zip(each, together, strict=True)
            )
        return each

    def _together(self, AL: np.ndarray, count: int) -> np.ndarray | None:
        # The cost on the whole stack: `None` unless it gives one number per copy. A
        # warning is no answer: it goes up, and the chunk to one call per copy.
        try:
            values = np.asarray(self.cost(AL, self.Y), dtype=np.float64).reshape(-1)
        except Warning:
            raise
        except Exception:
            return None
        return values if values.shape == (count,) else None


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
    - `backward`: `backward(AL, Y, caches) -> grads` with `"dW1"`, `"db1"`, ..., or
      the two-layer Course's `backward_propagation(parameters, cache, X, Y)`.
    - `parameters`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`, never modified.
    - `X`: the inputs, `(n[0], m)`. `Y`: the labels, `(n[L], m)`. Never modified.
    - `options`: passed on to `check` (`eps`, `mode`, `seed`, `unused`, ...).

    **Returns:** a `Report`; its notes say which weight convention was assumed.
    The perturbed copies go through `forward` in stacks of up to 16 where that is
    proven to give the same costs as one call per copy, and one call each otherwise
    (`_stacking.py`): the same verdicts, ten times faster on Course code.
    When too few values could be compared at the given parameters (whole layers on
    a ReLU's kink, or inactive for every example, as zero biases and few examples
    make them), the check is made again at a nearby point (`_nudge.py`, seeded
    by `seed`) and the notes say so.

    **Raises:** `InputShapeError` when `X`, `Y` or a parameter breaks the
    dimension rules (before any of the functions runs), and what `check` raises.
    """
    X_ = _read_only_copy("X", X)
    Y_ = _read_only_copy("Y", Y)
    work = prepare_parameters(parameters)
    shapes = check_inputs(work, X_, Y_)
    m = int(X_.shape[-1])
    transposed = shapes[0] if shapes is not None else weights_transposed(work, X_.shape[0])
    two_layer = takes_parameters_first(backward)

    def backward_at(AL: Any, Y: Any, caches: Any, *, at: Mapping[str, Any]) -> Any:
        # Backprop at the point `at`: the two-layer signature asks for it.
        return backward(at, caches, X_, Y) if two_layer else backward(AL, Y, caches)

    cost_of = StudentCost(forward, cost, X_, Y_)

    def check_at(point: dict[str, np.ndarray], where: str) -> Report:
        grads, cost_note = _backprop(forward, cost, backward_at, point, X_, Y_, where)
        report = check(cost_of, point, grads, transposed=transposed, **options)
        if cost_note:
            report.notes.append(cost_note)
        return report

    options.setdefault("m", m)
    report = check_at(work, "at the given parameters")
    report = at_nearby_points(report, work, check_at, int(options.get("seed", 0)))
    convention = (
        "weights stored (n[l-1], n[l]), Z[l] = W[l].T @ A[l-1] + b[l]"
        if transposed
        else "weights stored (n[l], n[l-1]), Z[l] = W[l] @ A[l-1] + b[l]"
    )
    report.notes.append(f"assumed the convention {convention}")
    return report


def _backprop(
    forward: Callable[..., Any],
    cost: Callable[..., Any],
    backward: Callable[..., Any],
    point: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    where: str,
) -> tuple[Any, str]:
    """The student's gradients at `point`, and a note on the cost's shape (or `""`).

    Forward, cost and backward run on read-only arrays. A cost returned as a `(1, 1)`
    array is checked all the same (it holds one number) and the note says to squeeze it.
    """
    for array in point.values():
        array.flags.writeable = False
    try:
        result = _call(forward, "forward", where, X, dict(point))
        if not (isinstance(result, tuple) and len(result) == 2):
            raise CheckInputError(
                f"forward must return (AL, caches): got {type(result).__name__}"
                + (f" of length {len(result)}" if isinstance(result, tuple) else "")
            )
        AL, caches = result
        J = _call(cost, "cost", where, AL, Y)
        scalar_cost(J, where)
        grads = _call(partial(backward, at=dict(point)), "backward", where, AL, Y, caches)
        return grads, cost_shape_note(J)
    finally:
        for array in point.values():
            array.flags.writeable = True
