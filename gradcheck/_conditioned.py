"""Well-conditioned points: where float64 can judge every gradient of the same code.

Some points hold no evidence a finite difference can read, whatever the step:

- deep layers under the Course's `* 0.01` initialiser, whose gradients are
  products of tiny weights (`dW[1]` about `1e-11` next to `J` about `0.7`), or
  an output saturated near 0 or 1: the roundoff of `J` hides them;
- units of deep layers within `1e-10` of a ReLU's kink for every example (zero
  biases, few examples): every usable step crosses the kink, and the one-sided
  differences agree beyond it, not at the point.

Backprop is the same code at every point, so the check is made again at a point
of the same shapes where activations are of order one (`conditioned`): every
`W[l]` scaled to the root mean square `1 / sqrt(max(n[l], n[l-1]))` (neither
vanishing nor saturating), every `b[l]` drawn afresh as `BIAS_SPREAD * z`, plus
`SHIFTS[k-1]` for the hidden ones at attempt `k`. The first attempt keeps each
weight matrix's direction; later ones draw the weights afresh at that scale,
because a chain of one-unit ReLU layers on two examples is dead somewhere at a
good share of points, and a shift keeps such units alive without reaching every
unit (a wrong derivative still shows). The output bias is never shifted, so the
output does not saturate. `_nudge.at_nearby_points` decides when to go there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from dimcheck._vocabulary import parse_key

from ._errors import CheckInputError
from ._report import Report

#: The spread of the biases drawn at a well-conditioned point: small next to the
#: `Z[l]` of order one there, enough to take every input off an exact kink.
BIAS_SPREAD = 0.1

#: The shift of the hidden biases at the well-conditioned points, one per attempt:
#: none first, then a third and all of the `Z[l]`'s typical size (order one there),
#: then the same with other draws. A chain of one-unit ReLU layers on few examples
#: is dead somewhere at a good share of points; five draws leave that rare.
SHIFTS = (0.0, 0.3, 1.0, 0.3, 1.0)


def conditioned(
    parameters: dict[str, np.ndarray], rng: np.random.Generator, attempt: int = 1
) -> tuple[dict[str, np.ndarray], list[str]]:
    """A well-conditioned point of the same shapes, or `({}, [])` for parameters without `W[l]`.

    **Arguments:**

    - `parameters`: the Course's dict form, never modified.
    - `rng`: the seeded generator of the new biases (and of the weights drawn afresh).
    - `attempt`: 1 to 5: the hidden biases are shifted by `SHIFTS[attempt - 1]`, and
      from attempt 2 on the weights are drawn afresh at their scale.

    **Returns:** `(new parameters, keys changed)`: every `W[l]` of shape
    `(n[l], n[l-1])` (or transposed) at the root mean square
    `1 / sqrt(max(n[l], n[l-1]))`, every `b[l]` redrawn as `BIAS_SPREAD * z` (plus the
    shift but for the output layer's), the rest kept.
    """
    layers = [parsed[1] for parsed in map(parse_key, parameters) if parsed and parsed[0] == "b"]
    output = max(layers, default=0)
    moved = dict(parameters)
    changed = []
    for key, value in parameters.items():
        letter = (parse_key(key) or ("", 0))[0]
        if letter == "W" and value.ndim == 2 and value.size:
            target = 1.0 / np.sqrt(max(value.shape))
            rms = float(np.sqrt(np.mean(value**2)))
            keep = attempt == 1 and rms > 0
            moved[key] = (
                value * (target / rms) if keep else target * rng.standard_normal(value.shape)
            )
        elif letter == "b":
            shift = 0.0 if parse_key(key) == ("b", output) else SHIFTS[attempt - 1]
            moved[key] = BIAS_SPREAD * rng.standard_normal(value.shape) + shift
        else:
            continue
        changed.append(key)
    if not any((parse_key(key) or ("", 0))[0] == "W" for key in changed):
        return {}, []
    return moved, changed


def conditioned_reports(
    parameters: dict[str, np.ndarray],
    check_at: Callable[[dict[str, np.ndarray], str], Report],
    seed: int,
) -> Iterator[tuple[int, Report | CheckInputError]]:
    """The check at each well-conditioned point in turn, as `(attempt, report)`.

    **Arguments:**

    - `parameters`: the given point (never modified).
    - `check_at`: runs the same check at other parameters.
    - `seed`: the check's seed; the points come from `default_rng([seed, 4])`.

    **Yields:** `(attempt, report)`, or `(attempt, error)` when the code fails
    there; nothing for parameters without `W[l]`.
    """
    draws = np.random.default_rng([seed, 4])
    for attempt in range(1, len(SHIFTS) + 1):
        point, keys = conditioned(parameters, draws, attempt)
        if not keys:
            return
        try:
            yield (
                attempt,
                check_at(point, "at a well-conditioned point (weights rescaled, biases redrawn)"),
            )
        except CheckInputError as error:
            yield attempt, error


def described_point(seed: int, attempt: int) -> str:
    """How the point of `attempt` was made, for the report's note."""
    weights = "direction kept" if attempt == 1 else "drawn afresh"
    return (
        "every W[l] was scaled to the root mean square 1/sqrt(max(n[l], n[l-1])) "
        f"({weights}) and every b[l] drawn as {BIAS_SPREAD} * z + {SHIFTS[attempt - 1]:g} "
        f"({BIAS_SPREAD} * z for the output layer), z standard normal "
        f"(seed {seed}, attempt {attempt})"
    )
