"""The shared Course corpus: correct implementations of every assignment, and planted bugs.

`ALL` holds every `Implementation`; `correct()`, `planted()` and `get(name)` select from
it. Each one gives its `.py` source, its notebook form and a fresh import:

    from tests.course import correct, get
    deep = get("c1w4_deep_v3").load()
    notebook = get("c1w4_deep_v3__db_no_keepdims").write_ipynb(tmp_path)
    cell, line = bug.notebook_place(bug.planted_lines()[0])  # where a tool should point

Correct implementations (the template in the name where the 2017 and the current notebooks
differ). One file each: `c1w2_logreg`, `c1w3_planar`, `c1w4_deep_v3`, `c1w4_deep_v2` (the
2017 `dA` key naming), `c2w1_init`, `c2w1_reg`, `c2w1_gradcheck_1d`, `c2w1_gradcheck_nd`,
`c2w2_optim_v1` (Adam returns `(parameters, v, s)`), `c2w2_optim_v2` (and `v_corrected`,
`s_corrected`; learning-rate decay). The others are variants, a file plus the few lines
its author would change (`_variants.py`): `c1w2_logreg_2017` and `c1w3_planar_2017` (the
2017 notebooks: asserts, the old test cells, `compute_cost(A2, Y, parameters)`),
`c1w4_deep_v3_lowercase` (`w1`, `dw1`), `c1w4_deep_v3_rng` (a `default_rng` Generator),
`c1w4_deep_v3_transposed` (W[l] stored (n[l-1], n[l]): the tools need
`convention="transposed"`, `Implementation.convention` says so), `c1w4_deep_v3_tanh`,
`c1w4_deep_v3_leaky_relu` (slope 0.01) and `c1w4_deep_v3_sigmoid` (other hidden layers),
`c2w1_reg_noseed` (dropout masks from the unseeded global RNG) and `c2w1_reg_2017`
(boolean masks). A planted bug is `<assignment>__<bug>`.

The format is described in `_implementation.py` and `_variants.py`, the bugs in
`_catalogue.py` and `_bugs_course1.py`, `_bugs_deep_layers.py` (bugs confined to chosen
layers, and in the other activations), `_bugs_course2.py`; `deep_problem`,
`deep_parameters` and `place_kink` (`_problems.py`) make seeded problems for the deep
network and `check_deep` runs `gradcheck.check_functions` on its three functions,
`DEEP_BY_HIDDEN` names it by hidden activation; the corpus's own tests
(`test_corpus_sane.py`) use the references of `_reference.py` and the scenarios of
`_behaviour.py`.
"""

from ._catalogue import CORRECT, PLANTED
from ._catalogue import DEEP_BY_HIDDEN as DEEP_BY_HIDDEN
from ._implementation import GUARD as GUARD
from ._implementation import TOOLS as TOOLS
from ._implementation import Implementation as Implementation
from ._problems import check_deep as check_deep
from ._problems import deep_parameters as deep_parameters
from ._problems import deep_problem as deep_problem
from ._problems import place_kink as place_kink

ALL: tuple[Implementation, ...] = (*CORRECT, *PLANTED)
_BY_NAME = {implementation.name: implementation for implementation in ALL}


def correct() -> tuple[Implementation, ...]:
    """Every correct implementation (one per assignment and template)."""
    return CORRECT


def planted() -> tuple[Implementation, ...]:
    """Every planted bug."""
    return PLANTED


def get(name: str) -> Implementation:
    """The implementation called `name`; the error lists the names there are."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(
            f"no Course implementation {name!r}; there are: {sorted(_BY_NAME)}"
        ) from None
