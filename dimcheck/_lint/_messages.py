"""The table from rule code to message: what is wrong, why it matters, how to fix it.

Codes are grouped by family: DC1xx rank-1 arrays, DC2xx reductions, DC3xx the
number of examples `m`, DC4xx matrix products, DC5xx habits the course warns
against. Each template is filled with `str.format` by the checker. A mistake that the run-time
checks report too ends with the course vocabulary's sentence for it (`{rank1}`:
`_vocabulary.rank1_hint`, `{single}`: `_vocabulary.single_number_hint`), with the fix
written from the user's own code, so that it reads the same from every tool.
"""

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    "DC101": (
        "{expr} makes a rank-1 array of shape ({dim},), neither a column nor a row: "
        ".T does nothing to it and it broadcasts against (n[l], m) arrays as a row, "
        "which silently gives wrong results.{rank1} Give both dimensions: (n[l], 1) for a "
        "column such as b[l], or (1, {dim}) for a row."
    ),
    "DC102": (
        "{expr} does nothing: {name} is a rank-1 array of shape ({dim},) (made on line "
        "{line}), and transposing a rank-1 array returns it unchanged, so a column never "
        "becomes a row. Make it two-dimensional first, e.g. {name}.reshape(-1, 1) for a "
        "column ({dim}, 1)."
    ),
    "DC103": (
        "{name} is a rank-1 array of shape ({dim},){made} used in "
        "{op} with the matrix {other}: numpy treats a rank-1 array as neither a column nor "
        "a row, so this is not the product or broadcast the course formulas mean. Keep two "
        "dimensions: {fix}."
    ),
    "DC201": (
        "{expr} reduces without keepdims=True, so {target} gets shape (n[l],) instead of "
        "the column (n[l], 1) of b[l]: db[l] must have the shape of b[l], and a rank-1 "
        "db[l] turns b[l] into an (n[l], n[l]) matrix at the update.{rank1}"
    ),
    "DC202": (
        "{expr} reduces the last axis without keepdims=True, giving a rank-1 array of "
        "shape ({dim},) that meets the matrix {other}: broadcasting lines it up with the "
        "columns (the m axis), not the rows, so the result is wrong or fails. Add "
        "keepdims=True to get the column ({dim}, 1): {fix}."
    ),
    "DC203": (
        "{expr} reduces over every axis: every unit gets the same bias gradient, where "
        "{target} needs one value per unit, shape (n[l], 1) like b[l].{single}"
    ),
    "DC204": (
        "{expr} flattens {column} to a rank-1 array of shape (n[l],), so "
        "{target} no longer has the shape (n[l], 1) of b[l]: db[l] must have the shape of "
        "b[l], and a rank-1 db[l] turns b[l] into an (n[l], n[l]) matrix at the update."
        "{rank1}"
    ),
    "DC301": (
        "{target} = {expr} reads axis 0, but {name} is {label} with one example per "
        "column, shape {shape}: axis 0 counts units, not examples, so m is wrong whenever "
        "n[l] differs from m. Use {name}.shape[1] for m."
    ),
    "DC401": (
        "{expr} multiplies element by element, but {weight} is the weight matrix {wlabel} "
        "and {other} is {olabel}: the course formula {formula} is a matrix "
        "product, and * either fails or silently broadcasts. Write {fix}."
    ),
    "DC402": (
        "{expr} multiplies in the wrong order: {other} is {olabel} with examples as "
        "columns and {weight} is {wlabel}, so the inner dimensions are m "
        "and {inner} and agree only by accident. The course computes {formula}: write {fix}."
    ),
    "DC403": (
        "{expr}: the inner dimensions cannot agree: {left} is {lshape} and {right} is "
        "{rshape}, and a matrix product (a, k) @ (k, b) needs the last dimension of the "
        "left ({ldim}) to equal the first of the right ({rdim}). Check the order of the "
        "operands, a missing .T, or where they were made (W[l] is (n[l], n[l-1]), "
        "A[l-1] is (n[l-1], m))."
    ),
    "DC404": (
        "{expr}: {left} {lshape} and {right} {rshape} cannot broadcast: axis {axis} is "
        "{ldim} against {rdim}, and numpy only stretches an axis of size 1. Check the "
        "shapes where they were made, or whether one of them needs .T."
    ),
    "DC501": (
        "global {names} in {func}(): a forward or backward function that reads or writes "
        "globals depends on hidden state, so a gradient check or a second network sees "
        "different values than the call suggests. Pass the values in (parameters, cache) "
        "and return the results."
    ),
    "DC502": (
        "{expr}: np.matrix is deprecated and makes * a matrix product, so course formulas "
        "that use * for the element-wise product (dZ[l] = dA[l] * g'[l](Z[l])) silently "
        "compute something else. Use a 2-D array (np.array) and @ or np.dot for matrix "
        "products."
    ),
}

SUMMARIES: Final[dict[str, str]] = {
    "DC101": "rank-1 array created",
    "DC102": ".T on a rank-1 array",
    "DC103": "rank-1 array meets a matrix",
    "DC201": "bias gradient reduced without keepdims=True",
    "DC202": "reduction without keepdims=True meets a matrix",
    "DC203": "bias gradient summed over every axis",
    "DC204": "bias gradient squeezed or flattened to rank-1",
    "DC301": "m read from axis 0 of an examples-as-columns array",
    "DC401": "* between a weight matrix and an activation matrix",
    "DC402": "matrix product in the wrong order",
    "DC403": "matrix product whose inner dimensions cannot agree",
    "DC404": "element-wise operation whose shapes cannot broadcast",
    "DC501": "global statement in a forward or backward function",
    "DC502": "np.matrix",
}
