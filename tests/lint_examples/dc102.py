"""DC102: .T on a value known to be rank-1."""

import numpy as np

a = np.random.randn(5)
print(np.dot(a, a.T))  # DC102
v = np.arange(6).reshape(-1)
v.T  # DC102
u = np.ones((3, 4)).ravel()
w = u.T  # DC102
s = np.sum(np.ones((3, 4)), axis=1)
s.T  # DC102
np.zeros(3).T  # DC102


def f():
    z = np.zeros(3)
    return z.T  # DC102


# Look-alikes that must stay silent.
b = np.random.randn(5, 1)
b.T
c = a.reshape(5, 1)
c.T
k = np.sum(np.ones((3, 4)), axis=1, keepdims=True)
k.T


def g(a):
    return a.T  # a parameter: its shape is unknown here


for a in [np.ones((2, 2))]:
    a.T  # the loop rebinds a

if b.size:
    d = np.zeros(3)
else:
    d = np.zeros((3, 1))
d.T  # the branches disagree

e = np.zeros(3)
e = e.reshape(3, 1)
e.T
squares = [x.T for x in (b, c)]  # the comprehension's own x
