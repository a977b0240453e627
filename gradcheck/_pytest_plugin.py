"""The old home of the dimgrad pytest plugin, kept for imports of its public names.

The plugin is `gradcheck.grading._plugin` (the `pytest11` entry point `dimgrad`); this
module registers nothing (no hooks, no fixtures), so loading both never doubles them.
"""

from .grading._fixtures import GradientCheck as GradientCheck
from .grading._fixtures import ShapeCheck as ShapeCheck
from .grading._student_module import SubmissionImportError as SubmissionImportError
