"""No public output lets a withheld count be worked back from another public output.

One hand-worked authority, checked through the one policy every public output shows figures
through (``FigureCache.show``: the SEF, the scrutiny report, the engagement pack, the
indicators page and workbook), and against every identity that links public figures across
documents: the stock and its flows, a rate and its count (ONS's population is public), and the
same count from two returns.
"""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from selfeval.evaluation.placeholders import FigureCache
from selfeval.indicators import get
from selfeval.indicators.engine import Result
from selfeval.indicators.export import to_xlsx
from selfeval.outputs.disclosure import (
    derivable,
    flow_identity,
    rate_identity,
    same_figure_identity,
)
from selfeval.outputs.html import indicators_page

START, END = date(2019, 3, 31), date(2020, 3, 31)
POPULATION = 10_000.0
# In care 8 at the year's start and 20 at its end; 15 started, 3 ceased (8 + 15 - 3 = 20).
# The rates per 10,000 of 10,000 children are the counts themselves; Annex A lists the same.
VALUES: dict[tuple[str, date], tuple[float, float | None, float | None]] = {
    ("cla_count", START): (8, None, None),
    ("cla_count", END): (20, None, None),
    ("cla_starts", END): (15, None, None),
    ("cla_ceased", END): (3, None, None),
    ("cla_rate", START): (8.0, 8, POPULATION),
    ("cla_rate", END): (20.0, 20, POPULATION),
    ("cla_count_annex_a", START): (8, None, None),
    ("cla_count_annex_a", END): (20, None, None),
}
IDENTITIES = [
    flow_identity("cla_count@END", "cla_count@START", "cla_starts@END", "cla_ceased@END"),
    *(rate_identity(f"cla_rate@{d}", f"cla_count@{d}", POPULATION) for d in ("START", "END")),
    *(same_figure_identity(f"cla_count_annex_a@{d}", f"cla_count@{d}") for d in ("START", "END")),
]


def _result(ind: str, at: date) -> Result:
    value, num, den = VALUES.get((ind, at), (None, None, None))
    return Result(ind, get(ind).title, "999", at, at, value, num, den, get(ind).unit)


class HandMade(FigureCache):
    def __init__(self, public: bool = True) -> None:
        self.public = public

    def results(self, ids, dates, period="year"):  # type: ignore[no-untyped-def]
        return [_result(i, d) for i in ids for d in dates]


def _name(key: tuple[str, date]) -> str:
    return f"{key[0]}@{'START' if key[1] == START else 'END'}"


def test_a_withheld_count_cannot_be_worked_back_across_public_outputs():
    """3 ceased is withheld (1 to 5). Beside 20, 8 and 15 it is 8 + 15 - 20 = 3 again, so the
    smallest other figure, 8 in care at the start, is withheld too. The rate at the start,
    8.0 per 10,000 of 10,000 children, gives 8.0 x 10,000 / 10,000 = 8 back, and Annex A's
    count at the start is the same 8: both are withheld. What stays: 20 in care at the end
    (and its rate, 20, and Annex A's 20) and 15 started; no identity has one unknown left."""
    rec = HandMade()
    shown = {_name(k): rec.show(_result(*k)) for k in VALUES}
    assert shown == {
        "cla_count@START": "c",
        "cla_count@END": "20",
        "cla_starts@END": "15",
        "cla_ceased@END": "c",
        "cla_rate@START": "c",
        "cla_rate@END": "20",
        "cla_count_annex_a@START": "c",
        "cla_count_annex_a@END": "20",
    }
    assert derivable(shown, IDENTITIES) == set()
    # Withholding only the small count and the flow's partner would leak: the rate at the start
    # and Annex A's count each give 8 back, and 8 gives the 3.
    naive = dict(shown) | {"cla_rate@START": 8.0, "cla_count_annex_a@START": 8}
    assert derivable(naive, IDENTITIES) == {"cla_count@START"}
    # Internal readers see everything.
    inside = HandMade(public=False)
    assert {_name(k): inside.show(_result(*k)) for k in VALUES}["cla_ceased@END"] == "3"


def test_the_public_indicators_page_and_workbook_show_the_same(tmp_path):
    """The public indicators page and workbook go through the same policy: the start's count,
    rate and Annex A count and the ceased count are c, with no numerator or denominator left
    in the workbook; the internal page says it is internal and shows the 3."""
    rec = HandMade()
    results = [_result(*k) for k in VALUES]
    page = indicators_page(results, title="t", at=END, out=tmp_path / "p.html", show=rec.show)
    html = page.read_text()
    assert "counts of 1 to 5 children" in html
    cells = [c.split("</td>")[0] for c in html.split('data-indicator="')[1:]]
    assert cells == [
        'cla_count">c',
        'cla_count">20',
        'cla_starts">15',
        'cla_ceased">c',
        'cla_rate">c',
        'cla_rate">20',
        'cla_count_annex_a">c',
        'cla_count_annex_a">20',
    ]
    ws = load_workbook(to_xlsx(results, tmp_path / "p.xlsx", show=rec.show)).active
    rows = list(ws.iter_rows(values_only=True))
    col = {k: i for i, k in enumerate(rows[0])}
    rate_start = next(
        r for r in rows[1:] if r[col["id"]] == "cla_rate" and r[col["date"]] == "2019-03-31"
    )
    assert (
        rate_start[col["value"]],
        rate_start[col["numerator"]],
        rate_start[col["denominator"]],
    ) == ("c", None, None)
    internal = indicators_page(results, title="t", at=END, out=tmp_path / "i.html").read_text()
    assert "internal and Ofsted" in internal and 'data-indicator="cla_ceased">3</td>' in internal
