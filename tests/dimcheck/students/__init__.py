"""Course-style student modules, correct and with planted shape bugs, loaded fresh per test.

The correct modules are files: `deep_correct` (W[l] is (n[l], n[l-1])), `deep_transposed`
(W[l] is (n[l-1], n[l]), Z = W.T @ A + b) and `two_layer_correct`. Each planted bug is one
of them with the lines of the bug changed, listed in `PLANTED`: what a student's diff
would show. A variant is written out as a file of its own, so that it is an unmodified
module with real source (`inspect.getsource`, which strict broadcasting needs, reads it).
"""

import atexit
import importlib.util
import itertools
import shutil
import tempfile
from pathlib import Path
from types import ModuleType

_HERE = Path(__file__).parent
_COUNT = itertools.count()
_VARIANTS = Path(tempfile.mkdtemp(prefix="dimcheck-students-"))
atexit.register(shutil.rmtree, _VARIANTS, ignore_errors=True)

# name: (the correct module it starts from, what the bug is, [(correct text, planted text)])
PLANTED: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "deep_bias_rank1": (
        "deep_correct",
        "b[l] initialised as a rank-1 (n[l],) array.",
        [
            (
                'parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))',
                'parameters["b" + str(l)] = np.zeros(layer_dims[l])',
            )
        ],
    ),
    "deep_cost_broadcast": (
        "deep_correct",
        "Y flattened to (m,), AL transposed: (m,) * (m, 1) broadcasts to (m, m).",
        [
            (
                "    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))\n",
                "    Y = Y.ravel()\n"
                "    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL.T))\n",
            )
        ],
    ),
    "deep_cost_not_squeezed": (
        "deep_correct",
        "the cost returned as a (1, 1) array (summed with keepdims, never squeezed).",
        [
            (
                "    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))\n"
                "    cost = np.squeeze(cost)\n",
                "    logprobs = Y * np.log(AL) + (1 - Y) * np.log(1 - AL)\n"
                "    cost = -1 / m * np.sum(logprobs, axis=1, keepdims=True)\n",
            )
        ],
    ),
    "deep_db_no_keepdims": (
        "deep_correct",
        "db computed without keepdims=True, so it is (n[l],).",
        [
            (
                "db = 1 / m * np.sum(dZ, axis=1, keepdims=True)",
                "db = 1 / m * np.sum(dZ, axis=1)",
            )
        ],
    ),
    "deep_dw_wrong_activation": (
        "deep_correct",
        "dW built from the wrong activation (dZ[l] instead of A[l-1]).",
        [("dW = 1 / m * np.dot(dZ, A_prev.T)", "dW = 1 / m * np.dot(dZ, dZ.T)")],
    ),
    "deep_w_transposed": (
        "deep_correct",
        "W[l] initialised transposed, (n[l-1], n[l]), and used as W.T.",
        [
            (
                "rng.standard_normal((layer_dims[l], layer_dims[l - 1]))",
                "rng.standard_normal((layer_dims[l - 1], layer_dims[l]))",
            ),
            ("Z = np.dot(W, A) + b", "Z = np.dot(W.T, A) + b"),
        ],
    ),
    "deep_transposed_dw_standard": (
        "deep_transposed",
        "transposed convention, dW built as (n[l], n[l-1]) while W is (n[l-1], n[l]).",
        [("dW = 1 / m * np.dot(A_prev, dZ.T)", "dW = 1 / m * np.dot(dZ, A_prev.T)")],
    ),
    "two_layer_db_sum_all": (
        "two_layer_correct",
        "the notes' db[1] = (1/m) np.sum(dZ[1]), a scalar, without axis=1, keepdims=True.",
        [
            (
                "db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)",
                "db1 = (1 / m) * np.sum(dZ1)",
            )
        ],
    ),
    "two_layer_dw_wrong_activation": (
        "two_layer_correct",
        "dW[2] built from the wrong activation, A[2] instead of A[1].",
        [("dW2 = (1 / m) * np.dot(dZ2, A1.T)", "dW2 = (1 / m) * np.dot(dZ2, A2.T)")],
    ),
}


def source(name: str) -> str:
    """The source of `name`: a correct module's file, or a planted bug applied to one."""
    if name not in PLANTED:
        return (_HERE / f"{name}.py").read_text()
    base, bug, changes = PLANTED[name]
    text = source(base)
    _, rest = text.split("\n", 1)  # the base's docstring line gives way to the bug's
    text = f'"""Planted bug: {bug}"""\n{rest}'
    for correct, planted in changes:
        # Exactly once: a change that matches nothing (or twice) would plant no bug.
        if text.count(correct) != 1:
            raise ValueError(f"{name}: {correct!r} is not in {base}.py exactly once")
        text = text.replace(correct, planted)
    return text


def load(name: str) -> ModuleType:
    """A fresh, unmodified copy of the student module `name` (instrumenting it touches no other)."""
    path = _HERE / f"{name}.py"
    if name in PLANTED:
        path = _VARIANTS / f"{name}.py"
        if not path.exists():
            path.write_text(source(name))
    spec = importlib.util.spec_from_file_location(f"student_{name}_{next(_COUNT)}", path)
    assert spec is not None and spec.loader is not None  # the file is ours and exists
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
