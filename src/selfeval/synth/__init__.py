"""Synthetic local authorities in the real return formats: the demo's, tests' and benchmarks' data.

Nothing here is real child data: every child is drawn from a seeded random generator, so the
same seed gives byte-identical files.
"""

from selfeval.synth.ssda903 import write_903

__all__ = ["write_903"]
