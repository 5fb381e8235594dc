"""selfeval: children's social care self-evaluation, from the statutory returns to the report."""

__version__ = "0.1.0"
