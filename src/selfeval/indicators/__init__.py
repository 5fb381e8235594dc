"""The indicator catalogue and its engine."""

from selfeval.indicators.basis import AS_RECORDED, AS_RETURNED, Basis
from selfeval.indicators.children import ChildList, NotChildLevel, children
from selfeval.indicators.engine import (
    Result,
    compute,
    month_ends,
    period_start,
    periods_table,
)
from selfeval.indicators.registry import Indicator, catalogue, get, indicator
from selfeval.indicators.sources import Coverage, Sources, register_reference
from selfeval.indicators.store_sources import sources_from_store

__all__ = [
    "AS_RECORDED",
    "AS_RETURNED",
    "Basis",
    "ChildList",
    "Coverage",
    "Indicator",
    "NotChildLevel",
    "Result",
    "Sources",
    "catalogue",
    "children",
    "compute",
    "get",
    "indicator",
    "month_ends",
    "period_start",
    "periods_table",
    "register_reference",
    "sources_from_store",
]
