"""The same figure reads the same everywhere: on a web page, in the XLSX export (as the
spreadsheet shows it, the exact value kept) and in the self-evaluation's text.

Three figures worked by hand: 412.3 days reads "412" (DfE publishes whole days); 10,234.4 per
10,000 reads "10,234"; 12.34% reads "12.3%". Before, the web read "412.3" and "10234" where the
self-evaluation read "412" and "10,234".
"""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from selfeval.evaluation.benchmarking import NoComparators
from selfeval.evaluation.placeholders import FigureCache
from selfeval.indicators import Result, catalogue
from selfeval.indicators.export import format_value, to_xlsx
from selfeval.outputs.formatting import excel_format, format_figure, format_number, long_date
from selfeval.store import Store

CASES = [
    ("adoption_entry_to_placement_days", 412.3, "days", "412"),
    ("cla_rate", 10234.4, "rate_per_10k", "10,234"),
    ("rereferral_12m_pct", 12.34, "percent", "12.3%"),
]


def _result(ind: str, value: float, unit: str) -> Result:
    return Result(ind, ind, "999", date(2019, 4, 1), date(2020, 3, 31), value, value, 1.0, unit)


def test_the_house_style_worked_by_hand():
    assert format_number(1234, "count") == "1,234"
    assert format_number(412.3, "days") == "412"
    assert format_number(10234.4, "rate_per_10k") == "10,234"
    assert format_number(12.34, "percent") == "12.3%"
    assert format_number(12.34, "percent", rounded=True) == "12%"
    assert format_number(None, "count") == "no data"
    assert format_figure(None, "count", "no data: ssd_contacts not loaded") == "no data"
    assert format_figure(None, "percent", "denominator is zero") == "—"
    assert long_date(date(2020, 3, 1)) == "1 March 2020"
    # A half rounds up, as DfE and the spreadsheet's own format round: 13 of 16 moderated
    # audits agreed = 81.25% reads 81.3% (Python's formatting gave the even 81.2%, and the
    # XLSX showed 81.3% beside it); 37.5% as a headline 38%; 10,234.5 children-days 10,235.
    assert format_number(100 * 13 / 16, "percent") == "81.3%"
    assert format_number(37.5, "percent", rounded=True) == "38%"
    assert format_number(10234.5, "days") == "10,235"
    assert format_number(0.125, "ratio") == "0.1" and format_number(0.25, "fte") == "0.3"


@pytest.mark.parametrize(("ind", "value", "unit", "reads"), CASES)
def test_web_and_self_evaluation_read_the_same(ind, value, unit, reads, tmp_path):
    from selfeval.web.views.indicators import _figure

    assert catalogue()[ind].unit == unit
    r = _result(ind, value, unit)
    web = _figure(catalogue()[ind], r, control=False).shown
    record = FigureCache(
        Store(f"sqlite:///{tmp_path / 's.db'}"), "999", comparators=NoComparators()
    )
    record.public = False  # child-level readers: nothing suppressed
    assert (web, record.show(r), format_value(r)) == (reads, reads, reads)


def test_the_xlsx_export_shows_what_the_pages_show(tmp_path):
    """The spreadsheet keeps the exact value and shows it as the pages do: Excel's "#,##0"
    shows 412.3 as 412 and 10234.4 as 10,234; '0.0"%"' shows 12.34 as 12.3%."""
    results = [_result(ind, value, unit) for ind, value, unit, _ in CASES]
    ws = openpyxl.load_workbook(to_xlsx(results, tmp_path / "figures.xlsx")).active
    col = [c.value for c in ws[1]].index("value") + 1
    assert [ws.cell(i, col).value for i in (2, 3, 4)] == [412.3, 10234.4, 12.34]
    assert [ws.cell(i, col).number_format for i in (2, 3, 4)] == ["#,##0", "#,##0", '0.0"%"']
    assert [excel_format(u) for _, _, u, _ in CASES] == ["#,##0", "#,##0", '0.0"%"']
