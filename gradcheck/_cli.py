"""The `gradcheck` command: check a Course-style student file or a network of blocks.

    gradcheck path/to/student.py [--layers 5,4,3,1] [--examples 7] [--seed 0]
    gradcheck --model 5-4-3-1 --hidden tanh [--output sigmoid] [--lambd 0.1] [--keep-prob 0.8]

Exit status: 0 when every gradient is right, 1 when one is wrong, 2 for usage,
import, shape or input errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._bands import EPS
from ._check import check_functions
from ._errors import CheckInputError
from ._modes import MODES
from ._report import Report
from ._student import find_functions, load_module, seeded_problem

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _sizes(text: str) -> list[int]:
    parts = [p for p in re.split(r"[,\-x ]+", text.strip()) if p]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(
            f"expected layer sizes n[0],n[1],...,n[L] (at least two positive integers): {text!r}"
        )
    return sizes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradcheck",
        description=(
            "Check backprop against central differences and say which gradient is wrong, "
            "where, and how. Give a Course-style student file (L_model_forward, "
            "compute_cost, L_model_backward, or the two-layer forward_propagation ...), "
            "or --model to check a network built from the models blocks."
        ),
        epilog="exit status: 0 passed, 1 a gradient is wrong, 2 usage, shape or input error",
    )
    parser.add_argument("path", nargs="?", help="a Python file with the Course functions")
    parser.add_argument(
        "--model", type=_sizes, metavar="5-4-3-1", help="check DeepNetwork(layer_dims) instead"
    )
    parser.add_argument(
        "--layers",
        type=_sizes,
        metavar="5,4,3,1",
        help="layer_dims of the problem (default 5,4,3,1; 5,4,1 for two-layer files)",
    )
    parser.add_argument(
        "--examples", "-m", type=int, default=7, metavar="M", help="the number of examples m (7)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seeds the problem and the sample")
    parser.add_argument(
        "--mode", choices=MODES, default="auto", help="which values to compare (auto)"
    )
    parser.add_argument("--eps", type=float, default=EPS, help=f"the step, default {EPS:g}")
    parser.add_argument("--hidden", default="relu", help="--model's hidden activation")
    parser.add_argument("--output", default="sigmoid", help="--model's output activation")
    parser.add_argument("--lambd", type=float, default=0.0, help="--model's L2 strength")
    parser.add_argument("--keep-prob", type=float, default=1.0, help="--model's dropout")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--plot", metavar="FILE", help="also save the chart of the report (needs matplotlib)"
    )
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    return parser


def _labels(output: str, n_L: int, m: int, rng: np.random.Generator) -> np.ndarray:
    if output == "softmax":
        return np.eye(n_L)[:, rng.integers(0, n_L, m)]
    if output in ("identity", "linear"):
        return rng.standard_normal((n_L, m))
    return (rng.random((n_L, m)) > 0.5).astype(np.float64)


def _check_model(args: argparse.Namespace, progress_bar: bool | None) -> tuple[Report, str]:
    import models

    from ._model import check_model

    dims = args.model
    try:
        network = models.DeepNetwork(
            dims,
            hidden=args.hidden,
            output=args.output,
            seed=args.seed,
            lambd=args.lambd,
            keep_prob=args.keep_prob,
        )
    except (models.ModelInputError, ValueError, KeyError) as error:
        raise CheckInputError(str(error)) from error
    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((dims[0], args.examples))
    Y = _labels(args.output, dims[-1], args.examples, rng)
    report = check_model(
        network, X, Y, eps=args.eps, mode=args.mode, seed=args.seed, progress_bar=progress_bar
    )
    title = (
        f"DeepNetwork({dims}, hidden={args.hidden!r}, output={args.output!r}, "
        f"lambd={args.lambd}, keep_prob={args.keep_prob}), m = {args.examples}, seed {args.seed}"
    )
    return report, title


def _check_file(args: argparse.Namespace, progress_bar: bool | None) -> tuple[Report, str]:
    module = load_module(args.path)
    student = find_functions(module, args.path)
    dims = args.layers or ([5, 4, 3, 1] if student.style == "deep" else [5, 4, 1])
    parameters, X, Y, from_init = seeded_problem(student, dims, args.examples, args.seed)
    report = check_functions(
        forward=student.forward,
        cost=student.cost,
        backward=student.backward,
        parameters=parameters,
        X=X,
        Y=Y,
        eps=args.eps,
        mode=args.mode,
        seed=args.seed,
        progress_bar=progress_bar,
    )
    shapes = "the shapes the initializer returned" if from_init else "the standard shapes"
    report.notes.append(
        f"parameters drawn with seed {args.seed} in {shapes}, scale 1/sqrt(n[l-1]), nonzero biases"
    )
    functions = (
        "L_model_forward / L_model_backward"
        if student.style == "deep"
        else ("forward_propagation / backward_propagation")
    )
    title = f"{args.path}: {functions}, layer_dims {dims}, m = {args.examples}, seed {args.seed}"
    return report, title


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; **Returns:** the exit status (0 passed, 1 failed, 2 error)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    if (args.path is None) == (args.model is None):
        parser.print_usage(sys.stderr)
        print("gradcheck: error: give either a student file or --model", file=sys.stderr)
        return EXIT_USAGE
    if args.examples < 1:
        print("gradcheck: error: --examples (m) must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    progress_bar: bool | None = False if (args.no_progress or args.json) else None
    try:
        if args.model is not None:
            report, title = _check_model(args, progress_bar)
        else:
            report, title = _check_file(args, progress_bar)
    except CheckInputError as error:
        if args.json:
            print(json.dumps({"error": str(error), "kind": type(error).__name__}))
        else:
            print(f"gradcheck: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.plot:
        from ._plot import save_report_plot

        try:
            save_report_plot(report, args.plot)
        except (ImportError, OSError, ValueError) as error:
            print(
                f"gradcheck: error: cannot save the chart to {args.plot}: {error}", file=sys.stderr
            )
            return EXIT_USAGE
    status = EXIT_PASSED if report.passed else EXIT_FAILED
    try:
        if args.json:
            data: dict[str, Any] = {"checked": title, **report.to_dict()}
            print(json.dumps(data, indent=2))
        else:
            print(f"checked {title}")
            print(report)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe (`gradcheck student.py | head`): stop quietly,
        # pointing stdout at /dev/null so that the interpreter's final flush does
        # not complain again (the recipe in the docs of the `signal` module).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return status


if __name__ == "__main__":
    raise SystemExit(main())
