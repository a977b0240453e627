"""Course notation for names, symbols and shapes in messages (`W[2]`, `n[1]`, `m`)."""

import re

_LAYERED_VAR = re.compile(r"^(dW|db|dZ|dA|W|b|Z|A)(\d+|L)$")
_PREV_VAR = re.compile(r"^(dA|A|dZ|Z)_?prev$")
_LAYER_DIM = re.compile(r"^n_?(\d+)$")


def course_var(name: str, layer: int | None = None) -> str:
    """The course's name for a variable: `W1` -> `W[1]`, `A_prev` -> `A[l-1]`, `AL` -> `A[L]`.

    **Arguments:**

    - `name`: the variable's name in the code.
    - `layer`: the layer `l` when known, so that `W` becomes `W[2]` and `A_prev` `A[1]`.

    **Returns:** the name in course notation (unknown names come back unchanged).
    """
    hit = _LAYERED_VAR.match(name)
    if hit:
        return f"{hit.group(1)}[{hit.group(2)}]"
    hit = _PREV_VAR.match(name)
    if hit:
        return f"{hit.group(1)}[{'l-1' if layer is None else layer - 1}]"
    if name in ("W", "b", "Z", "A", "dW", "db", "dZ", "dA"):
        return f"{name}[{'l' if layer is None else layer}]"
    return name


def course_dim(name: str, layer: int | None = None) -> str:
    """The course's symbol for a dimension name: `n_l` -> `n[l]`, `n_prev` -> `n[l-1]`.

    `n_0`/`n0` become `n[0]`; `m`, `n_x`, `n_h`, `n_y` and other names stay as written.
    With `layer` known, `n_l` becomes `n[2]` and `n_prev` `n[1]`.
    """
    if name == "n_l":
        return f"n[{'l' if layer is None else layer}]"
    if name == "n_prev":
        return f"n[{'l-1' if layer is None else layer - 1}]"
    if name == "n_next":
        return f"n[{'l+1' if layer is None else layer + 1}]"
    if name == "n_L":
        return "n[L]"
    hit = _LAYER_DIM.match(name)
    if hit:
        return f"n[{hit.group(1)}]"
    return name


def format_expected(symbols: list[str], values: list[int | None]) -> str:
    """`(n[2], n[1]) = (3, 4)`; unknown values keep their symbol; all-numeric shapes print once."""
    sym = _tuple(symbols)
    val = _tuple([s if v is None else str(v) for s, v in zip(symbols, values, strict=True)])
    return sym if sym == val else f"{sym} = {val}"


def _tuple(items: list[str]) -> str:
    if items == ["..."]:
        return "(...)"
    return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"


def shape_hint(var: str, got: tuple[int, ...], want: list[int | None]) -> str:
    """A fix for the commonest shape mistakes, or `""`.

    **Arguments:**

    - `var`: the variable as the user wrote it (`W`, `db`).
    - `got`: the actual shape.
    - `want`: the expected shape, `None` where a size is not known.

    **Returns:** a hint sentence: transpose for a swapped 2-d shape, `reshape`/`keepdims=True`
    for a rank-1 array that should be a column or row, `squeeze` for a `(1, 1)` scalar.
    """
    if len(got) == 2 and len(want) == 2 and got != tuple(want) and got == (want[1], want[0]):
        return f" Did you mean {var}.T?"
    if len(got) == 1 and len(want) == 2:
        n = got[0]
        if want[1] == 1 and want[0] in (None, n):
            return (
                f" {var} is a rank-1 array: make it a column with {var}.reshape({n}, 1),"
                " or keep the axis when reducing (np.sum(..., axis=1, keepdims=True))."
            )
        if want[0] == 1 and want[1] in (None, n):
            return (
                f" {var} is a rank-1 array: make it a row with {var}.reshape(1, {n}),"
                " or keep the axis when reducing (np.sum(..., axis=0, keepdims=True))."
            )
    if len(got) == 0 and len(want) == 2 and 1 in want:
        axis = 1 if want[1] == 1 else 0
        return (
            f" {var} is a single number: np.sum without axis= adds up every entry;"
            f" sum over the {'examples' if axis == 1 else 'units'} with"
            f" np.sum(..., axis={axis}, keepdims=True)."
        )
    if len(want) == 0 and got and all(size == 1 for size in got):
        if not var.isidentifier():
            return f" It is a {got} array: squeeze it to a scalar (float(np.squeeze(...)))."
        return f" {var} is a {got} array: squeeze it to a scalar (float(np.squeeze({var})))."
    return ""


# How each computed quantity arises (NOTATION.md's last column), per weight convention.
_RULES = {
    "standard": {
        "Z": "Z[{l}] = W[{l}] @ A[{p}] + b[{l}], so it is (n[{l}], m)",
        "dW": "dW[{l}] = (1/m) dZ[{l}] @ A[{p}].T has the shape of W[{l}]",
        "db": "db[{l}] = (1/m) np.sum(dZ[{l}], axis=1, keepdims=True) has the shape of b[{l}]",
        "dA": "dA[{p}] = W[{l}].T @ dZ[{l}] has the shape of A[{p}]",
    },
    "transposed": {
        "Z": "Z[{l}] = W[{l}].T @ A[{p}] + b[{l}], so it is (n[{l}], m)",
        "dW": "dW[{l}] = (1/m) A[{p}] @ dZ[{l}].T has the shape of W[{l}]",
        "db": "db[{l}] = (1/m) np.sum(dZ[{l}], axis=1, keepdims=True) has the shape of b[{l}]",
        "dA": "dA[{p}] = W[{l}] @ dZ[{l}] has the shape of A[{p}]",
    },
}
_COURSE_NAME = re.compile(r"^(Z|dW|db|dA)\[(\d+|l|L|l-1)\]$")


def rule_note(name: str, convention: str = "standard") -> str:
    """The course's rule for a computed quantity, as a sentence, or `""`.

    **Arguments:**

    - `name`: the quantity in course notation (`dW[3]`, `dA[1]`, `db[l]`).
    - `convention`: `"standard"` or `"transposed"` weights.

    **Returns:** e.g. `" Rule: dW[3] = (1/m) dZ[3] @ A[2].T has the shape of W[3]."`, so
    that a wrong shape points at the factor to look at (`A[2]`, not `A[3]`).
    """
    hit = _COURSE_NAME.match(name)
    if not hit:
        return ""
    kind, index = hit.groups()
    if kind == "dA":  # dA[k] comes from the layer above: l = k + 1
        layer = str(int(index) + 1) if index.isdigit() else {"l-1": "l"}.get(index)
        if layer is None:
            return ""
    else:
        layer = index
        if index == "l-1":
            return ""
    previous = str(int(layer) - 1) if layer.isdigit() else f"{layer}-1"
    template = _RULES.get(convention, _RULES["standard"])[kind]
    return " Rule: " + template.format(l=layer, p=previous) + "."
