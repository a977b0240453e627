"""Does the cost depend on a parameter at all? Asked when its numerical gradient is zero.

A numerical gradient that is zero on every value checked is no evidence that
backprop is right: `0 = 0` also holds for a forward pass that never uses the
parameter (a layer skipped) with a gradient left at zero. So gradcheck moves the
parameter far (`REACH` times the size of its entries, or of one, whichever is
larger) and looks whether `J` moves: at the given point, and at points where
every other parameter moved as well (a far point revives units that are inactive
here, such as ReLUs dead for every example). A cost that never moves does not
depend on the parameter; one that does is only flat where it was checked.
"""

from __future__ import annotations

import numpy as np

from ._determinism import same_cost
from ._errors import CheckInputError
from ._finite import Evaluator

#: How many points are probed: the given one, then far points (seeded).
PROBES = 5

#: The change of the probed parameter, in units of its entries' size (or of one):
#: large, so that it revives units that a far point left inactive too.
REACH = 10.0


def depends_on(evaluate: Evaluator, key: str, rng: np.random.Generator) -> bool:
    """Whether `J` changes when parameter `key` changes a lot, here or at a far point.

    **Arguments:**

    - `evaluate`: the evaluator holding gradcheck's working copies (restored afterwards).
    - `key`: the parameter's key.
    - `rng`: the seeded generator of the changes.

    **Returns:** `True` as soon as one probe moves `J` beyond roundoff (or makes
    the cost fail, which shows it reads the parameter), `False` when none does.
    """
    work = evaluate.work

    def spread(k: str) -> float:
        array = work[k]  # at its given values whenever this is asked
        return max(1.0, float(np.sqrt(np.vdot(array, array) / array.size))) if array.size else 1.0

    def move(k: str, by: float, shift: float) -> None:
        # work[k] = given + by * (z + shift), written in place: no other array of its size.
        z = rng.standard_normal(work[k].shape)
        z += shift
        z *= by
        np.add(z, evaluate.sources[k], out=work[k], casting="unsafe")

    spreads = {k: spread(k) for k in work}
    try:
        for probe in range(PROBES):
            if probe > 0:
                # Every other probe shifts the rest upwards too: positive weights
                # and biases make ReLU units active whatever their inputs. Two
                # spreads up, z + 2 is positive for 98% of entries, so that even a
                # chain of one-unit ReLU layers lives at most such points.
                shift = 2.0 * (probe % 2)
                for other in work:
                    if other != key:
                        move(other, spreads[other], shift)
            try:
                base = evaluate(f"while probing whether J depends on {key}")
                move(key, REACH * spreads[key], 0.0)
                moved = evaluate(f"while probing whether J depends on {key}")
            except CheckInputError:
                return True
            finally:
                evaluate.restore(key)
            if not same_cost(base, moved):
                return True
        return False
    finally:
        for k in work:
            evaluate.restore(k)
