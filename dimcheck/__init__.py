"""dimcheck: the course's dimension rules, enforced at run time and in the source."""

from ._decorator import shapes as shapes
