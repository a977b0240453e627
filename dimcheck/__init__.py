"""dimcheck: the course's dimension rules, enforced at run time and in the source."""

from ._broadcast import strict_broadcasting as strict_broadcasting
from ._decorator import shapes as shapes
from ._errors import AnnotationError as AnnotationError
from ._errors import ShapeError as ShapeError
from ._instrument import COURSE_FUNCTIONS as COURSE_FUNCTIONS
from ._instrument import Network as Network
from ._instrument import instrument as instrument
from ._instrument import network as network
from ._instrument import uninstrument as uninstrument
from ._ipython import load_ipython_extension as load_ipython_extension
from ._ipython import unload_ipython_extension as unload_ipython_extension
from ._lint import FileError as FileError
from ._lint import Finding as Finding
from ._lint import LintReport as LintReport
from ._lint import lint_file as lint_file
from ._lint import lint_paths as lint_paths
from ._lint import lint_source as lint_source
from ._report import ShapeReport as ShapeReport
from ._report import Violation as Violation
from ._rules import check_caches as check_caches
from ._rules import check_gradients as check_gradients
from ._rules import check_parameters as check_parameters
from ._switch import disable as disable
from ._switch import enable as enable
from ._switch import is_enabled as is_enabled
