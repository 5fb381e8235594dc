"""The indicator catalogue and its engine."""

from selfeval.indicators.engine import Result, compute, month_ends, period_start
from selfeval.indicators.registry import Indicator, catalogue, get, indicator
from selfeval.indicators.sources import Sources
from selfeval.indicators.store_sources import sources_from_store

__all__ = [
    "Indicator",
    "Result",
    "Sources",
    "catalogue",
    "compute",
    "get",
    "indicator",
    "month_ends",
    "period_start",
    "sources_from_store",
]
