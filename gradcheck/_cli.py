"""The `gradcheck` command: check a Course student file or notebook, or a network of blocks.

    gradcheck path/to/student.py|hw.ipynb [--layers 5,4,3,1] [--examples 7] [--seed 0]
    gradcheck --model 5-4-3-1 --hidden tanh [--output sigmoid] [--lambd 0.1] [--keep-prob 0.8]

A file is recognised by its functions (`dimcheck._recognise`): every Course 1 and
Course 2 assignment with backprop gets its gradients checked with the assignment's own
signatures (`_assignments`), and its update steps and initialisers are run once
against the reference optimisers (`_updates`). Exit status: 0 when everything is
right, 1 when something is wrong, 2 for usage, import, shape or input errors, and when
a gradient could not be judged either way (inconclusive: the report says why).
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

from dimcheck._version import VersionAction

from ._bands import EPS, INCONCLUSIVE
from ._errors import CheckInputError
from ._modes import MODES
from ._report import Report

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parse_sizes(text: str, pattern: str, example: str) -> list[int]:
    parts = [p.strip() for p in re.split(pattern, text.strip())]
    if len(parts) < 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(
            "expected layer sizes n[0], n[1], ..., n[L]: at least two positive integers"
            f" such as {example}: got {text!r}"
        )
    return [int(p) for p in parts]


def _sizes(text: str) -> list[int]:
    """`--layers 5,4,3,1` (a minus sign is a negative size, not a separator)."""
    return _parse_sizes(text, ",", "5,4,3,1")


def _model_sizes(text: str) -> list[int]:
    """`--model 5-4-3-1` (or with commas)."""
    return _parse_sizes(text, "[-,]", "5-4-3-1")


def _only_inconclusive(outcomes: Sequence[Any]) -> bool:
    """Every gradient not ok is inconclusive (never wrong), and every other check passed.

    An inconclusive gradient is not a bug found: the exit status says the check could
    not be completed (2), not that the code is wrong (1); the report says why.
    """
    verdicts = {
        result.verdict
        for outcome in outcomes
        if isinstance(outcome, Report)
        for result in outcome.results.values()
    }
    others_passed = all(o.passed for o in outcomes if not isinstance(o, Report))
    return others_passed and INCONCLUSIVE in verdicts and verdicts <= {"ok", INCONCLUSIVE}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradcheck",
        description=(
            "Check backprop against central differences and say which gradient is wrong, "
            "where, and how. Give a Course student file or notebook (any Course 1 or 2 "
            "assignment: L_model_forward ..., forward_propagation ..., propagate, "
            "regularisation, dropout, forward_propagation_n, the optimisers), or --model "
            "to check a network built from the models blocks. A notebook's data-loading, "
            "test and training cells are not run."
        ),
        epilog="exit status: 0 passed, 1 a gradient is wrong, 2 usage, shape or input error",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "path", nargs="?", help="a .py file or .ipynb notebook with the Course functions"
    )
    parser.add_argument(
        "--model",
        type=_model_sizes,
        metavar="5-4-3-1",
        help="check DeepNetwork(layer_dims) instead",
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
    parser.add_argument(
        "--lambd", type=float, default=0.0, help="L2 strength (--model; a file's L2 functions: 0.7)"
    )
    parser.add_argument(
        "--keep-prob", type=float, default=1.0, help="dropout (--model; a file's dropout: 0.5)"
    )
    parser.add_argument("--forward", metavar="NAME", help="the file's forward pass, if renamed")
    parser.add_argument("--backward", metavar="NAME", help="the file's backward pass, if renamed")
    parser.add_argument("--cost", metavar="NAME", help="the file's cost function, if renamed")
    parser.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds the import may take (20)"
    )
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
    if args.output == "softmax" and dims[-1] == 1:
        raise CheckInputError(
            "--output softmax needs n[L] >= 2 classes: a softmax over n[L] = 1 unit is always 1,"
            " so its gradients are all zero. Use --output sigmoid for binary labels, or give"
            f" n[L] classes: --model {'-'.join(map(str, dims[:-1]))}-3 --output softmax"
        )
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


def _check_file(
    args: argparse.Namespace, progress_bar: bool | None
) -> tuple[list[tuple[str, Any]], str, str]:
    """Every check of a student file: `[(section title, outcome)]`, a title and what was
    recognised (see `check_file`).

    **Raises:** `CheckInputError` when the file cannot be loaded or nothing is recognised.
    """
    from ._file_check import check_file

    report = check_file(
        args.path,
        layer_dims=args.layers,
        m=args.examples,
        seed=args.seed,
        eps=args.eps,
        mode=args.mode,
        lambd=args.lambd or None,
        keep_prob=args.keep_prob if args.keep_prob < 1 else None,
        forward=args.forward,
        backward=args.backward,
        cost=args.cost,
        timeout=args.timeout,
        progress_bar=progress_bar,
    )
    return report.sections, report.title, report.recognised


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
            results: list[tuple[str, Any]] = [("", report)]
            recognised = ""
        else:
            results, title, recognised = _check_file(args, progress_bar)
    except CheckInputError as error:
        _print_error(args, error)
        return EXIT_USAGE
    reports = [r for _, r in results if isinstance(r, Report)]
    errors = [(t, r) for t, r in results if isinstance(r, CheckInputError)]
    if errors and not reports and len(results) == 1:
        _print_error(args, errors[0][1])
        return EXIT_USAGE
    if args.plot and reports:
        from ._plot import save_report_plot

        try:
            save_report_plot(reports[0], args.plot)
        except (ImportError, OSError, ValueError) as error:
            print(
                f"gradcheck: error: cannot save the chart to {args.plot}: {error}", file=sys.stderr
            )
            return EXIT_USAGE
    outcomes = [r for _, r in results if not isinstance(r, CheckInputError)]
    passed = all(r.passed for r in outcomes)
    if errors or (not passed and _only_inconclusive(outcomes)):
        status = EXIT_USAGE  # nothing shown wrong, but not everything could be checked
    else:
        status = EXIT_PASSED if passed else EXIT_FAILED
    try:
        if args.json:
            data = _json(title, results)
            if recognised:
                data["recognised"] = recognised
            print(json.dumps(data, indent=2))
        else:
            print(f"checked {title}")
            if recognised:
                print(recognised)
            for index, (section, result) in enumerate(results):
                if section:
                    print(f"{'' if index == 0 else chr(10)}-- {section}")
                if isinstance(result, CheckInputError):
                    print(f"error: {result}")
                else:
                    print(result)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe (`gradcheck student.py | head`): stop quietly,
        # pointing stdout at /dev/null so that the interpreter's final flush does
        # not complain again (the recipe in the docs of the `signal` module).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    for _, problem in errors:
        print(f"gradcheck: error: {problem}", file=sys.stderr)
    return status


def _print_error(args: argparse.Namespace, error: CheckInputError) -> None:
    if args.json:
        print(json.dumps({"error": str(error), "kind": type(error).__name__}))
    else:
        print(f"gradcheck: error: {error}", file=sys.stderr)


def _json(title: str, results: list[tuple[str, Any]]) -> dict[str, Any]:
    """The first gradient report at the top level (as with one check), every check in `sections`."""
    data: dict[str, Any] = {"checked": title}
    first = next((r for _, r in results if isinstance(r, Report)), None)
    if first is not None:
        data.update(first.to_dict())
    sections = []
    for section, result in results:
        if isinstance(result, CheckInputError):
            sections.append({"title": section, "passed": False, "error": str(result)})
        else:
            sections.append({"title": section, **result.to_dict()})
    data["passed"] = all(s["passed"] for s in sections)
    if len(results) > 1:
        data["sections"] = sections
    return data


if __name__ == "__main__":
    raise SystemExit(main())
