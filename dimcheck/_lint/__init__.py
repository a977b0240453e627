"""`dimcheck lint`: find dimension mistakes in the source, without running it.

`lint_source(text)` lints a string, `lint_paths(paths)` files, notebooks and
directories (returning a `LintReport`), `dimcheck lint PATH...` does the same
from the command line and `flake8 --select DC` from an editor. The rules and
their messages are in `MESSAGES`; the checker is `_checker.LintChecker`: the
abstract interpreter (`_interpreter`), the scope heuristics (`_scopes`) and the
rule families (`_rules_*`, one `check_for_<code>` method per rule). Nothing here
imports numpy, and the linted code is parsed, never imported or run.
"""

from ._config import ConfigError as ConfigError
from ._config import find_pyproject as find_pyproject
from ._config import load_selection as load_selection
from ._finding import FileError as FileError
from ._finding import Finding as Finding
from ._messages import MESSAGES as MESSAGES
from ._messages import SUMMARIES as SUMMARIES
from ._output import FORMATS as FORMATS
from ._output import format_findings as format_findings
from ._runner import LintReport as LintReport
from ._runner import iter_files as iter_files
from ._runner import lint_file as lint_file
from ._runner import lint_paths as lint_paths
from ._runner import lint_source as lint_source
from ._select import Selection as Selection
from ._select import SelectionError as SelectionError
