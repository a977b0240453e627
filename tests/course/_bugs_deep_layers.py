"""Planted bugs in the deep network that spoil chosen layers, and bugs of its other activations.

A gradient checker is judged by whom it blames: a factor on `dW[2]` alone, a wrong
`dA[1]` that spoils layer 1 and nothing above, a forward pass that drops layer 2's
output. Written into `L_model_backward` and `L_model_forward` of the current template
(its loop counts `l` from 0, so `l == 1` is layer 2), or into the tanh, sigmoid and
leaky ReLU variants (`_variants.py`). Each is its correct base plus exact `(correct text,
planted text)` replacements; see `_catalogue.py` for what `caught_by` promises. Some need
n[2] = n[1] to stay silent shapewise (the description says so): at other sizes they are
shape errors, which gradcheck reports as well.
"""

from ._implementation import SHAPE, Implementation, planted

V3 = "c1w4_deep_v3"
TANH = "c1w4_deep_v3_tanh"

# The loop's store of dW[l + 1]; a bug on one layer replaces it.
_STORE_DW = '        grads["dW" + str(l + 1)] = dW_temp\n'

DEEP_LAYERS: list[Implementation] = [
    planted(
        V3,
        "dW2_doubled",
        "dW[2] alone doubled: a factor 2 in one hidden layer's step.",
        {"gradcheck"},
        "L_model_backward",
        "dW[2]",
        (_STORE_DW, '        grads["dW" + str(l + 1)] = 2 * dW_temp if l == 1 else dW_temp\n'),
    ),
    planted(
        V3,
        "db_missing_1_over_m",
        "db without the 1/m: m times too large in every layer; every shape is right.",
        {"gradcheck"},
        "linear_backward",
        "db[l]",
        (
            "db = 1 / m * np.sum(dZ, axis=1, keepdims=True)",
            "db = np.sum(dZ, axis=1, keepdims=True)",
        ),
    ),
    planted(
        V3,
        "relu_backward_no_mask",
        "relu_backward passes dA through unmasked: relu'(Z) taken as 1 everywhere.",
        {"gradcheck"},
        "relu_backward",
        "dW[l]",
        (
            "    dZ = np.array(dA, copy=True)\n    dZ[Z <= 0] = 0\n",
            "    dZ = np.array(dA, copy=True)\n",
        ),
    ),
    planted(
        V3,
        "backward_skips_layer_1",
        "grads filled with zeros first, then the loop stops before layer 1 (range(1, L - 1)):"
        " dW[1] and db[1] are never computed and stay zero.",
        {"gradcheck"},
        "L_model_backward",
        "dW[1]",
        (
            "    grads = {}\n    L = len(caches)\n",
            "    grads = {}\n    L = len(caches)\n"
            "    for l in range(1, L + 1):\n"
            "        W = caches[l - 1][0][1]\n"
            '        grads["dW" + str(l)] = np.zeros_like(W)\n'
            '        grads["db" + str(l)] = np.zeros((W.shape[0], 1))\n',
        ),
        ("    for l in reversed(range(L - 1)):\n", "    for l in reversed(range(1, L - 1)):\n"),
    ),
    planted(
        V3,
        "db_axis_0",
        "db summed over axis=0, the examples' axis kept: db[l] is (1, m), not (n[l], 1).",
        SHAPE | {"gradcheck"},
        "linear_backward",
        "db[l]",
        (
            "db = 1 / m * np.sum(dZ, axis=1, keepdims=True)",
            "db = 1 / m * np.sum(dZ, axis=0, keepdims=True)",
        ),
    ),
    planted(
        V3,
        "db_sum_all",
        "the notes' db = (1/m) np.sum(dZ) in the current template: a scalar, not (n[l], 1).",
        SHAPE | {"lint", "gradcheck"},
        "linear_backward",
        "db[l]",
        ("db = 1 / m * np.sum(dZ, axis=1, keepdims=True)", "db = 1 / m * np.sum(dZ)"),
    ),
    planted(
        TANH,
        "dW1_times_4",
        "dW[1] alone four times too large.",
        {"gradcheck"},
        "L_model_backward",
        "dW[1]",
        (_STORE_DW, '        grads["dW" + str(l + 1)] = 4 * dW_temp if l == 0 else dW_temp\n'),
    ),
    planted(
        TANH,
        "dWL_by_hand_without_1_over_m",
        "dW[L] written by hand from dZ[L] = A[L] - Y, without the 1/m: m times too large.",
        {"gradcheck"},
        "L_model_backward",
        "dW[L]",
        (
            '    grads["dW" + str(L)] = dW_temp\n',
            '    dZL = AL - Y\n    grads["dW" + str(L)] = np.dot(dZL, caches[L - 1][0][0].T)\n',
        ),
    ),
    planted(
        TANH,
        "tanh_derivative_1_minus_A",
        "tanh'(Z) taken as 1 - A instead of 1 - A**2.",
        {"gradcheck"},
        "tanh_backward",
        "dW[l]",
        ("    dZ = dA * (1 - A**2)\n", "    dZ = dA * (1 - A)\n"),
    ),
    planted(
        TANH,
        "activation_cache_holds_A",
        "linear_activation_forward caches A where Z belongs: every g'(Z) is taken at g(Z)"
        " (tanh applied twice, the sigmoid too).",
        {"gradcheck"},
        "linear_activation_forward",
        "dW[l]",
        ("    cache = (linear_cache, activation_cache)\n", "    cache = (linear_cache, A)\n"),
    ),
    planted(
        TANH,
        "dW2_transposed",
        "dW[2] alone transposed, (n[1], n[2]): where n[2] = n[1] the shape is right and the"
        " values are the transpose of the gradient.",
        {"gradcheck"},
        "L_model_backward",
        "dW[2]",
        (_STORE_DW, '        grads["dW" + str(l + 1)] = dW_temp.T if l == 1 else dW_temp\n'),
    ),
    planted(
        TANH,
        "dW2_from_A2",
        "layer 2's linear cache made with A[2], the layer's output, where A[1] belongs:"
        " dW[2] = dZ[2] A[2].T / m (the right shape only where n[2] = n[1]).",
        {"gradcheck"},
        "L_model_backward",
        "dW[2]",
        (
            "        current_cache = caches[l]\n",
            "        current_cache = caches[l]\n"
            "        if l == 1:\n"
            "            (A_prev, W, b), Z = current_cache\n"
            "            current_cache = ((caches[l + 1][0][0], W, b), Z)\n",
        ),
    ),
    planted(
        TANH,
        "forward_skips_layer_2",
        "L_model_forward throws layer 2's output away (A = A_prev after storing its cache):"
        " where n[2] = n[1] the cost does not depend on W[2] and b[2]; at other sizes A[2]"
        " has the shape of A[1], a shape error (numpy raises in layer 3).",
        SHAPE | {"gradcheck"},
        "L_model_forward",
        "A[2]",
        (
            "        caches.append(cache)\n    AL, cache",
            "        caches.append(cache)\n"
            "        if l == 2:\n"
            "            A = A_prev\n"
            "    AL, cache",
        ),
    ),
    planted(
        TANH,
        "dA1_from_dW2",
        "dA[1] computed from dW[2] instead of W[2] (layer 2's step only): dW[1] and db[1]"
        " are wrong, every other gradient is right.",
        {"gradcheck"},
        "L_model_backward",
        "dW[1]",
        (
            '        grads["dA" + str(l)] = dA_prev_temp\n',
            "        if l == 1:\n"
            '            dZ = tanh_backward(grads["dA2"], current_cache[1])\n'
            "            dA_prev_temp = np.dot(dW_temp.T, dZ)\n"
            '        grads["dA" + str(l)] = dA_prev_temp\n',
        ),
    ),
]
