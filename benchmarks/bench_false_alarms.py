"""gradcheck's verdicts on correct code and on planted bugs, counted over random configurations.

    python benchmarks/bench_false_alarms.py            # 1,000 configurations, every path
    python benchmarks/bench_false_alarms.py --quick    # 150 configurations
    python benchmarks/bench_false_alarms.py --seed 7   # another draw

A gradient checker is only worth running if its verdict can be trusted. This
script draws random *correct* configurations, the way users write them:

- Course-style L-layer code (`L_model_forward`, `compute_cost`,
  `L_model_backward`), 2 to 5 layers of 1 to 11 units, m from 1 to 256;
- every hidden activation (ReLU, leaky ReLU, tanh, sigmoid) and both outputs
  (sigmoid with binary `Y`, softmax with one-hot `Y`);
- the Course's initialiser (`randn * 0.01`, zero biases), He and Xavier;
- saturated outputs (`|Z[L]|` around 20), parameters in Fortran order or as
  transposed views (`W = M.T`);

and runs each through `gradcheck.check_functions` (its defaults), through
`gradcheck.check_model` on the same network built from `models` blocks (every
mode) and through the pytest plugin's `gradcheck` fixture (called the way the
plugin calls it). It prints how many were called WRONG and how many were not
passed: both must be 0. Then it plants the classic bugs (a factor, a sign, a
missing `1/m`, a wrong derivative, one wrong row of `dW[1]`) into the same code
and prints how many were caught (not passed): all of them.

The draw is seeded (`--seed`, printed); the same seed gives the same figures.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

# One BLAS thread: the machine is shared, and the figures must not depend on it.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

import gradcheck  # noqa: E402
import models  # noqa: E402
from gradcheck.grading import _fixtures  # noqa: E402

HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid")
INITS = ("course", "course", "he", "xavier")  # the Course's own initialiser twice as often
LAYOUTS = ("C", "C", "F", "view")
BUGS = ("factor", "sign", "missing_1_over_m", "wrong_derivative", "one_wrong_row")
MODEL_MODES = ("auto", "full", "sample", "directional")
LEAK = 0.01


# -- the Course's code, for any hidden activation, sigmoid or softmax output ---------------


def course_code(hidden: str, output: str, bug: str | None = None) -> SimpleNamespace:
    """The Course's L-layer functions, written as the Course writes them, with one bug or none."""

    def g(Z: np.ndarray, name: str) -> np.ndarray:
        if name == "sigmoid":
            return 1 / (1 + np.exp(-Z))
        if name == "tanh":
            return np.tanh(Z)
        if name == "leaky_relu":
            return np.where(Z > 0, Z, LEAK * Z)
        if name == "softmax":
            E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
            return E / np.sum(E, axis=0, keepdims=True)
        return np.maximum(0, Z)

    def g_prime_times(
        dA: np.ndarray, Z: np.ndarray, name: str, output_layer: bool = False
    ) -> np.ndarray:
        if name == "sigmoid":
            s = 1 / (1 + np.exp(-Z))
            if bug == "wrong_derivative" and not output_layer:
                return dA * s
            return dA * s * (1 - s)
        if name == "tanh":
            if bug == "wrong_derivative":
                return dA * (1 - np.tanh(Z))
            return dA * (1 - np.tanh(Z) ** 2)
        if name == "leaky_relu":
            if bug == "wrong_derivative":
                return dA * np.where(Z > 0, 1.0, -LEAK)
            return dA * np.where(Z > 0, 1.0, LEAK)
        if bug == "wrong_derivative":
            return dA * (Z > 0.5)
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
        return dZ

    def L_model_forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
        caches = []
        A = X
        L = len(parameters) // 2
        for l in range(1, L + 1):  # noqa: E741 (the Course's layer index)
            W, b = parameters["W" + str(l)], parameters["b" + str(l)]
            Z = W @ A + b
            caches.append(((A, W, b), Z))
            A = g(Z, hidden if l < L else output)
        return A, caches

    def compute_cost(AL: np.ndarray, Y: np.ndarray) -> float:
        m = Y.shape[1]
        if output == "softmax":
            return float(np.squeeze(-np.sum(Y * np.log(AL)) / m))
        cost = -(1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
        return float(np.squeeze(cost))

    def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
        grads = {}
        L = len(caches)
        m = AL.shape[1]
        if output == "softmax":
            dZ = AL - Y
        else:
            dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
            if bug == "sign":
                dAL = -dAL
            dZ = g_prime_times(dAL, caches[-1][1], "sigmoid", output_layer=True)
        if output == "softmax" and bug == "sign":
            dZ = Y - AL
        for l in reversed(range(1, L + 1)):  # noqa: E741
            (A_prev, W, _), Z = caches[l - 1]
            if l < L:
                dZ = g_prime_times(dA, Z, hidden)  # noqa: F821 (set on the previous pass)
            dW = (1 / m) * dZ @ A_prev.T
            db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
            if bug == "factor" and l == L:
                dW = 2 * dW
            if bug == "missing_1_over_m":
                db = np.sum(dZ, axis=1, keepdims=True)
            if bug == "one_wrong_row" and l == 1:
                dW = dW.copy()
                dW[-1] = 2 * dW[-1] + 1e-3
            dA = W.T @ dZ
            grads["dW" + str(l)], grads["db" + str(l)] = dW, db
            grads["dA" + str(l - 1)] = dA
        return grads

    return SimpleNamespace(
        L_model_forward=L_model_forward,
        compute_cost=compute_cost,
        L_model_backward=L_model_backward,
    )


# -- random configurations ----------------------------------------------------------------


def draw(rng: np.random.Generator) -> dict[str, Any]:
    """One random configuration: the network, its parameters, X, Y and how they are laid out."""
    L = int(rng.integers(2, 6))
    hidden = str(rng.choice(HIDDEN))
    output = "softmax" if rng.random() < 0.25 else "sigmoid"
    n_out = int(rng.integers(2, 6)) if output == "softmax" else 1
    dims = [int(n) for n in rng.integers(1, 12, size=L)] + [n_out]
    m = int(rng.choice([1, 1, 2, 3, int(rng.integers(1, 257))]))
    init = str(rng.choice(INITS))
    layout = str(rng.choice(LAYOUTS))
    saturated = output == "sigmoid" and rng.random() < 0.15
    X = rng.standard_normal((dims[0], m))
    if output == "softmax":
        Y = np.eye(n_out)[:, rng.integers(0, n_out, size=m)]
    else:
        Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    parameters = {}
    for l in range(1, L + 1):  # noqa: E741
        shape = (dims[l], dims[l - 1])
        if init == "course":
            W = rng.standard_normal(shape) * 0.01
            b = np.zeros((dims[l], 1))
        else:
            scale = np.sqrt((2.0 if init == "he" else 1.0) / dims[l - 1])
            W = rng.standard_normal(shape) * scale
            b = 0.1 * rng.standard_normal((dims[l], 1))
        parameters[f"W{l}"], parameters[f"b{l}"] = W, b
    if saturated:
        # Push |Z[L]| to about 20-25 on the side of Y: A[L] rounds within 1e-9 of Y.
        A = X
        for l in range(1, L):  # noqa: E741
            Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
            A = _g(Z, hidden)
        ZL = parameters[f"W{L}"] @ A
        target = np.where(Y > 0.5, 1.0, -1.0) * rng.uniform(20.0, 25.0, size=Y.shape)
        # One bias cannot put every example at +-20 when Y is mixed, so the
        # data's labels follow the sign of a large bias instead.
        sign = 1.0 if rng.random() < 0.5 else -1.0
        parameters[f"b{L}"] = np.full((1, 1), sign * float(np.mean(np.abs(target))))
        parameters[f"W{L}"] = parameters[f"W{L}"] * 0.7
        Y = (np.sign(ZL * 0.7 + parameters[f"b{L}"]) > 0).astype(np.float64)
    laid_out = {key: _layout(value, layout) for key, value in parameters.items()}
    return {
        "dims": dims,
        "hidden": hidden,
        "output": output,
        "m": m,
        "init": init,
        "layout": layout,
        "saturated": saturated,
        "X": X,
        "Y": Y,
        "parameters": laid_out,
    }


def _g(Z: np.ndarray, name: str) -> np.ndarray:
    if name == "sigmoid":
        return 1 / (1 + np.exp(-Z))
    if name == "tanh":
        return np.tanh(Z)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, LEAK * Z)
    return np.maximum(0, Z)


def _layout(array: np.ndarray, layout: str) -> np.ndarray:
    if layout == "F":
        return np.asfortranarray(array)
    if layout == "view":
        return np.ascontiguousarray(array.T).T  # W = M.T: a transposed view, not contiguous
    return array


def describe(config: dict[str, Any]) -> str:
    return (
        f"{config['dims']} {config['hidden']}/{config['output']} m={config['m']} "
        f"init={config['init']} layout={config['layout']}"
        + (" saturated" if config["saturated"] else "")
    )


# -- the three paths ------------------------------------------------------------------------


def via_functions(config: dict[str, Any], bug: str | None = None) -> Any:
    code = course_code(config["hidden"], config["output"], bug)
    return gradcheck.check_functions(
        forward=code.L_model_forward,
        cost=code.compute_cost,
        backward=code.L_model_backward,
        parameters=config["parameters"],
        X=config["X"],
        Y=config["Y"],
        progress_bar=False,
    )


def network_of(config: dict[str, Any]) -> Any:
    hidden = models.LeakyReLU(LEAK) if config["hidden"] == "leaky_relu" else config["hidden"]
    net = models.DeepNetwork(config["dims"], hidden=hidden, output=config["output"], seed=0)
    net.set_parameters({k: np.array(v) for k, v in config["parameters"].items()})
    return net


def via_model(config: dict[str, Any], mode: str) -> Any:
    return gradcheck.check_model(
        network_of(config), config["X"], config["Y"], mode=mode, progress_bar=False
    )


class _FixtureFailed(Exception):
    pass


def via_fixture(config: dict[str, Any], bug: str | None = None) -> Any:
    """The `gradcheck` fixture, called as a test calls it: `gradcheck(module, params, X, Y)`."""
    node = SimpleNamespace(stash={})
    settings = SimpleNamespace(seed=0, eps=None, mode=None)
    fixture = _fixtures.GradientCheck(node, settings)  # type: ignore[arg-type]
    code = course_code(config["hidden"], config["output"], bug)
    try:
        return fixture(code, config["parameters"], config["X"], config["Y"])
    except BaseException as error:  # pytest.fail raises an Exception-less OutcomeException
        if type(error).__name__ == "Failed":
            raise _FixtureFailed(str(error)) from None
        raise


def outcome(run: Any) -> tuple[str, str]:
    """`("passed" | "wrong" | "not passed" | "error", detail)` of one check."""
    try:
        report = run()
    except _FixtureFailed as failure:
        text = str(failure)
        return ("wrong" if "WRONG" in text else "not passed"), text
    except gradcheck.CheckInputError as error:
        return "error", f"{type(error).__name__}: {error}"
    if report.passed:
        return "passed", ""
    if any(r.verdict == "wrong" for r in report.results.values()):
        return "wrong", str(report)
    return "not passed", str(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="seed of the draw (default 2026)")
    parser.add_argument("--count", type=int, default=1000, help="correct configurations")
    parser.add_argument("--quick", action="store_true", help="150 configurations")
    parser.add_argument("--show", type=int, default=3, help="failures shown per path")
    parser.add_argument(
        "--paths", default="functions,model,fixture", help="comma-separated paths to run"
    )
    args = parser.parse_args()
    count = 150 if args.quick else args.count
    paths = set(args.paths.split(","))
    rng = np.random.default_rng(args.seed)
    print(f"seed {args.seed}, {count} correct configurations, numpy {np.__version__}")
    configs = [draw(rng) for _ in range(count)]
    print(
        "  drawn: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c["init"] for c in configs).items()))
        + "; "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c["layout"] for c in configs).items()))
        + f"; softmax {sum(c['output'] == 'softmax' for c in configs)}"
        + f"; saturated {sum(c['saturated'] for c in configs)}"
        + f"; m = 1 {sum(c['m'] == 1 for c in configs)}"
    )
    runs: dict[str, Any] = {}
    if "functions" in paths:
        runs["check_functions"] = lambda c: lambda: via_functions(c)
    if "model" in paths:
        for mode in MODEL_MODES:
            runs[f"check_model {mode}"] = lambda c, mode=mode: lambda: via_model(c, mode)
    if "fixture" in paths:
        runs["fixture"] = lambda c: lambda: via_fixture(c)
    print()
    print("correct code (target: 0 called WRONG, 0 not passed):")
    print(f"  {'path':<24}{'checks':>8}{'WRONG':>8}{'not passed':>12}{'seconds':>10}")
    for name, make in runs.items():
        tally: Counter[str] = Counter()
        shown = 0
        start = time.perf_counter()
        for config in configs:
            verdict, detail = outcome(make(config))
            tally[verdict] += 1
            if verdict != "passed" and shown < args.show:
                shown += 1
                first = "\n      ".join(detail.splitlines()[:14])
                print(f"    [{name}] {verdict}: {describe(config)}\n      {first}")
        seconds = time.perf_counter() - start
        not_passed = count - tally["passed"]
        print(f"  {name:<24}{count:>8}{tally['wrong']:>8}{not_passed:>12}{seconds:>10.1f}")
    print()
    print("planted bugs (target: every one caught, i.e. not passed):")
    bug_rng = np.random.default_rng([args.seed, 1])
    bug_configs = [c for c in configs if c["m"] >= 2 and max(c["dims"][1:-1] or [1]) >= 2]
    picks = bug_rng.choice(len(bug_configs), size=min(len(bug_configs), count // 10), replace=False)
    caught: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for index in picks:
        config = bug_configs[int(index)]
        for bug in BUGS:
            if bug == "one_wrong_row" and config["dims"][1] < 2:
                continue
            for label, run in (
                ("functions", lambda c=config, b=bug: via_functions(c, b)),
                ("fixture", lambda c=config, b=bug: via_fixture(c, b)),
            ):
                if label == "functions" and "functions" not in paths:
                    continue
                if label == "fixture" and "fixture" not in paths:
                    continue
                verdict, _ = outcome(run)
                tried[f"{bug} ({label})"] += 1
                if verdict != "passed":
                    caught[f"{bug} ({label})"] += 1
                elif tried[f"{bug} ({label})"] - caught[f"{bug} ({label})"] <= args.show:
                    print(f"    missed {bug} ({label}): {describe(config)}")
    for key in sorted(tried):
        print(f"  {key:<36}{caught[key]:>5} of {tried[key]:<5} caught")
    print(f"  all planted bugs: {caught.total()} of {tried.total()} caught")


if __name__ == "__main__":
    main()
