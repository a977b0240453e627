"""Central and one-sided differences of a black-box cost, on gradcheck's own copies."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import Any

import numpy as np

from . import _stacking
from ._errors import CheckInputError
from ._modes import Directions
from ._names import course_name, index_text
from ._noise import DIRECTIONS, OFFSETS, noise_along
from ._origin import origin
from ._stacking import Coordinates, Stack, Stacker
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
    - `sources`: the arrays `work` was copied from (the user's, never written), which
      restore it: a check keeps no second copy of the parameters. Defaults to copies.
    """

    def __init__(
        self,
        cost: Cost,
        work: dict[str, np.ndarray],
        sources: Mapping[str, Any] | None = None,
    ) -> None:
        self.cost = cost
        self.work = work
        self.sources = (
            {key: array.copy() for key, array in work.items()}
            if sources is None
            else {key: np.asarray(sources[key]) for key in work}
        )
        self.calls = 0
        # A cost that offers `stacked(parameters, count)` (check_functions' does) is
        # evaluated on stacks of perturbed copies once they are proven (`_stacking.py`).
        stacked = getattr(cost, "stacked", None)
        self.stacker = Stacker(self._stacked) if callable(stacked) else None

    def restore(self, key: str) -> None:
        """Set `work[key]` back to the parameter's given values, bit for bit."""
        np.copyto(self.work[key], self.sources[key], casting="unsafe")

    def _stacked(self, parameters: dict[str, Any], count: int) -> np.ndarray:
        with _read_only(self.work):
            return np.asarray(self.cost.stacked(parameters, count))  # type: ignore[attr-defined]

    def many(
        self,
        key: str,
        kind: str,
        count: int,
        stack_of: Callable[[int, int], dict[str, Any]],
        one_at: Callable[[int], float],
    ) -> np.ndarray:
        """`J` at `count` perturbed points of parameter `key`: stacked when the cost offers
        it and a proof holds (see `Stacker.costs` for the arguments), else one call each.

        **Returns:** the costs, shape `(count,)`.
        """
        if self.stacker is None or not _stacking.ENABLED:
            return np.array([one_at(k) for k in range(count)], dtype=np.float64)
        size = self.work[key].size
        return self.stacker.costs(key, kind, count, size, stack_of, one_at)

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
    originals = flat[flat_indices].copy()
    # The points in the order of the one-at-a-time loop: each coordinate + eps, then - eps.
    indices = np.repeat(flat_indices, 2)
    values = np.empty(2 * k)
    values[0::2], values[1::2] = originals + eps, originals - eps

    def one_at(point: int) -> float:
        index = int(indices[point])
        entry = tuple(int(i) for i in np.unravel_index(index, array.shape))
        sign = " + eps" if point % 2 == 0 else " - eps"
        original = flat[index]
        try:
            flat[index] = values[point]
            return evaluate(f"at {course_name(key)}{index_text(entry)}{sign}")
        finally:
            flat[index] = original

    products: list[tuple[np.ndarray, np.ndarray]] = []

    def stack_of(start: int, stop: int) -> dict[str, Any]:
        copies = Coordinates(array, indices[start:stop], values[start:stop], products)
        return {**evaluate.work, key: copies}

    costs = evaluate.many(key, "coordinates", 2 * k, stack_of, one_at)
    cost_up, cost_down = costs[0::2], costs[1::2]
    # The steps actually taken, (x + eps) - x, differ from eps by roundoff
    # in x; dividing by them removes that error from the quotient.
    h_up, h_down = values[0::2] - originals, originals - values[1::2]
    central = (cost_up - cost_down) / (h_up + h_down)
    forward = (cost_up - cost0) / h_up
    backward = (cost0 - cost_down) / h_down
    scale = max(abs(cost0), float(np.max(np.abs(costs), initial=0.0)))
    return central, forward, backward, scale


def directional_differences(
    evaluate: Evaluator, key: str, units: Directions, eps: float, cost0: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Central, forward and backward differences along unit directions `units`.

    **Arguments:**

    - `units`: `count` directions in the parameter's space, each of norm 1.
    - the rest as in `coordinate_differences`.

    **Returns:** `(central, forward, backward, scale)`, arrays of shape `(count,)`.

    The perturbed point is written straight into the working copy,
    `eps * direction + theta`, and the copy restored from the given parameters, so
    that no other array of the parameter's size is held besides the direction.
    """
    array = evaluate.work[key]
    source = evaluate.sources[key]
    count = len(units)
    where = f"along a random direction of {course_name(key)}"

    def one_at(point: int) -> float:
        direction = units[point // 2]
        step = eps if point % 2 == 0 else -eps
        try:
            np.multiply(direction, step, out=array)
            np.add(array, source, out=array, casting="unsafe")
            return evaluate(where + (" (+ eps)" if step > 0 else " (- eps)"))
        finally:
            evaluate.restore(key)

    def stack_of(start: int, stop: int) -> dict[str, Any]:
        copies = np.empty((stop - start, *array.shape))
        for row, point in enumerate(range(start, stop)):
            np.multiply(units[point // 2], eps if point % 2 == 0 else -eps, out=copies[row])
            copies[row] += array
        copies.flags.writeable = False
        return {**evaluate.work, key: copies.view(Stack)}

    costs = evaluate.many(key, "directions", 2 * count, stack_of, one_at)
    cost_up, cost_down = costs[0::2], costs[1::2]
    central = (cost_up - cost_down) / (2.0 * eps)
    forward = (cost_up - cost0) / eps
    backward = (cost0 - cost_down) / eps
    scale = max(abs(cost0), float(np.max(np.abs(costs), initial=0.0)))
    return central, forward, backward, scale


def cost_noise(evaluate: Evaluator, cost0: float, rng: np.random.Generator) -> float:
    """The measured noise of the cost at the parameters (see `_noise.py`).

    **Arguments:**

    - `evaluate`: the evaluator holding the working copies (restored afterwards).
    - `cost0`: `J` at the unperturbed parameters.
    - `rng`: the generator of the directions.

    **Returns:** the standard deviation of the noise of `J`, largest over the directions.

    The directions are `_noise.unit_directions`' (the same numbers), drawn one at a time
    and normalised in place, and each point is written straight into the working copies:
    the measurement holds one direction over all parameters and nothing else.
    """
    work = evaluate.work
    largest = 0.0
    for _ in range(DIRECTIONS):
        direction = {key: rng.standard_normal(array.shape) for key, array in work.items()}
        norm = np.sqrt(sum(_squares(p) for p in direction.values()))
        for p in direction.values():
            p /= norm
        largest = max(largest, noise_along(partial(_along, evaluate, direction, cost0)))
        # Dropped before the next one is drawn: one direction at a time.
        del direction
    return largest


def _along(
    evaluate: Evaluator, direction: dict[str, np.ndarray], cost0: float, step: float
) -> np.ndarray:
    """`J` at `OFFSETS` times `step` along `direction`, written into the working copies."""
    values = []
    for offset in OFFSETS:
        if offset == 0:
            values.append(cost0)
            continue
        try:
            for key, array in evaluate.work.items():
                np.multiply(direction[key], offset * step, out=array)
                np.add(array, evaluate.sources[key], out=array, casting="unsafe")
            values.append(evaluate("while measuring the noise of the cost"))
        finally:
            for key in evaluate.work:
                evaluate.restore(key)
    return np.array(values)


def _squares(p: np.ndarray) -> float:
    # `np.sum(p**2)` as `unit_directions` computes it, chunk by chunk for a large
    # parameter (its square would be another array of its size).
    if p.size <= 2**20:
        return float(np.sum(p**2))
    flat = p.reshape(-1)
    return sum(float(np.sum(flat[i : i + 2**20] ** 2)) for i in range(0, flat.size, 2**20))
