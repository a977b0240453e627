"""The result of a gradient check: a verdict per parameter, why, and where."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dimcheck._vocabulary import parse_key

from ._bands import relative_difference
from ._errors import GradientError
from ._names import course_name, gradient_name, index_text, shape_text


def _finite(value: float) -> float | None:
    # Strict JSON has no Infinity: an unbounded floor (both gradients zero) is null.
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class Entry:
    """One coordinate of a gradient: its index, the analytic and the numerical value."""

    index: tuple[int, ...]
    analytic: float
    numeric: float


@dataclass(frozen=True)
class ParameterResult:
    """The check of one parameter's gradient.

    - `key`: the parameter's key (`"W2"`); `name` is `W[2]`.
    - `shape`: the parameter's shape.
    - `verdict`: `"ok"`, `"doubtful"`, `"wrong"` or `"inconclusive"` (see `_bands`).
    - `difference`: the relative difference over the checked values.
    - `floor`: the relative difference roundoff alone could produce.
    - `checked`: how many coordinates (or directions) were compared.
    - `how`: `"full"`, `"sample"`, `"directional"` or `"directional, then full"`...
    - `diagnosis`: what is most likely wrong (`None` when `ok`).
    - `worst`: the entries with the largest differences (coordinates only).
    - `kinks`: indices of coordinates whose difference crossed a kink (excluded).
    """

    key: str
    shape: tuple[int, ...]
    verdict: str
    difference: float
    floor: float
    checked: int
    how: str
    analytic: np.ndarray = field(repr=False)
    numeric: np.ndarray = field(repr=False)
    diagnosis: str | None = None
    worst: tuple[Entry, ...] = ()
    kinks: tuple[tuple[int, ...], ...] = ()

    @property
    def name(self) -> str:
        return course_name(self.key)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


def where_to_look(results: dict[str, ParameterResult]) -> str | None:
    """Which layer's backward step to fix first, when the wrong gradients show it.

    Backprop runs from layer `L` down to 1, and `dA[l-1]` is computed from
    `dZ[l]`: an error made at layer `l` spoils every gradient of the layers
    below it and none above. So when exactly the layers `1..l` are wrong (both
    `dW` and `db`) and the layers above are right, the error entered at layer
    `l`. Not said when a gradient was never computed or the cost ignores a
    parameter: those diagnoses point elsewhere (a missing line, the forward pass).

    **Arguments:**

    - `results`: the results per parameter key, Course keys `W1`, `b1`, ...

    **Returns:** one sentence in course notation, or `None`.
    """
    layers: dict[int, list[ParameterResult]] = {}
    for key, result in results.items():
        parsed = parse_key(key, lowercase=False)
        if parsed is None or parsed[0] not in ("W", "b"):
            return None
        layers.setdefault(parsed[1], []).append(result)
    L = len(layers)
    if sorted(layers) != list(range(1, L + 1)) or any(len(r) != 2 for r in layers.values()):
        return None
    wrong = [layer for layer, rs in layers.items() if any(r.verdict != "ok" for r in rs)]
    if not wrong:
        return None
    top = max(wrong)
    spread = all(r.verdict != "ok" for layer in range(1, top + 1) for r in layers[layer])
    if not spread or any(
        "all zeros" in (r.diagnosis or "") or "does not depend" in (r.diagnosis or "")
        for r in results.values()
    ):
        return None
    if top == L:
        return (
            "dW and db of every layer are wrong. Backprop starts at the output, so an error "
            f"there spoils every layer: check dA[{L}] (the derivative of the cost) and "
            f"dZ[{L}] = dA[{L}] * g'[{L}](Z[{L}]) first"
        )

    def layer_list(first: int, last: int) -> str:
        if first == last:
            return f"layer {first}"
        joint = " and " if last == first + 1 else " to "
        return f"layers {first}{joint}{last}"

    spoils = f"layer {top}" if top == 1 else f"layer {top} and every layer below it"
    return (
        f"dW and db of {layer_list(1, top)} are wrong, those of {layer_list(top + 1, L)} "
        f"are right. Backprop runs from layer {L} down to 1, so an error made in layer "
        f"{top}'s step spoils {spoils}: check dA[{top}] "
        f"(computed from W[{top + 1}] and dZ[{top + 1}]) and dZ[{top}] = dA[{top}] * "
        f"g'[{top}](Z[{top}]) (the derivative of layer {top}'s activation, and the Z[{top}] "
        "its cache holds) first"
    )


class Report:
    """What a gradient check found: which gradients are wrong, where, and how.

    **Verdict bands.** Each parameter's relative difference
    `||g - g~|| / (||g|| + ||g~||)` (`g` from backprop, `g~` from central
    differences with step `eps`, default `1e-5`) gets one of three verdicts:

    - `ok` below the pass line (`1e-6`), or below ten times the roundoff floor
      when that is higher. Correct float64 code lands between `1e-11` and `1e-8`.
    - `wrong` at or above the fail line (`1e-3`). The classic bugs sit far above:
      a factor 2 gives `0.33`, a factor 4 `0.6`, a sign flip `1.0`.
    - `doubtful` in between, or when roundoff is too large to tell. A doubtful
      parameter is measured again at `eps / 2` and the two estimates are
      Richardson-extrapolated, `(4 g(eps/2) - g(eps)) / 3`, which removes the
      `eps^2` truncation error that large inputs or saturated units cause; the
      verdict is the extrapolated one (`how` then ends in `extrapolated`).

    The roundoff floor of a check is the relative difference that rounding
    errors in `J` alone can produce: about `max(8 u |J|, 4 s) / eps` per
    coordinate (`u = 2.2e-16`; `s` the noise of `J` measured along two random
    directions, which exceeds `u |J|` when `J` suffers cancellation, as with a
    saturated sigmoid), times `sqrt(k)` over `k` coordinates, divided by
    `||g|| + ||g~||`. It is shown per parameter; a difference below ten times
    it is no evidence of a bug.

    **Attributes:**

    - `passed`: every parameter is `ok`.
    - `difference`: the relative difference over all parameters together.
    - `errors`: the relative difference per parameter key (`{"W1": 3e-10, ...}`).
    - `failed`: keys of the parameters not `ok`, e.g. `["W2"]`.
    - `results`: a `ParameterResult` per parameter key, with the diagnosis and
      the worst entries.
    - `kinks`: `(key, index)` of every coordinate whose difference crossed a
      kink of a ReLU-like function; excluded from the differences.
    - `cost_noise`: the measured noise of `J` (standard deviation), see below.
    - `eps`, `mode`, `seed`, `pass_line`, `fail_line`, `notes`.
    """

    def __init__(
        self,
        results: list[ParameterResult],
        *,
        eps: float,
        mode: str,
        seed: int,
        pass_line: float,
        fail_line: float,
        notes: list[str] | None = None,
        cost_noise: float = 0.0,
    ) -> None:
        self.results: dict[str, ParameterResult] = {r.key: r for r in results}
        self.eps = eps
        self.mode = mode
        self.seed = seed
        self.pass_line = pass_line
        self.fail_line = fail_line
        self.notes: list[str] = list(notes or [])
        self.cost_noise = cost_noise

    @property
    def passed(self) -> bool:
        return all(r.verdict == "ok" for r in self.results.values())

    @property
    def failed(self) -> list[str]:
        return [key for key, r in self.results.items() if r.verdict != "ok"]

    @property
    def errors(self) -> dict[str, float]:
        return {key: r.difference for key, r in self.results.items()}

    @property
    def difference(self) -> float:
        if not self.results:
            return 0.0
        analytic = np.concatenate([r.analytic for r in self.results.values()])
        numeric = np.concatenate([r.numeric for r in self.results.values()])
        return relative_difference(analytic, numeric)

    @property
    def kinks(self) -> list[tuple[str, tuple[int, ...]]]:
        return [(key, index) for key, r in self.results.items() for index in r.kinks]

    def __bool__(self) -> bool:
        return self.passed

    # -- text -----------------------------------------------------------------

    def _headline(self) -> str:
        total = len(self.results)
        checked = sum(r.checked for r in self.results.values())
        setting = (
            f"mode {self.mode}, eps {self.eps:.0e}, seed {self.seed}, {checked} values, "
            f"noise of J {self.cost_noise:.0e}"
        )
        if self.passed:
            noun = "gradient" if total == 1 else "gradients"
            return f"gradcheck: PASSED, all {total} {noun} ok ({setting})"
        wrong = len(self.failed)
        return f"gradcheck: FAILED, {wrong} of {total} gradients not ok ({setting})"

    def _rows(self) -> list[list[str]]:
        rows = [["gradient", "shape", "checked", "difference", "floor", "verdict"]]
        for r in self.results.values():
            rows.append(
                [
                    gradient_name(r.key),
                    shape_text(r.shape),
                    f"{r.checked}/{r.size}" if "directional" not in r.how else f"{r.checked} dir",
                    f"{r.difference:.1e}",
                    f"{r.floor:.0e}",
                    r.verdict.upper() if r.verdict != "ok" else "ok",
                ]
            )
        return rows

    def __str__(self) -> str:
        rows = self._rows()
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [self._headline(), ""]
        for row in rows:
            cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            lines.append("  ".join(cells).rstrip())
        lines.append("")
        lines.append(
            f"overall difference {self.difference:.1e} "
            f"(ok below {self.pass_line:.0e}, wrong from {self.fail_line:.0e})"
        )
        hint = where_to_look(self.results)
        if hint:
            lines.append("")
            lines.append(f"where to look: {hint}")
        # The same diagnosis of several gradients is said once, naming them all,
        # followed by the worst entries of each.
        groups: dict[str, list[ParameterResult]] = {}
        for r in self.results.values():
            if r.verdict != "ok":
                groups.setdefault(f"{r.verdict}: {r.diagnosis}", []).append(r)
        for said, group in groups.items():
            names = [gradient_name(r.key) for r in group]
            subject = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            lines.append("")
            lines.append(f"{subject} {'is' if len(names) == 1 else 'are'} {said}")
            worst = [(r, e) for r in group for e in r.worst]
            if worst:
                lines.append(f"  {'entry':<16}{'analytic':>14}{'numerical':>14}")
                for r, e in worst:
                    entry = gradient_name(r.key) + index_text(e.index)
                    lines.append(f"  {entry:<16}{e.analytic:>14.6e}{e.numeric:>14.6e}")
        for r in self.results.values():
            if r.checked == 0 and r.size > 0:
                lines.append("")
                lines.append(
                    f"{gradient_name(r.key)}: every coordinate examined crossed a kink, so none "
                    "could be compared; check again with another seed or other data"
                )
        kinks = self.kinks
        if kinks:
            shown = ", ".join(course_name(k) + index_text(i) for k, i in kinks[:5])
            more = f" and {len(kinks) - 5} more" if len(kinks) > 5 else ""
            lines.append("")
            lines.append(
                f"{len(kinks)} coordinate(s) crossed a kink: the step moved a ReLU-like input "
                "across its kink (or, for a black box, the one-sided differences disagree), so "
                f"the central difference is wrong there; not counted: {shown}{more}"
            )
        if self.notes:
            lines.append("")
        for note in self.notes:
            lines.append("note: " + note)
        return "\n".join(lines)

    def __repr__(self) -> str:
        state = "passed" if self.passed else f"failed={self.failed!r}"
        return f"<gradcheck.Report {state} difference={self.difference:.1e}>"

    def _repr_html_(self) -> str:
        rows = self._rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = []
        for row, r in zip(rows[1:], self.results.values(), strict=True):
            style = "" if r.verdict == "ok" else ' style="color:#b00020;font-weight:bold"'
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in row)
            body.append(f"<tr{style}>{cells}</tr>")
        details = []
        for r in self.results.values():
            if r.verdict != "ok":
                worst = "".join(
                    f"<li><code>{html.escape(gradient_name(r.key) + index_text(e.index))}</code>: "
                    f"analytic {e.analytic:.6e}, numerical {e.numeric:.6e}</li>"
                    for e in r.worst
                )
                details.append(
                    f"<p><b>{html.escape(gradient_name(r.key))}</b>: "
                    f"{html.escape(r.diagnosis or '')}</p><ul>{worst}</ul>"
                )
        notes = "".join(f"<p>note: {html.escape(n)}</p>" for n in self.notes)
        hint = where_to_look(self.results)
        where = f"<p><b>where to look</b>: {html.escape(hint)}</p>" if hint else ""
        if self.kinks:
            notes = f"<p>{len(self.kinks)} coordinate(s) crossed a kink; not counted.</p>" + notes
        return (
            f"<div><p><b>{html.escape(self._headline())}</b></p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<p>overall difference {self.difference:.1e}</p>{where}{''.join(details)}{notes}</div>"
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python values, ready for `json.dumps`.

        **Returns:** a dict with `passed`, `difference`, `failed`, `eps`, `mode`,
        `seed`, `pass_line`, `fail_line`, `notes`, `where_to_look` (the layer to
        fix first, or `None`), `cost_noise`, `kinks` and `parameters`
        (one dict per parameter key with `name`, `shape`, `verdict`,
        `difference`, `floor` (`None` when unbounded), `checked`, `how`,
        `diagnosis`, `worst`, `kinks`).
        """
        return {
            "passed": self.passed,
            "difference": self.difference,
            "failed": self.failed,
            "eps": self.eps,
            "mode": self.mode,
            "seed": self.seed,
            "pass_line": self.pass_line,
            "fail_line": self.fail_line,
            "notes": list(self.notes),
            "where_to_look": where_to_look(self.results),
            "cost_noise": self.cost_noise,
            "kinks": [[key, list(index)] for key, index in self.kinks],
            "parameters": {
                key: {
                    "name": r.name,
                    "shape": list(r.shape),
                    "verdict": r.verdict,
                    "difference": _finite(r.difference),
                    "floor": _finite(r.floor),
                    "checked": r.checked,
                    "how": r.how,
                    "diagnosis": r.diagnosis,
                    "worst": [
                        {"index": list(e.index), "analytic": e.analytic, "numeric": e.numeric}
                        for e in r.worst
                    ],
                    "kinks": [list(i) for i in r.kinks],
                }
                for key, r in self.results.items()
            },
        }

    def raise_for_failure(self) -> Report:
        """Raise `GradientError` with the table as message unless the check passed.

        **Returns:** the report itself when it passed, for chaining.
        """
        if not self.passed:
            raise GradientError(str(self))
        return self
