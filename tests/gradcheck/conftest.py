"""Fixtures of the gradcheck tests: the corpus of Course-style implementations."""

import sys
from pathlib import Path

# The corpus is a plain module next to the tests, imported by name from them
# and from the benchmark.
sys.path.insert(0, str(Path(__file__).resolve().parent))
