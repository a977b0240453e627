"""Central and one-sided differences of a black-box cost, on gradcheck's own copies."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from ._errors import CheckInputError
from ._names import course_name, index_text
from ._noise import OFFSETS, noise_along, unit_directions
from ._origin import origin
from ._validate import scalar_cost

Cost = Callable[[dict[str, np.ndarray]], Any]


class RaisedIn(Exception):
    """An error raised by one of the user's functions inside a composite cost.

    `check_functions` builds the cost from the student's `forward` and `cost`;
    wrapping what either raises in `RaisedIn("forward", error)` lets the
    message blame the function that actually failed.

    **Arguments:**

    - `function`: the name of the user's function, e.g. `"forward"`.
    - `error`: what it raised.
    """

    def __init__(self, function: str, error: BaseException) -> None:
        super().__init__(function, error)
        self.function = function
        self.error = error


@contextmanager
def _read_only(arrays: Mapping[str, np.ndarray]) -> Iterator[None]:
    # The user's code sees gradcheck's working copies read-only, so code that
    # updates parameters in place fails loudly instead of corrupting the check.
    for array in arrays.values():
        array.flags.writeable = False
    try:
        yield
    finally:
        for array in arrays.values():
            array.flags.writeable = True


class Evaluator:
    """Calls the user's cost on gradcheck's working copies, turning failures into messages.

    **Arguments:**

    - `cost`: `cost(parameters) -> J` for a dict of arrays.
    - `work`: gradcheck's float64 copies of the parameters, perturbed in place
      and always restored.
    """

    def __init__(self, cost: Cost, work: dict[str, np.ndarray]) -> None:
        self.cost = cost
        self.work = work
        self.calls = 0

    def __call__(self, where: str) -> float:
        self.calls += 1
        with _read_only(self.work):
            try:
                value = self.cost(dict(self.work))
            except CheckInputError:
                raise
            except Exception as caught:
                function, error = "the cost", caught
                if isinstance(caught, RaisedIn) and isinstance(caught.error, Exception):
                    function, error = caught.function, caught.error
                hint = ""
                if "read-only" in str(error):
                    inputs = (
                        "the parameters" if function == "the cost" else "X, Y or the parameters"
                    )
                    hint = (
                        f" (your code modifies {inputs} in place; gradcheck passes them "
                        "read-only: compute new arrays instead, e.g. W = W - ...)"
                    )
                raise CheckInputError(
                    f"{function} raised {type(error).__name__} {where}: {error}{hint}"
                    + origin(error)
                ) from error
        return scalar_cost(value, where)


def coordinate_differences(
    evaluate: Evaluator, key: str, flat_indices: np.ndarray, eps: float, cost0: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Central, forward and backward differences along coordinates of one parameter.

    **Arguments:**

    - `evaluate`: the evaluator holding the working copies.
    - `key`: the parameter's key.
    - `flat_indices`: which coordinates, shape `(k,)`.
    - `eps`: the step.
    - `cost0`: `J` at the unperturbed parameters.

    **Returns:** `(central, forward, backward, scale)`: three arrays of shape
    `(k,)` and the largest `|J|` seen (for the roundoff estimate).
    """
    array = evaluate.work[key]
    flat = array.reshape(-1)  # a view: gradcheck's copies are contiguous
    k = flat_indices.size
    central, forward, backward = np.empty(k), np.empty(k), np.empty(k)
    scale = abs(cost0)
    for position, index in enumerate(flat_indices):
        original = flat[index]
        entry = tuple(int(i) for i in np.unravel_index(int(index), array.shape))
        where = f"at {course_name(key)}{index_text(entry)}"
        # The steps actually taken, (x + eps) - x, differ from eps by roundoff
        # in x; dividing by them removes that error from the quotient.
        up, down = original + eps, original - eps
        try:
            flat[index] = up
            cost_up = evaluate(where + " + eps")
            flat[index] = down
            cost_down = evaluate(where + " - eps")
        finally:
            flat[index] = original
        h_up, h_down = up - original, original - down
        central[position] = (cost_up - cost_down) / (h_up + h_down)
        forward[position] = (cost_up - cost0) / h_up
        backward[position] = (cost0 - cost_down) / h_down
        scale = max(scale, abs(cost_up), abs(cost_down))
    return central, forward, backward, scale


def directional_differences(
    evaluate: Evaluator, key: str, units: np.ndarray, eps: float, cost0: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Central, forward and backward differences along unit directions `units`.

    **Arguments:**

    - `units`: shape `(count, *shape)` of the parameter, each of norm 1.
    - the rest as in `coordinate_differences`.

    **Returns:** `(central, forward, backward, scale)`, arrays of shape `(count,)`.
    """
    array = evaluate.work[key]
    original = array.copy()
    count = units.shape[0]
    central, forward, backward = np.empty(count), np.empty(count), np.empty(count)
    scale = abs(cost0)
    for position in range(count):
        where = f"along a random direction of {course_name(key)}"
        try:
            np.add(original, eps * units[position], out=array)
            cost_up = evaluate(where + " (+ eps)")
            np.subtract(original, eps * units[position], out=array)
            cost_down = evaluate(where + " (- eps)")
        finally:
            array[...] = original
        central[position] = (cost_up - cost_down) / (2.0 * eps)
        forward[position] = (cost_up - cost0) / eps
        backward[position] = (cost0 - cost_down) / eps
        scale = max(scale, abs(cost_up), abs(cost_down))
    return central, forward, backward, scale


def cost_noise(evaluate: Evaluator, cost0: float, rng: np.random.Generator) -> float:
    """The measured noise of the cost at the parameters (see `_noise.py`).

    **Arguments:**

    - `evaluate`: the evaluator holding the working copies (restored afterwards).
    - `cost0`: `J` at the unperturbed parameters.
    - `rng`: the generator of the directions.

    **Returns:** the standard deviation of the noise of `J`, largest over the directions.
    """
    work = evaluate.work
    originals = {key: array.copy() for key, array in work.items()}
    shapes = {key: array.shape for key, array in work.items()}
    largest = 0.0
    for direction in unit_directions(shapes, rng):

        def values_at(step: float, direction: dict[str, np.ndarray] = direction) -> np.ndarray:
            values = []
            for offset in OFFSETS:
                if offset == 0:
                    values.append(cost0)
                    continue
                try:
                    for key, array in work.items():
                        np.add(originals[key], offset * step * direction[key], out=array)
                    values.append(evaluate("while measuring the noise of the cost"))
                finally:
                    for key, array in work.items():
                        array[...] = originals[key]
            return np.array(values)

        largest = max(largest, noise_along(values_at))
    return largest
