"""Course notation for messages: kept for its importers, the vocabulary lives in `_vocabulary`."""

from ._vocabulary import course_dim as course_dim
from ._vocabulary import course_var as course_var
from ._vocabulary import format_expected as format_expected
from ._vocabulary import rule_note as rule_note
from ._vocabulary import shape_hint as shape_hint
