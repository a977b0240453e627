"""Is the cost a function of the parameters alone? Evaluated twice at the same point, it must agree.

A cost that changes between calls at the same parameters (dropout with a fresh
mask per call, noise from the global RNG, a counter or a cache that drifts) has
no derivative to check: its differences measure the randomness, which widens the
roundoff floor until any gradient, zero or doubled, looks right. So gradcheck
evaluates `J` again at the given parameters, at the start and at the end of a
check, and stops with `NondeterministicCostError` when the value moved beyond
roundoff.
"""

from __future__ import annotations

from ._bands import UNIT_ROUNDOFF
from ._errors import NondeterministicCostError

#: Two evaluations of deterministic float64 code agree to the last bit; a
#: multithreaded BLAS may reorder a sum and move a few units in the last place
#: (its reductions over m or n[l] terms reorder at most that many roundings),
#: so agreement to 64 u |J| is the line. The smallest dropout or noise term a
#: user writes moves J by far more.
REPEAT_UNITS = 64.0


def same_cost(first: float, again: float) -> bool:
    """Whether two values of `J` at the same parameters agree to roundoff."""
    return abs(again - first) <= REPEAT_UNITS * UNIT_ROUNDOFF * max(abs(first), abs(again))


def refuse_unless_deterministic(first: float, again: float, when: str) -> None:
    """Raise `NondeterministicCostError` unless `first` and `again` agree to roundoff.

    **Arguments:**

    - `first`: `J` at the given parameters, the first time.
    - `again`: `J` at the same parameters, evaluated again.
    - `when`: when the second evaluation happened, e.g. `"right after"`.
    """
    if same_cost(first, again):
        return
    raise NondeterministicCostError(
        f"the cost J is not a function of the parameters alone: evaluated twice at the same "
        f"parameters ({when}) it gave {first!r} and then {again!r}, a change of "
        f"{abs(again - first):.1e}, far beyond roundoff. A gradient check of such a cost "
        "measures its randomness, not its gradient, so there is no verdict. Is there dropout "
        "drawing a new mask on every call, or np.random inside forward or the cost (a global "
        "RNG)? Fix the randomness for the check: draw the dropout mask once from a seeded "
        "np.random.default_rng(seed) outside the cost and reuse it, or check with "
        "keep_prob = 1; and keep no state that changes between calls"
    )
