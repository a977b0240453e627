# %% [markdown]
# # The seed exercise, end to end
#
# The course's three-layer programming exercise: a network with two tanh hidden
# layers and a sigmoid output, `layer_dims = [2, 3, 4, 1]`, trained on a
# two-class set of 35 points until the cost falls below 0.05, then the decision
# boundary drawn over the data. We walk it with the toolkit:
#
# 1. build the network from `models` and check it (the reference);
# 2. lint a hand-written version, which carries two planted bugs;
# 3. shape-check it, and fix what the shapes show;
# 4. gradient-check it, find the bug the shapes cannot show, and fix it;
# 5. train it until the cost falls below 0.05, and plot.
#
# The same code is `examples/seed_exercise.py` (run it with
# `python examples/seed_exercise.py`; it writes its plots to
# `seed_exercise_output/` in the current directory) and
# `examples/seed_exercise.ipynb`.

# %%
import importlib.util
import sys
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:
    # Run as a script: draw into files, no window.
    matplotlib.use("Agg")

import numpy as np

import dimcheck
import gradcheck
import models
from models import plot_cost_history, plot_decision_boundary

# The student's file and the plots go here, not among your own files.
OUT = Path("seed_exercise_output")
OUT.mkdir(exist_ok=True)

# %% [markdown]
# ## The data and the reference network
#
# `models.course_35_points()` is the exercise's data set: `X = A[0]` of shape
# `(n[0], m) = (2, 35)`, one example per column, and `Y` of shape `(1, 35)`.
# The network built from `models` blocks is our reference: its backprop is
# checked against central differences before we trust it.

# %%
X, Y = models.course_35_points()
print("X:", X.shape, " Y:", Y.shape)

layer_dims = [2, 3, 4, 1]
net = models.DeepNetwork(layer_dims, hidden="tanh", output="sigmoid", seed=0)
print(net)
reference = gradcheck.check_model(net, X, Y)
assert reference.passed, reference
print(reference)

# %% [markdown]
# ## A hand-written version, with two planted bugs
#
# Here is the exercise written the Course's way, without global variables
# (the notes ask for that too): `L_model_forward`, `compute_cost`,
# `L_model_backward`, `update_parameters`. It carries two bugs a learner
# makes: `db2` summed without `keepdims=True`, and `dA1` computed from `dW2`
# instead of `W2`, a slip the course notes themselves make
# (`dZ[L-1] = dW[L].T dZ[L] ...`).

# %%
STUDENT = """\
import numpy as np


def L_model_forward(X, parameters):
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = np.tanh(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = 1 / (1 + np.exp(-Z3))
    caches = [((X, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)]
    return A3, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def L_model_backward(AL, Y, caches):
    ((A0, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3) = caches
    m = A0.shape[1]
    dZ3 = AL - Y
    dW3 = 1 / m * np.dot(dZ3, A2.T)
    db3 = 1 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = dA2 * (1 - A2**2)
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1)
    dA1 = np.dot(dW2.T, dZ2)
    dZ1 = dA1 * (1 - A1**2)
    dW1 = 1 / m * np.dot(dZ1, A0.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}


def update_parameters(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}
"""


def load_student(source):
    """Write the student's source to student_seed.py and import it as a fresh module."""
    path = OUT / "student_seed.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("student_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


student = load_student(STUDENT)

# %% [markdown]
# ## 1. Lint it
#
# `dimcheck lint student_seed.py` reads the file without running it. It finds
# the missing `keepdims=True` on the line of `db2`; the `dW2.T` is a correct
# shape used in the wrong place, which no linter can see.

# %%
lint = dimcheck.lint_paths([OUT / "student_seed.py"])
print(lint)
assert [f.code for f in lint.findings] == ["DC201"]

# %% [markdown]
# ## 2. Shape-check it
#
# `dimcheck.instrument(student)` wraps the Course-named functions with the
# dimension rules. One forward and backward pass on the data stops at the
# first wrong shape, and says which variable, what its shape should be, and
# where each symbol got its value.

# %%
parameters = net.parameters()  # the same starting point as the reference
dimcheck.instrument(student)
try:
    AL, caches = student.L_model_forward(X, parameters)
    student.L_model_backward(AL, Y, caches)
except dimcheck.ShapeError as error:
    print("ShapeError:", error)
    shape_error = error
else:
    raise AssertionError("the shape check missed the rank-1 db2")
assert "db[2]" in str(shape_error)

# %% [markdown]
# The fix is the one both messages give: `keepdims=True`. With it, every
# shape is right, and the instrumented pass goes through.

# %%
STUDENT = STUDENT.replace(
    "db2 = 1 / m * np.sum(dZ2, axis=1)", "db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)"
)
student = load_student(STUDENT)
assert dimcheck.lint_paths([OUT / "student_seed.py"]).findings == []
dimcheck.instrument(student)
AL, caches = student.L_model_forward(X, parameters)
grads = student.L_model_backward(AL, Y, caches)
print({key: value.shape for key, value in grads.items()})
dimcheck.uninstrument(student)

# %% [markdown]
# ## 3. Gradient-check it
#
# The shapes are right, but are the values? `gradcheck.check_functions`
# compares the backprop with central differences of the cost.

# %%
report = gradcheck.check_functions(
    forward=student.L_model_forward,
    cost=student.compute_cost,
    backward=student.L_model_backward,
    parameters=parameters,
    X=X,
    Y=Y,
)
print(report)
assert sorted(report.failed) == ["W1", "b1"]
chart = gradcheck.plot_report(report)
chart.savefig(OUT / "seed_exercise_gradcheck.png", dpi=100, bbox_inches="tight")

# %% [markdown]
# `dW[3]`, `db[3]`, `dW[2]` and `db[2]` are right and `dW[1]`, `db[1]` are
# wrong: the bug sits between layer 2 and layer 1, where `dA[1]` is computed.
# The course's rule is `dA[l-1] = W[l].T @ dZ[l]`; the code used `dW2`.

# %%
STUDENT = STUDENT.replace("dA1 = np.dot(dW2.T, dZ2)", "dA1 = np.dot(W2.T, dZ2)")
student = load_student(STUDENT)
report = gradcheck.check_functions(
    forward=student.L_model_forward,
    cost=student.compute_cost,
    backward=student.L_model_backward,
    parameters=parameters,
    X=X,
    Y=Y,
)
print(report)
assert report.passed

# %% [markdown]
# ## 4. Train until the cost falls below 0.05
#
# The loop of the notes, without globals: forward, cost, backward, update.
# Plain gradient descent with `learning_rate = 0.05` gets there in a few
# hundred iterations from the reference network's (Xavier) starting point;
# the notes' `* 0.01` initialisation would sit on a plateau near 0.66 for
# thousands of iterations, as their printout shows.

# %%
learning_rate = 0.05
costs = []
trained = dict(parameters)
cost = float("inf")
while cost > 0.05 and len(costs) < 20_000:
    AL, caches = student.L_model_forward(X, trained)
    cost = student.compute_cost(AL, Y)
    costs.append(cost)
    if len(costs) % 100 == 1:
        print(f"iteration {len(costs) - 1}: cost {cost:.6f}")
    grads = student.L_model_backward(AL, Y, caches)
    trained = student.update_parameters(trained, grads, learning_rate)
print(f"iteration {len(costs) - 1}: cost {cost:.6f}")
assert cost < 0.05

# %% [markdown]
# The fixed hand-written network and the reference from `models`, trained
# with the same gradient descent from the same start, follow the same costs:

# %%
history = net.fit(X, Y, epochs=len(costs), optimizer="gd", learning_rate=learning_rate)
print(f"models: cost {history[-1]:.6f} after {len(history)} epochs")
# The two compute the same sums in a different order: they differ by roundoff
# (about 1e-16), which this run's steadily falling cost does not amplify.
assert np.allclose(history, costs, rtol=1e-9, atol=0.0)

# %% [markdown]
# ## 5. Plot
#
# The cost history, and the decision boundary of the trained network over the
# 35 points (`o` for class 0, `x` for class 1, as in the notes).

# %%
fig = plot_cost_history(costs, target=0.05, title="the seed exercise: cost J")
fig.savefig(OUT / "seed_exercise_cost.png", dpi=100, bbox_inches="tight")

fig = plot_decision_boundary(lambda A0: student.L_model_forward(A0, trained)[0], X, Y)
fig.savefig(OUT / "seed_exercise_boundary.png", dpi=100, bbox_inches="tight")
accuracy = float(np.mean((student.L_model_forward(X, trained)[0] > 0.5) == Y))
print(f"training accuracy {accuracy:.0%}; plots written to {OUT}")
