"""Course-notation names for parameters and their gradients: `"W1"` is `W[1]`.

The vocabulary is dimcheck's (`dimcheck._vocabulary`), shared by the three packages;
this module only names the parts gradcheck uses.
"""

from dimcheck._vocabulary import course_name as course_name
from dimcheck._vocabulary import gradient_key as gradient_key
from dimcheck._vocabulary import gradient_name as gradient_name
from dimcheck._vocabulary import index_text as index_text
from dimcheck._vocabulary import parse_key as parse_key
from dimcheck._vocabulary import shape_symbols as shape_symbols
from dimcheck._vocabulary import shape_text as shape_text
