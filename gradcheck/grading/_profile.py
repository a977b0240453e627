"""The hypothesis settings profile for grading: the same examples for students and graders.

- `derandomize=True`: examples come from a fixed seed derived from the test, so a student
  running the tests at home and the grader's machine see the same counterexample.
- `database=None`: no example database, whose replays would differ between machines.
- `deadline=None`: shared grading machines are noisy; the per-test time limit of the
  plugin (pytest-timeout) bounds a slow submission instead.
- `max_examples=25`: each example runs numerical student code; a small number keeps
  hundreds of submissions gradable in minutes.
- no `explain` phase: its report names lines of the toolkit and of the tests, which only
  distracts a student from the falsifying example.
"""

from __future__ import annotations

from typing import Any

GRADING_PROFILE = "dimgrad-grading"
GRADING_MAX_EXAMPLES = 25


def register_grading_profile() -> Any:
    """Registers the profile `"dimgrad-grading"` with hypothesis.

    **Returns:** the `hypothesis.settings` of the profile.
    """
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile(
        GRADING_PROFILE,
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=GRADING_MAX_EXAMPLES,
        print_blob=False,
        phases=[phase for phase in Phase if phase is not Phase.explain],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    return settings.get_profile(GRADING_PROFILE)


def load_grading_profile() -> None:
    """Registers the profile if needed and makes it hypothesis's current settings."""
    from hypothesis import settings

    register_grading_profile()
    settings.load_profile(GRADING_PROFILE)
