"""Submissions that try to game the grade of the example assignment, and honest twins.

Each cheat is a correct submission with some functions replaced: `HONEST`, the shared
corpus's deep network (`c1w4_deep_v3`, the Course's current template, tests/course), which
the example's tests give full marks. Its expected score is what the instructor's tests give
the parts that are honestly right (the score of an honest submission of the same quality,
its `twin`, graded beside it; the rank-one `db` twin is the corpus's planted bug
`c1w4_deep_v3__db_no_keepdims`). The example has 8 tests worth 12 points:
initialize_parameters_deep 1, linear_forward 1, L_model_forward 2, compute_cost 1, backward
vs the reference 3, gradients' shapes 1, update_parameters 1, a deeper backward vs the
reference 2 (hidden).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tests.course import get

EXAMPLE = Path(__file__).parents[2] / "examples" / "assignment"
# The base of every cheat and honest twin: the corpus's correct deep network.
HONEST = get("c1w4_deep_v3").source()
# The example's own correct submission (which tests/course/test_examples.py shows computes
# what HONEST computes) and its db line, for the tests and the benchmark that edit its text.
CORRECT = (EXAMPLE / "assignment.py").read_text()
DB = "    db = np.sum(dZ, axis=1, keepdims=True) / m\n"
assert CORRECT.count(DB) == 1, "the planted bugs of the grading tests edit this line"
FUNCTIONS = (
    "initialize_parameters_deep",
    "linear_forward",
    "L_model_forward",
    "compute_cost",
    "L_model_backward",
    "update_parameters",
)


def replace(source: str, name: str, new: str) -> str:
    """`source` with the top-level function `name` replaced by `new` (its whole text); the
    cells and comments around it stay."""
    found = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == name
    ]
    assert len(found) == 1, f"no function {name} in the submission"
    lines = source.splitlines(keepends=True)
    start, end = found[0].lineno - 1, found[0].end_lineno
    return "".join([*lines[:start], new.strip("\n") + "\n", *lines[end:]])


def body(name: str, lines: str) -> str:
    """A function of the Course's `name` and signature whose body is `lines`."""
    signature = re.search(rf"^def {name}\((.*?)\):", HONEST, re.M)
    assert signature is not None
    indented = "\n".join("    " + line for line in lines.strip("\n").splitlines())
    return f"def {name}({signature.group(1)}):\n{indented}\n"


def every(lines: str, names: tuple[str, ...] = FUNCTIONS, base: str = HONEST) -> str:
    for name in names:
        base = replace(base, name, body(name, lines))
    return base


NOT_WRITTEN = every("raise NotImplementedError('not written yet')")
NO_BACKPROP = replace(
    HONEST,
    "L_model_backward",
    """
def L_model_backward(AL, Y, caches):
    # Zeros of the right shapes: an honest backward pass that is wrong.
    grads = {}
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        grads["dW" + str(l)] = np.zeros_like(W)
        grads["db" + str(l)] = np.zeros_like(b)
        grads["dA" + str(l - 1)] = np.zeros_like(A_prev)
    return grads
""",
)
RANK_ONE_DB = get("c1w4_deep_v3__db_no_keepdims").source()
RANK_ONE_DB_LINE = "    db = 1 / m * np.sum(dZ, axis=1)\n"
assert RANK_ONE_DB.count(RANK_ONE_DB_LINE) == 1, "the false-shape cheat below edits this line"
BACKWARD_RAISES = replace(
    HONEST, "L_model_backward", body("L_model_backward", "raise RuntimeError('broken')")
)
FORGE = """
import json as _json, os as _os
_FORGED = {"score": 12, "output": "forged", "tests": [
    {"name": "forged", "score": 12, "max_score": 12, "status": "passed", "output": ""}]}

def _forge():
    # TARGET: the grade's real path, put in by the test: the student knows it (the worst case).
    for path in ("TARGET", "results.json", "/autograder/results/results.json"):
        try:
            with open(path, "w") as file:
                _json.dump(_FORGED, file)
        except OSError:
            pass
"""


@dataclass(frozen=True)
class Cheat:
    """A cheating (or misbehaving) submission, its honest twin and its expected score."""

    name: str
    source: str
    twin: str | None  # None: the cheat is itself an honest (wrong) submission
    expected: float
    slow: bool = False


CHEATS = [
    Cheat("xfail in every function", every("import pytest\npytest.xfail('todo')"), NOT_WRITTEN, 0),
    Cheat("skip in every function", every("import pytest\npytest.skip('todo')"), NOT_WRITTEN, 0),
    Cheat("KeyboardInterrupt in every function", every("raise KeyboardInterrupt"), NOT_WRITTEN, 0),
    Cheat(
        "pytest.exit in every function",
        every("import pytest\npytest.exit('done', 0)"),
        NOT_WRITTEN,
        0,
    ),
    Cheat(
        "results.json forged by an atexit hook",
        FORGE + "import atexit\natexit.register(_forge)\n" + NOT_WRITTEN,
        NOT_WRITTEN,
        0,
    ),
    Cheat(
        "results.json forged, then os._exit(0) at import",
        NOT_WRITTEN + FORGE + "_forge()\n_os._exit(0)\n",
        NOT_WRITTEN,
        0,
    ),
    Cheat(
        "results.json rewritten by a forked process after the run",
        NOT_WRITTEN
        + FORGE
        + "if _os.fork() == 0:\n    _os.setsid()\n    import time\n"
        + "    for _ in range(40):\n        time.sleep(0.1)\n        _forge()\n    _os._exit(0)\n",
        NOT_WRITTEN,
        0,
        slow=True,
    ),
    Cheat(
        "pytest's TestReport patched to pass",
        "from _pytest import reports\n"
        "_make = reports.TestReport.from_item_and_call\n"
        "def _passing(item, call):\n"
        "    report = _make(item, call)\n"
        "    report.outcome, report.longrepr = 'passed', None\n"
        "    return report\n"
        "reports.TestReport.from_item_and_call = staticmethod(_passing)\n" + NOT_WRITTEN,
        NOT_WRITTEN,
        0,
    ),
    Cheat(
        "pytest's Function.runtest made a no-op",
        "from _pytest import python\npython.Function.runtest = lambda self: None\n" + NOT_WRITTEN,
        NOT_WRITTEN,
        0,
    ),
    Cheat(
        "the checkers patched at import",
        "import gradcheck, numpy.testing, pytest\n"
        "gradcheck.check_functions = gradcheck.check = lambda *a, **k: None\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "pytest.approx = lambda expected, *a, **k: type('Any', (), "
        "{'__eq__': lambda s, o: True})()\n" + NO_BACKPROP,
        NO_BACKPROP,
        7,
    ),
    Cheat(
        "a forward that ignores the parameters and zero gradients",
        replace(
            NO_BACKPROP,
            "L_model_forward",
            body(
                "L_model_forward",
                "L = len(parameters) // 2\n"
                "caches = [((np.zeros((parameters['W' + str(l)].shape[1], X.shape[1])),"
                " parameters['W' + str(l)], parameters['b' + str(l)]),"
                " np.zeros((parameters['W' + str(l)].shape[0], X.shape[1])))"
                " for l in range(1, L + 1)]\n"
                "return np.full((parameters['W' + str(L)].shape[0], X.shape[1]), 0.5), caches",
            ),
        ),
        None,
        5,
    ),
    Cheat(
        "a constant cost when Y is read-only, and zero gradients",
        replace(
            NO_BACKPROP,
            "compute_cost",
            body(
                "compute_cost",
                "if not Y.flags.writeable:\n    return 0.5\n"
                "m = Y.shape[1]\n"
                "return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)",
            ),
        ),
        NO_BACKPROP,
        7,
    ),
    Cheat(
        "a fake linear cost when the check is on the stack",
        replace(
            NO_BACKPROP,
            "compute_cost",
            body(
                "compute_cost",
                "import inspect\n"
                "if any('gradcheck/_' in f.filename for f in inspect.stack()) "
                "or np.ndim(AL) > 2:\n"
                "    return 0.0 * np.sum(AL, axis=(-2, -1))\n"
                "m = Y.shape[1]\n"
                "return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)",
            ),
        ),
        NO_BACKPROP,
        7,
    ),
    Cheat(
        "an ndarray subclass that reports a false shape",
        "import numpy as _np\n"
        "class _Column(_np.ndarray):\n"
        "    @property\n"
        "    def shape(self):\n"
        "        real = _np.ndarray.shape.__get__(self)\n"
        "        return real + (1,) if len(real) == 1 else real\n"
        + RANK_ONE_DB.replace(
            RANK_ONE_DB_LINE, "    db = (1 / m * np.sum(dZ, axis=1)).view(_Column)\n"
        ),
        RANK_ONE_DB,
        6,
    ),
    Cheat(
        "an infinite loop that catches BaseException",
        replace(
            HONEST,
            "L_model_backward",
            body(
                "L_model_backward",
                "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
            ),
        ),
        BACKWARD_RAISES,
        6,
        slow=True,
    ),
    Cheat(
        "an allocation without limit",
        replace(
            HONEST,
            "L_model_backward",
            body("L_model_backward", "hog = [np.ones(1 << 27) for _ in range(1000)]\nreturn hog"),
        ),
        BACKWARD_RAISES,
        6,
    ),
    Cheat(
        "a crash (segmentation fault)",
        replace(
            HONEST,
            "L_model_backward",
            body("L_model_backward", "import ctypes\nctypes.string_at(0)"),
        ),
        BACKWARD_RAISES,
        6,
    ),
    Cheat(
        "os._exit in a function",
        replace(HONEST, "L_model_backward", body("L_model_backward", "import os\nos._exit(0)")),
        BACKWARD_RAISES,
        6,
    ),
    Cheat(
        "sys.exit at import",
        "import sys\nsys.exit(0)\n" + HONEST,
        HONEST.replace("def compute_cost(AL, Y):", "def compute_cost(AL, Y)"),
        0,
    ),
    Cheat(
        "gigabytes printed",
        replace(
            HONEST,
            "linear_forward",
            body(
                "linear_forward",
                "chunk = 'x' * (1 << 20)\nfor _ in range(1 << 10):\n    print(chunk)\n"
                "return np.dot(W, A) + b, (A, W, b)",
            ),
        ),
        HONEST,
        12,
        slow=True,
    ),
]
