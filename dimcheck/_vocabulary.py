"""The course's vocabulary, once for the three packages: names, symbols, shapes, rules, fixes.

Everything a message says about a Course quantity is written here and nowhere else:

- **names**: the Course's dict keys and their course notation, `"dW1"` <-> `("dW", 1)` <->
  `dW[1]`, and the code's own names (`A_prev` is `A[l-1]`, `n_l` is `n[l]`);
- **shape text**: `(3,)`, `(3, 4)`, and an expected shape with its symbols bound,
  `(n[2], n[1]) = (3, 4)`, with where the values came from;
- **the dimension rules** of `docs/notation.md`, in both weight conventions: which
  symbols each quantity's shape is made of, and how a computed one arises;
- **the fix hints** for the classic mistakes (a transposed matrix, a rank-1 array, a
  `(1, 1)` cost), so that one mistake reads the same from every tool.

Pure Python: no numpy, no typeguard (the linter and `import dimcheck` stay fast).
"""

import re
from collections.abc import Iterable, Sequence
from typing import Literal, cast

Convention = Literal["standard", "transposed"]

# ------------------------------------------------------------------------------ names

#: The letters of the layered quantities, as the Course spells them.
LETTERS = ("W", "b", "Z", "A", "dW", "db", "dZ", "dA")
_LOWERCASE = {letter.lower(): letter for letter in LETTERS}
_KEY = re.compile(r"^(d?[A-Za-z])(\d+)$")
_LAYERED = re.compile(r"^([A-Za-z_]+?)(\d+)$")
_LAYERED_VAR = re.compile(r"^(dW|db|dZ|dA|W|b|Z|A)(\d+|L)$")
_PREV_VAR = re.compile(r"^(dA|A|dZ|Z)_?prev$")
_LAYER_DIM = re.compile(r"^n_?(\d+)$")


def parse_key(key: str, *, lowercase: bool = True) -> tuple[str, int] | None:
    """A Course dict key as `(letter, layer)`: `"dW1"` -> `("dW", 1)`, or `None`.

    A key typed all in lowercase is read too and given back as the Course spells it
    (`"dw2"` -> `("dW", 2)`, `"w1"` -> `("W", 1)`), unless `lowercase=False` (for code
    that then looks the key up as the Course spells it); other spellings (`"DW1"`,
    `"B1"`) and keys of other quantities (`"X"`, `"vdW1"`, `"gamma1"`) give `None`.
    """
    hit = _KEY.match(key)
    if hit is None:
        return None
    written = hit.group(1)
    letter = written if written in LETTERS else _LOWERCASE.get(written) if lowercase else None
    return None if letter is None else (letter, int(hit.group(2)))


def make_key(letter: str, layer: int | str) -> str:
    """`("dW", 1)` -> `"dW1"`: the Course's dict key (the inverse of `parse_key`).

    A symbolic layer gives the key a loop builds, as the linter reads it: `("W", "l")` ->
    `"Wl"` for `"W" + str(l)`.
    """
    return f"{letter}{layer}"


# A name in course code: a letter, then the layer (`W1`, `W_1`, `WL`, `Wl`, `W_l`), the layer
# before (`A_prev`, `Aprev`), or nothing (`W`, the current layer `l`).
_NAME = re.compile(r"^(d?[A-Za-z])(?:_?(\d+)|(L)|_?(l)|_?(prev))?$")


def parse_name(name: str, *, lowercase: bool = False) -> tuple[str, int | str] | None:
    """What a variable name of course code stands for, as `(letter, layer)`, or `None`.

    `W1` and `W_1` -> `("W", 1)`; `WL`, `AL` -> `("W", "L")`, `("A", "L")`; `W`, `Wl`, `W_l`
    -> `("W", "l")`; `A_prev`, `dA_prev` -> `("A", "l-1")`, `("dA", "l-1")`; `X` ->
    `("A", 0)` (the input is `A[0]`). The letters are the Course's (`LETTERS`), spelled as
    the Course does: `w1` and `dw` are read only with `lowercase=True` (logistic regression's
    `w` is a column `(n[0], 1)`, not a weight matrix `W[l]`, so the linter keeps them apart).
    Other names (`Y`, `dA0_hat`, `B1`, `vdW1`) give `None`.

    **Arguments:**

    - `name`: a name as the code writes it (a variable, or a dict key such as `"dW1"`).
    - `lowercase`: also read names typed all in lowercase.

    **Returns:** the Course's letter and the layer: an `int`, or `"l"`, `"L"`, `"l-1"`.
    """
    if name == "X":
        return ("A", 0)
    hit = _NAME.match(name)
    if hit is None:
        return None
    written = hit.group(1)
    letter = written if written in LETTERS else None
    if letter is None and lowercase:
        letter = _LOWERCASE.get(written)
    if letter is None:
        return None
    digits, last, _, prev = hit.group(2, 3, 4, 5)
    return (letter, int(digits) if digits else "L" if last else "l-1" if prev else "l")


def course_label(name: str) -> str:
    """A name of course code in course notation: `W1` -> `W[1]`, `A_prev` -> `A[l-1]`,
    `X` -> `A[0]`, `AL` -> `A[L]`, `W` -> `W[l]`; other names unchanged (see `parse_name`)."""
    parsed = parse_name(name)
    return name if parsed is None else f"{parsed[0]}[{parsed[1]}]"


def previous_layer(layer: int | str) -> int | str:
    """The layer before: `2` -> `1`, `"l"` -> `"l-1"`, `"L"` -> `"L-1"`, `"l-1"` -> `"l-2"`."""
    if isinstance(layer, int):
        return layer - 1
    hit = re.fullmatch(r"(\w+)-(\d+)", layer)
    return f"{hit.group(1)}-{int(hit.group(2)) + 1}" if hit else f"{layer}-1"


def layers_of(keys: Iterable[object], letter: str) -> list[int]:
    """The layers `l` that have a key for `letter`, sorted: `(["W1", "b1", "W2"], "W")` ->
    `[1, 2]`. `keys` is any iterable of keys (a dict gives its keys)."""
    found = set()
    for key in keys:
        parsed = parse_key(key) if isinstance(key, str) else None
        if parsed is not None and parsed[0] == letter:
            found.add(parsed[1])
    return sorted(found)


def course_name(key: str) -> str:
    """`"W1"` -> `"W[1]"`, `"b12"` -> `"b[12]"`; names without a layer number unchanged.

    **Arguments:**

    - `key`: a key of the Course's dict form (any letters followed by the layer number;
      `"dw1"` gives `"dW[1]"`, spelled as the Course does).

    **Returns:** the name as the course notes write it.
    """
    parsed = parse_key(key)
    if parsed is not None:
        return f"{parsed[0]}[{parsed[1]}]"
    hit = _LAYERED.match(key)
    if hit is None:
        return key
    return f"{hit.group(1)}[{hit.group(2)}]"


def gradient_key(key: str) -> str:
    """`"W1"` -> `"dW1"`: the Course's key for the gradient of a parameter."""
    return "d" + key


def gradient_name(key: str) -> str:
    """`"W1"` -> `"dW[1]"`: the gradient's name in course notation."""
    return "d" + course_name(key)


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
    if name in LETTERS:
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


def n(layer: int | str) -> str:
    """The symbol of a layer's size: `n(2)` -> `"n[2]"`, `n("l-1")` -> `"n[l-1]"`."""
    return f"n[{layer}]"


# ------------------------------------------------------------------------------ shape text


def shape_text(shape: Sequence[int | str | None]) -> str:
    """`(3,)`, `(3, 4)` and `()` as a reader writes them (numpy integers print as numbers).

    A shape known only in part, as the linter reads it from source, prints its symbols as
    written and its unknown sizes as `?`: `("n_h", None)` -> `(n_h, ?)`.
    """
    return _tuple([_dim_text(size) for size in shape])


def _dim_text(size: int | str | None) -> str:
    if size is None:
        return "?"
    return size if isinstance(size, str) else str(int(size))


def index_text(index: Sequence[int]) -> str:
    """`(0, 2)` -> `"[0, 2]"`: an entry of an array as numpy indexes it."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def format_expected(symbols: Sequence[str], values: Sequence[int | None]) -> str:
    """`(n[2], n[1]) = (3, 4)`; unknown values keep their symbol; all-numeric shapes print once."""
    sym = _tuple(list(symbols))
    val = _tuple([s if v is None else str(v) for s, v in zip(symbols, values, strict=True)])
    return sym if sym == val else f"{sym} = {val}"


def _tuple(items: list[str]) -> str:
    if items == ["..."]:
        return "(...)"
    return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"


def symbols_text(symbols: Sequence[str]) -> str:
    """`["n[2]", "n[1]"]` -> `"(n[2], n[1])"`: a shape in symbols, with nothing bound."""
    return _tuple(list(symbols))


def dims_origin(layer_dims: Sequence[int], layers: Sequence[int], source: str) -> str:
    """`"n[2] = 3, n[1] = 4 from layer_dims"`: where the sizes a rule uses came from."""
    parts = [f"{n(i)} = {layer_dims[i]}" for i in layers]
    return ", ".join(parts) + f" from {source}"


# ------------------------------------------------------------------------------ the rules


def check_convention(convention: str) -> Convention:
    """Validate a `convention` argument: `"standard"` or `"transposed"`."""
    if convention not in ("standard", "transposed"):
        raise ValueError(
            f'convention must be "standard" (W[l] is (n[l], n[l-1])) or "transposed"'
            f" (W[l] is (n[l-1], n[l])): got {convention!r}."
        )
    return cast(Convention, convention)


def convention_note(convention: str) -> str:
    """The sentence that says which weight convention a message assumes."""
    if convention == "transposed":
        return (
            " (Transposed convention: W[l] is stored as (n[l-1], n[l]) and used as"
            " Z = W.T @ A + b.)"
        )
    return (
        " (Standard convention: W[l] is (n[l], n[l-1]) and Z = W @ A + b; pass"
        ' convention="transposed" if your weights are stored as (n[l-1], n[l]).)'
    )


def weight_symbols(layer: int | str, convention: str = "standard") -> list[str]:
    """`W[l]`'s shape in symbols: `[n[l], n[l-1]]`, or swapped for the transposed convention.

    `layer` is a number or a symbol (`"l"`, `"L"`, `"l-1"`): `W[l]` is `(n[l], n[l-1])`.
    """
    rows, cols = n(layer), n(previous_layer(layer))
    return [cols, rows] if convention == "transposed" else [rows, cols]


def weight_shape(layer_dims: Sequence[int], layer: int, convention: str) -> tuple[int, int]:
    """`W[l]`'s shape from `layer_dims` in the given convention."""
    rows, cols = layer_dims[layer], layer_dims[layer - 1]
    return (cols, rows) if convention == "transposed" else (rows, cols)


def symbols_of(letter: str, layer: int | str, convention: str = "standard") -> list[str]:
    """The shape of a layered quantity in symbols, as the table of `docs/notation.md` gives it.

    `W`/`dW` -> `[n[l], n[l-1]]` (swapped when transposed), `b`/`db` -> `[n[l], 1]`,
    `Z`, `A`, `dZ`, `dA` -> `[n[l], m]`.
    """
    if letter in ("W", "dW"):
        return weight_symbols(layer, convention)
    if letter in ("b", "db"):
        return [n(layer), "1"]
    if letter in ("Z", "A", "dZ", "dA"):
        return [n(layer), "m"]
    raise ValueError(f"{letter!r} is not one of the course's layered quantities {LETTERS}.")


def shape_symbols(key: str, ndim: int, transposed: bool = False) -> tuple[str, ...] | None:
    """The symbolic shape of a Course parameter: `W1` is `(n[1], n[0])`, `b1` is `(n[1], 1)`.

    **Arguments:**

    - `key`: a parameter key such as `"W2"` or `"b2"`.
    - `ndim`: the number of axes the parameter has.
    - `transposed`: the weights are stored `(n[l-1], n[l])` (the convention of some
      course material, where `Z = W.T @ A + b`).

    **Returns:** a tuple of symbols, or `None` when the key is not a Course weight or bias
    or the number of axes is not 2.
    """
    parsed = parse_key(key)
    if parsed is None or ndim != 2 or parsed[0] not in ("W", "b"):
        return None
    return tuple(symbols_of(parsed[0], parsed[1], "transposed" if transposed else "standard"))


# How each computed quantity arises (the last column of `docs/notation.md`), per weight
# convention, and what that says of its shape.
_FORMULAS = {
    "standard": {
        "Z": "Z[{l}] = W[{l}] @ A[{p}] + b[{l}]",
        "dW": "dW[{l}] = (1/m) dZ[{l}] @ A[{p}].T",
        "db": "db[{l}] = (1/m) np.sum(dZ[{l}], axis=1, keepdims=True)",
        "dA": "dA[{p}] = W[{l}].T @ dZ[{l}]",
    },
    "transposed": {
        "Z": "Z[{l}] = W[{l}].T @ A[{p}] + b[{l}]",
        "dW": "dW[{l}] = (1/m) A[{p}] @ dZ[{l}].T",
        "db": "db[{l}] = (1/m) np.sum(dZ[{l}], axis=1, keepdims=True)",
        "dA": "dA[{p}] = W[{l}] @ dZ[{l}]",
    },
}
_SHAPE_FROM_FORMULA = {
    "Z": ", so it is (n[{l}], m)",
    "dW": " has the shape of W[{l}]",
    "db": " has the shape of b[{l}]",
    "dA": " has the shape of A[{p}]",
}
_RULES = {
    convention: {kind: text + _SHAPE_FROM_FORMULA[kind] for kind, text in formulas.items()}
    for convention, formulas in _FORMULAS.items()
}


def formula(kind: str, layer: int | str = "l", convention: str = "standard") -> str:
    """How the course computes `Z`, `dW`, `db` or `dA` of a layer, as code-like text.

    `formula("Z")` -> `"Z[l] = W[l] @ A[l-1] + b[l]"`, `formula("dA", 2)` ->
    `"dA[1] = W[2].T @ dZ[2]"`; the transposed convention gives `W[l].T @ A[l-1]`.
    """
    template = _FORMULAS.get(convention, _FORMULAS["standard"])[kind]
    return template.format(l=layer, p=previous_layer(layer))


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


# ------------------------------------------------------------------------------ fix hints


def transpose_hint(var: str) -> str:
    """`" Did you mean W.T?"`: the fix for a 2-d array whose axes are swapped."""
    return f" Did you mean {var}.T?"


def rank1_hint(var: str, size: int | str, column: bool = True, fix: str = "") -> str:
    """The fix for a rank-1 array `(size,)` where a column `(size, 1)` (or a row) belongs.

    **Arguments:**

    - `var`: the array as the user wrote it (`db1`), or in course notation (`b[l]`).
    - `size`: its length, a number or the symbol the code gives it (`n_h`).
    - `column`: a column `(size, 1)` belongs there, else a row `(1, size)`.
    - `fix`: the corrected expression when the code that made the array is known (the
      linter's `np.zeros((n_h, 1))`); by default a `reshape` of the array, or a reduction
      that keeps its axis.

    **Returns:** `" db1 is a rank-1 array: make it a column with db1.reshape(3, 1), or keep
    the axis when reducing (np.sum(..., axis=1, keepdims=True))."`: one core sentence for
    this mistake, whichever tool sees it.
    """
    kind = "column" if column else "row"
    if fix:
        return f" {var} is a rank-1 array: make it a {kind} with {fix}."
    reshape = f"{var}.reshape({size}, 1)" if column else f"{var}.reshape(1, {size})"
    return (
        f" {var} is a rank-1 array: make it a {kind} with {reshape},"
        f" or keep the axis when reducing (np.sum(..., axis={1 if column else 0}, keepdims=True))."
    )


def single_number_hint(var: str, axis: int = 1, fix: str = "", reduction: str = "np.sum") -> str:
    """The fix for a sum over every entry where one value per unit (or example) belongs.

    **Arguments:**

    - `var`: the variable as the user wrote it (`db`).
    - `axis`: the axis to reduce, `1` (the examples, for `db[l]` `(n[l], 1)`) or `0`.
    - `fix`: the corrected call when the code is known (the linter's
      `np.sum(dZ, axis=1, keepdims=True)`); by default `np.sum(..., axis=1, keepdims=True)`.
    - `reduction`: `"np.sum"`, or `"np.mean"` for a mean over every entry.

    **Returns:** `" db is a single number: np.sum without axis= adds up every entry; sum
    over the examples with np.sum(..., axis=1, keepdims=True)."`
    """
    fix = fix or f"{reduction}(..., axis={axis}, keepdims=True)"
    averages = "mean" in reduction
    return (
        f" {var} is a single number: {reduction} without axis="
        f" {'averages' if averages else 'adds up'} every entry;"
        f" {'average' if averages else 'sum'} over the"
        f" {'examples' if axis == 1 else 'units'} with {fix}."
    )


def squeeze_hint(var: str, shape: Sequence[int]) -> str:
    """The fix for a cost (or other scalar) that came back as a `(1, 1)` array."""
    if not var.isidentifier():
        return (
            f" It is a {shape_text(shape)} array: squeeze it to a scalar (float(np.squeeze(...)))."
        )
    return (
        f" {var} is a {shape_text(shape)} array: squeeze it to a scalar (float(np.squeeze({var})))."
    )


def shape_hint(var: str, got: tuple[int, ...], want: Sequence[int | None]) -> str:
    """A fix for the commonest shape mistakes, or `""`.

    **Arguments:**

    - `var`: the variable as the user wrote it (`W`, `db`).
    - `got`: the actual shape.
    - `want`: the expected shape, `None` where a size is not known.

    **Returns:** a hint sentence: transpose for a swapped 2-d shape, `reshape`/`keepdims=True`
    for a rank-1 array that should be a column or row, `squeeze` for a `(1, 1)` scalar.
    """
    if len(got) == 2 and len(want) == 2 and got != tuple(want) and got == (want[1], want[0]):
        return transpose_hint(var)
    if len(got) == 1 and len(want) == 2:
        size = got[0]
        if want[1] == 1 and want[0] in (None, size):
            return rank1_hint(var, size, column=True)
        if want[0] == 1 and want[1] in (None, size):
            return rank1_hint(var, size, column=False)
    if len(got) == 0 and len(want) == 2 and 1 in want:
        return single_number_hint(var, axis=1 if want[1] == 1 else 0)
    if len(want) == 0 and got and all(size == 1 for size in got):
        return squeeze_hint(var, got)
    return ""
