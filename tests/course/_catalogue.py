"""The corpus: every correct Course implementation and every planted bug.

Each planted bug is its correct base plus exact `(correct text, planted text)`
replacements, with the tools expected to catch it (`caught_by`), the student function it
is in and the course name a message should name. `caught_by` is an honest expectation:
a bug that changes no shape is not for `instrument`, one that changes no gradient is not
for `gradcheck`; a bug that makes the code raise is for the tools that run it and report
the exception (`dimcheck-check`, `gradcheck`), not for `instrument`'s shape rules.
"""

from ._bugs_course1 import DEEP, LOGREG, PLANAR
from ._bugs_course2 import GRADIENT_CHECKING, INIT, OPTIMISATION, REGULARISATION
from ._bugs_deep_layers import DEEP_LAYERS
from ._implementation import TOOLS, Implementation

# One correct implementation per assignment and template: tests/course/<name>.py, or a
# variant of another (`_variants.py`).
CORRECT_NAMES = (
    "c1w2_logreg",
    "c1w2_logreg_2017",
    "c1w3_planar",
    "c1w3_planar_2017",
    "c1w4_deep_v3",
    "c1w4_deep_v2",
    "c1w4_deep_v3_lowercase",
    "c1w4_deep_v3_rng",
    "c1w4_deep_v3_transposed",
    "c1w4_deep_v3_tanh",
    "c1w4_deep_v3_leaky_relu",
    "c1w4_deep_v3_sigmoid",
    "c2w1_init",
    "c2w1_reg",
    "c2w1_reg_noseed",
    "c2w1_reg_2017",
    "c2w1_gradcheck_1d",
    "c2w1_gradcheck_nd",
    "c2w2_optim_v1",
    "c2w2_optim_v2",
)

# The deep network of the current template by its hidden layers' activation.
DEEP_BY_HIDDEN = {
    "relu": "c1w4_deep_v3",
    "tanh": "c1w4_deep_v3_tanh",
    "leaky_relu": "c1w4_deep_v3_leaky_relu",
    "sigmoid": "c1w4_deep_v3_sigmoid",
}

CORRECT: tuple[Implementation, ...] = tuple(
    Implementation(name=name, assignment=name) for name in CORRECT_NAMES
)
PLANTED: tuple[Implementation, ...] = (
    *LOGREG,
    *PLANAR,
    *DEEP,
    *DEEP_LAYERS,
    *INIT,
    *REGULARISATION,
    *GRADIENT_CHECKING,
    *OPTIMISATION,
)


def _validate() -> None:
    """Every bug names known tools, a real function of its base, and changes that apply."""
    names = [implementation.name for implementation in (*CORRECT, *PLANTED)]
    if len(set(names)) != len(names):
        raise ValueError("two implementations share a name")
    for bug in PLANTED:
        if bug.assignment not in CORRECT_NAMES:
            raise ValueError(f"{bug.name}: no correct base {bug.assignment}")
        if not bug.caught_by or not bug.caught_by <= TOOLS:
            raise ValueError(f"{bug.name}: caught_by must be a non-empty subset of {TOOLS}")
        if f"def {bug.function}(" not in bug.correct_source():
            raise ValueError(f"{bug.name}: {bug.function} is not defined in {bug.assignment}")
        bug.source()  # raises unless each change matches its base exactly once


_validate()
