"""The hypothesis grading profile; it lives in `gradcheck.grading._profile`."""

from .grading._profile import GRADING_MAX_EXAMPLES as GRADING_MAX_EXAMPLES
from .grading._profile import GRADING_PROFILE as GRADING_PROFILE
from .grading._profile import load_grading_profile as load_grading_profile
from .grading._profile import register_grading_profile as register_grading_profile
