"""Correct implementations that are another one with a few lines changed.

A variant is written the way a planted bug is: the implementation it starts from and exact
`(text, replacement)` pairs, each of which must match that file exactly once. So the
lowercase-keys, Generator, transposed and other-activation forms of the deep network are
one source, `c1w4_deep_v3.py`, plus what a student who wrote them would have changed; the
2017 notebooks of Weeks 2 and 3 and of regularisation, and the unseeded dropout, are the
current files plus theirs.
"""

Changes = tuple[tuple[str, str], ...]

_V3_TITLE = "# # Building your Deep Neural Network: Step by Step (current template)\n#\n"
_V3_DOCSTRING = (
    '"""Course 1 Week 4, current template (dnn_app_utils_v3 style): a deep network,'
    ' step by step."""'
)


def _retitled(subtitle: str, note: str, docstring: str) -> Changes:
    """The markdown title with `subtitle` and a `note` line (or lines), and a new docstring."""
    title = _V3_TITLE.replace("(current template)", f"(current template, {subtitle})")
    return ((_V3_TITLE, f"{title}{note}"), (_V3_DOCSTRING, f'"""{docstring}"""'))


_LOWERCASE = (
    *_retitled(
        "lowercase keys",
        "# The parameters are keyed `w1`, `b1`, the gradients `dw1`, `db1`, `da0`.\n",
        "Course 1 Week 4, current template, written with lowercase keys (w1, dw1, da0).",
    ),
    ('under `"dA" + str(l - 1)`', 'under `"da" + str(l - 1)`'),
    (
        'parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}',
        'parameters = {"w1": W1, "b1": b1, "w2": W2, "b2": b2}',
    ),
    ('parameters["W" + str(l)] = np.random', 'parameters["w" + str(l)] = np.random'),
    ('A_prev, parameters["W" + str(l)]', 'A_prev, parameters["w" + str(l)]'),
    ('A, parameters["W" + str(L)]', 'A, parameters["w" + str(L)]'),
    (
        '    grads["dA" + str(L - 1)] = dA_prev_temp\n    grads["dW" + str(L)] = dW_temp\n',
        '    grads["da" + str(L - 1)] = dA_prev_temp\n    grads["dw" + str(L)] = dW_temp\n',
    ),
    ('grads["dA" + str(l + 1)], current_cache', 'grads["da" + str(l + 1)], current_cache'),
    (
        '        grads["dA" + str(l)] = dA_prev_temp\n        grads["dW" + str(l + 1)] = dW_temp\n',
        '        grads["da" + str(l)] = dA_prev_temp\n        grads["dw" + str(l + 1)] = dW_temp\n',
    ),
    (
        '        parameters["W" + str(l + 1)] = (\n'
        '            parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]\n',
        '        parameters["w" + str(l + 1)] = (\n'
        '            parameters["w" + str(l + 1)] - learning_rate * grads["dw" + str(l + 1)]\n',
    ),
)

_GENERATOR = (
    *_retitled(
        "a Generator",
        "# The initialisers draw from `np.random.default_rng(seed)`, not the global RNG.\n",
        "Course 1 Week 4, current template, initialised from a numpy Generator.",
    ),
    ("import numpy as np\n\nnp.random.seed(1)\n", "import numpy as np\n"),
    (
        "    np.random.seed(1)\n    W1 = np.random.randn(n_h, n_x) * 0.01\n",
        "    rng = np.random.default_rng(1)\n    W1 = rng.standard_normal((n_h, n_x)) * 0.01\n",
    ),
    ("W2 = np.random.randn(n_y, n_h) * 0.01", "W2 = rng.standard_normal((n_y, n_h)) * 0.01"),
    ("    np.random.seed(3)\n", "    rng = np.random.default_rng(3)\n"),
    (
        "np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01",
        "rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01",
    ),
)

# The two-layer initialiser goes: its W would have to be transposed too.
_TWO_LAYER_INITIALISER = """# GRADED FUNCTION: initialize_parameters


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters


# %%
"""

_TRANSPOSED = (
    *_retitled(
        "transposed weights",
        "# The convention of some course notes: W[l] is stored (n[l-1], n[l]) and"
        " Z = W.T @ A + b,\n# so dW[l] = A[l-1] @ dZ[l].T / m and dA[l-1] = W[l] @ dZ[l].\n#\n",
        "Course 1 Week 4, current template, weights stored transposed: W[l] is (n[l-1], n[l]).",
    ),
    (_TWO_LAYER_INITIALISER, ""),
    (
        "np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01",
        "np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01",
    ),
    ("Z = np.dot(W, A) + b", "Z = np.dot(W.T, A) + b"),
    ("dW = 1 / m * np.dot(dZ, A_prev.T)", "dW = 1 / m * np.dot(A_prev, dZ.T)"),
    ("dA_prev = np.dot(W.T, dZ)", "dA_prev = np.dot(W, dZ)"),
)


def _hidden(activation: str, helpers: str) -> Changes:
    """c1w4_deep_v3 with `activation` in its hidden layers, as a student adds one: its
    forward and backward `helpers` after relu's, a branch in each of
    `linear_activation_forward` and `linear_activation_backward`, and the two call sites
    in `L_model_forward` and `L_model_backward` switched from "relu"."""
    return (
        *_retitled(
            f"{activation} hidden layers",
            f"# The hidden layers use {activation} instead of relu.\n",
            f"Course 1 Week 4, current template, with {activation} hidden layers.",
        ),
        ("    dZ[Z <= 0] = 0\n    return dZ\n", f"    dZ[Z <= 0] = 0\n    return dZ\n{helpers}"),
        (
            "        A, activation_cache = relu(Z)\n",
            "        A, activation_cache = relu(Z)\n"
            f'    elif activation == "{activation}":\n'
            "        Z, linear_cache = linear_forward(A_prev, W, b)\n"
            f"        A, activation_cache = {activation}(Z)\n",
        ),
        (
            "        dZ = relu_backward(dA, activation_cache)\n"
            "        dA_prev, dW, db = linear_backward(dZ, linear_cache)\n",
            "        dZ = relu_backward(dA, activation_cache)\n"
            "        dA_prev, dW, db = linear_backward(dZ, linear_cache)\n"
            f'    elif activation == "{activation}":\n'
            f"        dZ = {activation}_backward(dA, activation_cache)\n"
            "        dA_prev, dW, db = linear_backward(dZ, linear_cache)\n",
        ),
        ('activation="relu"', f'activation="{activation}"'),
        ('current_cache, "relu"', f'current_cache, "{activation}"'),
    )


_TANH = _hidden(
    "tanh",
    """

def tanh(Z):
    A = np.tanh(Z)
    cache = Z
    return A, cache


def tanh_backward(dA, cache):
    Z = cache
    A = np.tanh(Z)
    dZ = dA * (1 - A**2)
    return dZ
""",
)

# The slope 0.01 on the negative side, as most write it (and models.LeakyReLU's default).
_LEAKY_RELU = _hidden(
    "leaky_relu",
    """

def leaky_relu(Z):
    A = np.where(Z > 0, Z, 0.01 * Z)
    cache = Z
    return A, cache


def leaky_relu_backward(dA, cache):
    Z = cache
    dZ = dA * np.where(Z > 0, 1.0, 0.01)
    return dZ
""",
)

# Sigmoid hidden layers need no new helper and no new branch: the two call sites only.
_SIGMOID = (
    *_retitled(
        "sigmoid hidden layers",
        "# The hidden layers use the sigmoid too, not relu.\n",
        "Course 1 Week 4, current template, with sigmoid hidden layers.",
    ),
    ('activation="relu"', 'activation="sigmoid"'),
    ('current_cache, "relu"', 'current_cache, "sigmoid"'),
)

# The 2017 notebook: boolean dropout masks, its own way of writing the L2 terms, and the
# template's START/END markers (with the typo it shipped).
_REGULARISATION_2017 = (
    ("# # Regularization\n", "# # Regularization (2017 template)\n"),
    (
        "# (`lambd`) or with inverted dropout (`keep_prob`).\n",
        "# (`lambd`) or with inverted dropout (`keep_prob`); the dropout masks are boolean.\n",
    ),
    (
        '"""Course 2 Week 1: L2 regularisation and dropout on a provided 3-layer network."""',
        '"""Course 2 Week 1, 2017 template: L2 regularisation and dropout with boolean masks."""',
    ),
    (
        "    L2_regularization_cost = (\n"
        "        (1 / m)\n"
        "        * (lambd / 2)\n"
        "        * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))\n"
        "    )\n",
        "    ### START CODE HERE ### (approx. 1 line)\n"
        "    L2_regularization_cost = (1.0 / m * lambd / 2) * (\n"
        "        np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3))\n"
        "    )\n"
        "    ### END CODER HERE ###\n",
    ),
    ("+ (lambd / m) * W3", "+ lambd / m * W3"),
    ("+ (lambd / m) * W2", "+ lambd / m * W2"),
    ("+ (lambd / m) * W1", "+ lambd / m * W1"),
    ("    D1 = (D1 < keep_prob).astype(int)  #", "    D1 = D1 < keep_prob  #"),
    ("    D2 = (D2 < keep_prob).astype(int)\n", "    D2 = D2 < keep_prob\n"),
)

# The 2017 notebook of Week 3: compute_cost takes the parameters and asserts a float,
# update_parameters rebinds the arrays it reads, the old test cell and % formatting.
_PLANAR_2017 = (
    (
        "(current template)\n#\n# A tanh hidden layer of n_h units and a sigmoid output; the"
        " cache is a dict.\n",
        "(2017 template)\n#\n# `compute_cost(A2, Y, parameters)` takes the parameters it does"
        " not use, and\n# `update_parameters` rebinds the arrays it reads from the dict.\n",
    ),
    (
        '"""Course 1 Week 3, current template: a two-layer network on the planar "flower"'
        ' data."""\n# ruff: noqa: F841, RUF059  (the Course\'s template keeps unused names: W1,'
        " cache)\n\nimport copy\n",
        '"""Course 1 Week 3, 2017 template: a two-layer network on the planar "flower"'
        ' data."""\n# ruff: noqa: F841, RUF059, UP031  (the Course\'s habits: unused W1 and'
        " cache, % formatting)\n",
    ),
    (
        "def compute_cost(A2, Y):\n    m = Y.shape[1]\n",
        "def compute_cost(A2, Y, parameters):\n"
        "    m = Y.shape[1]  # number of example\n"
        "    # Compute the cross-entropy cost\n"
        "    ### START CODE HERE ### (≈ 2 lines of code)\n",
    ),
    (
        "    cost = float(np.squeeze(cost))\n",
        "    ### END CODE HERE ###\n"
        "    cost = np.squeeze(cost)  # makes sure cost is the dimension we expect.\n"
        "    assert isinstance(cost, float)\n",
    ),
    (
        "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))",
        "dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))",
    ),
    (
        '    W1 = copy.deepcopy(parameters["W1"])\n'
        '    b1 = copy.deepcopy(parameters["b1"])\n'
        '    W2 = copy.deepcopy(parameters["W2"])\n'
        '    b2 = copy.deepcopy(parameters["b2"])\n',
        '    W1 = parameters["W1"]\n'
        '    b1 = parameters["b1"]\n'
        '    W2 = parameters["W2"]\n'
        '    b2 = parameters["b2"]\n',
    ),
    ("cost = compute_cost(A2, Y)\n", "cost = compute_cost(A2, Y, parameters)\n"),
    (
        'print(f"Cost after iteration {i}: {cost:f}")',
        'print("Cost after iteration %i: %f" % (i, cost))',
    ),
    (
        "    from public_tests import backward_propagation_test, forward_propagation_test\n\n"
        "    forward_propagation_test(forward_propagation)\n"
        "    backward_propagation_test(backward_propagation)\n",
        "    from testCases_v2 import backward_propagation_test_case\n\n"
        "    parameters, cache, X_assess, Y_assess = backward_propagation_test_case()\n"
        "    grads = backward_propagation(parameters, cache, X_assess, Y_assess)\n"
        '    print("dW1 = " + str(grads["dW1"]))\n',
    ),
)

# The 2017 notebook of Week 2: b starts as the int 0, shapes asserted, optimize updates
# the caller's w in place of a copy, the old test cell and % formatting.
_LOGREG_2017 = (
    (
        "# # Logistic Regression with a Neural Network mindset\n#\n"
        "# `w` is a column (n_x, 1), `b` a Python float; `propagate` returns the gradients\n"
        '# `{"dw", "db"}` and the cost.\n',
        "# # Logistic Regression with a Neural Network mindset (2017 template)\n#\n"
        "# `w` is a column (n_x, 1), `b` the Python int 0 at first, shapes asserted;\n"
        '# `propagate` returns the gradients `{"dw", "db"}` and the cost.\n',
    ),
    (
        '"""Course 1 Week 2: logistic regression as a one-neuron network, cat versus non-cat."""\n'
        "# ruff: noqa: RUF059  (the Course's template unpacks names it does not use)\n\n"
        "import copy\n",
        '"""Course 1 Week 2, 2017 template: logistic regression, b starts as the int 0."""\n'
        "# ruff: noqa: RUF059, SIM101, UP031  (the Course's habits: unused names, isinstance,"
        " % format)\n",
    ),
    (
        "    w = np.zeros((dim, 1))\n    b = 0.0\n",
        "    ### START CODE HERE ### (≈ 1 line of code)\n"
        "    w = np.zeros((dim, 1))\n"
        "    b = 0\n"
        "    ### END CODE HERE ###\n"
        "    assert w.shape == (dim, 1)\n"
        "    assert isinstance(b, float) or isinstance(b, int)\n",
    ),
    (
        "    cost = np.squeeze(np.array(cost))\n",
        "    assert dw.shape == w.shape\n"
        "    assert db.dtype == float\n"
        "    cost = np.squeeze(cost)\n"
        "    assert cost.shape == ()\n",
    ),
    ("    w = copy.deepcopy(w)\n    b = copy.deepcopy(b)\n", ""),
    (
        'print(f"Cost after iteration {i}: {cost:f}")',
        'print("Cost after iteration %i: %f" % (i, cost))',
    ),
    (
        "            Y_prediction[0, i] = 0\n    return Y_prediction\n",
        "            Y_prediction[0, i] = 0\n"
        "    assert Y_prediction.shape == (1, m)\n"
        "    return Y_prediction\n",
    ),
    (
        "    from public_tests import optimize_test, propagate_test\n\n"
        "    propagate_test(propagate)\n"
        "    optimize_test(optimize)\n",
        "    w, b, X, Y = (\n"
        "        np.array([[1.0], [2.0]]),\n"
        "        2.0,\n"
        "        np.array([[1.0, 2.0], [3.0, 4.0]]),\n"
        "        np.array([[1, 0]]),\n"
        "    )\n"
        "    grads, cost = propagate(w, b, X, Y)\n"
        '    print("dw = " + str(grads["dw"]))\n'
        '    print("db = " + str(grads["db"]))\n'
        '    print("cost = " + str(cost))\n'
        '    expected = np.load("datasets/expected_propagate.npz")\n',
    ),
)

# name -> (the implementation it starts from, its (text, replacement) pairs).
VARIANTS: dict[str, tuple[str, Changes]] = {
    "c1w2_logreg_2017": ("c1w2_logreg", _LOGREG_2017),
    "c1w3_planar_2017": ("c1w3_planar", _PLANAR_2017),
    "c1w4_deep_v3_lowercase": ("c1w4_deep_v3", _LOWERCASE),
    "c1w4_deep_v3_rng": ("c1w4_deep_v3", _GENERATOR),
    "c1w4_deep_v3_transposed": ("c1w4_deep_v3", _TRANSPOSED),
    "c1w4_deep_v3_tanh": ("c1w4_deep_v3", _TANH),
    "c1w4_deep_v3_leaky_relu": ("c1w4_deep_v3", _LEAKY_RELU),
    "c1w4_deep_v3_sigmoid": ("c1w4_deep_v3", _SIGMOID),
    "c2w1_reg_2017": ("c2w1_reg", _REGULARISATION_2017),
    "c2w1_reg_noseed": (
        "c2w1_reg",
        (
            ("# # Regularization\n", "# # Regularization (dropout without a seed)\n"),
            (
                "# (`lambd`) or with inverted dropout (`keep_prob`).\n",
                "# (`lambd`) or with inverted dropout (`keep_prob`). The dropout forward pass"
                " draws its\n# masks from the global RNG without seeding it: a new mask on"
                " every call.\n",
            ),
            (
                '"""Course 2 Week 1: L2 regularisation and dropout on a provided 3-layer'
                ' network."""',
                '"""Course 2 Week 1: L2 regularisation and dropout, the dropout masks drawn'
                ' unseeded."""',
            ),
            (
                "keep_prob=0.5):\n    np.random.seed(1)\n",
                "keep_prob=0.5):\n",
            ),
        ),
    ),
}
