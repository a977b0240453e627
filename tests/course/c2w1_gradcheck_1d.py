# %% [markdown]
# # Gradient Checking, 1-dimensional
#
# J(theta) = theta * x, its derivative, and the check that compares them.

# %%
"""Course 2 Week 1: gradient checking on the 1-D toy J(theta) = theta * x."""

import numpy as np

# %%
# GRADED FUNCTION: forward_propagation


def forward_propagation(x, theta):
    J = theta * x
    return J


# %%
# GRADED FUNCTION: backward_propagation


def backward_propagation(x, theta):
    dtheta = x
    return dtheta


# %%
# GRADED FUNCTION: gradient_check


def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    theta_plus = theta + epsilon  # Step 1
    theta_minus = theta - epsilon  # Step 2
    J_plus = forward_propagation(x, theta_plus)  # Step 3
    J_minus = forward_propagation(x, theta_minus)  # Step 4
    gradapprox = (J_plus - J_minus) / (2 * epsilon)  # Step 5
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)  # Step 1'
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)  # Step 2'
    difference = numerator / denominator  # Step 3'
    if print_msg:
        if difference > 2e-7:
            print(
                "\033[93m"
                + "There is a mistake in the backward propagation! difference = "
                + str(difference)
                + "\033[0m"
            )
        else:
            print(
                "\033[92m"
                + "Your backward propagation works perfectly fine! difference = "
                + str(difference)
                + "\033[0m"
            )
    return difference


# %%
if __name__ == "__main__":
    from public_tests import backward_propagation_test, forward_propagation_test

    x, theta = 2, 4
    J = forward_propagation(x, theta)
    print("J = " + str(J))
    forward_propagation_test(forward_propagation)
    backward_propagation_test(backward_propagation)


# %%
if __name__ == "__main__":
    x, theta = 3, 4
    difference = gradient_check(x, theta, print_msg=True)
    expected_difference = np.load("datasets/expected_1d.npy")
    assert np.allclose(difference, expected_difference)
