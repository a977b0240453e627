"""DC5xx: habits the course warns against: `global` in a forward or backward
function (DC501), `np.matrix` (DC502).
"""

import ast
import re
from typing import Final

from ._infer import text_of
from ._rule_base import RuleBase

_FORWARD_BACKWARD: Final = re.compile(r"forward|backward|propagat", re.IGNORECASE)


class HabitRules(RuleBase):
    """The rules about code that hides state or changes what `*` means."""

    def check_for_dc501(self, node: ast.Global) -> None:
        if not self.functions or not _FORWARD_BACKWARD.search(self.functions[-1]):
            return
        self.add_error("DC501", node, names=", ".join(node.names), func=self.functions[-1])

    def check_for_dc502(self, node: ast.Call, function: str) -> None:
        if function in ("matrix", "asmatrix", "mat"):
            self.add_error("DC502", node, expr=text_of(node))
