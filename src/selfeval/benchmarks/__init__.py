"""Published benchmarks: DfE's figures for England, regions and every authority, statistical
neighbours, ONS populations and Ofsted's inspections, and comparisons that say whether an
authority's figure, or a change in it, stands out from noise (``selfeval.benchmarks.spc``)."""

from selfeval.benchmarks.compare import (
    Comparison,
    benchmark_year,
    comparisons_at,
    computed_comparisons,
    mapped_indicators,
    neighbours,
    published_comparisons,
)
from selfeval.benchmarks.importer import ImportSummary, import_dir
from selfeval.indicators.published import PublishedSeries, has_benchmarks, published_series

__all__ = [
    "Comparison",
    "ImportSummary",
    "PublishedSeries",
    "benchmark_year",
    "comparisons_at",
    "computed_comparisons",
    "has_benchmarks",
    "import_dir",
    "mapped_indicators",
    "neighbours",
    "published_comparisons",
    "published_series",
]
