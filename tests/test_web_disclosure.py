"""What a viewer (a public audience) sees of small numbers on pages, tables and charts.

One disclosure rule (``selfeval.outputs.disclosure.discloses``: a numerator or denominator of 1
to 5 children) decides for every figure; a chart for a viewer is drawn from the points a viewer
may see, and its centre line, limits and signals are computed from those points only.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from builders import episode
from conftest import handmade_903, write_903_children
from selfeval.access import EVERY
from selfeval.ingest import ingest_903


@pytest.fixture
def handmade(web_store, tmp_path):  # type: ignore[no-untyped-def]
    """The hand-made return: cla_count is 1, 2, then ten months of 3 (every point small)."""
    ingest_903(web_store, handmade_903(tmp_path / "903"), la_code="999", return_year=2020)
    return web_store


@pytest.fixture
def six_then_five(web_store, tmp_path):  # type: ignore[no-untyped-def]
    """Six children looked after from 1 January 2019; one leaves on 15 October 2019. The
    month-ends April to September 2019 count 6 (shown to viewers), October 2019 to March
    2020 count 5 (suppressed)."""
    d = tmp_path / "903"
    d.mkdir()
    kids = [f"SIXKID0{i}" for i in range(1, 7)]
    eps = [episode(k, "01/01/2019") for k in kids[:5]]
    eps.append(episode(kids[5], "01/01/2019", DEC="15/10/2019", REC="E11"))
    files = write_903_children(d, eps, sex="2", dob="01/01/2011")
    ingest_903(web_store, files, la_code="999", return_year=2020)
    return web_store


def _polyline(svg: str, name: str) -> list[tuple[float, float]] | None:
    from xml.sax.saxutils import escape

    from selfeval.indicators import catalogue

    name = catalogue()[name].title if name in catalogue() else name
    m = re.search(rf'points="([^"]*)"><title>{re.escape(escape(name))}</title>', svg)
    if m is None:
        return None
    return [tuple(map(float, p.split(","))) for p in m.group(1).split()]  # type: ignore[misc]


def test_a_viewers_chart_of_a_wholly_suppressed_series_has_no_limits_or_signals(
    handmade, role_client
):
    """Every month-end counts 1 to 3 children: the analyst's chart has its run-of-eight
    signal (January to March 2020); the viewer's has no line, no centre, no limits, and no
    page says which months signalled."""
    from selfeval.web import cached_figures

    sc = cached_figures.scope(handmade, authorities=EVERY)
    assert cached_figures.control_chart(handmade, sc, "cla_count", public=False).signals
    assert cached_figures.control_chart(handmade, sc, "cla_count", public=True) is None
    viewer = role_client("viewer")
    svg = viewer.get(reverse("indicator_chart", args=["cla_count"])).content.decode()
    for name in ("cla_count", "centre line", "upper control limit", "lower control limit"):
        assert _polyline(svg, name) is None, name
    page = viewer.get(reverse("indicator", args=["cla_count"])).content.decode()
    assert "Signal" not in page and "2020-01-31" not in page and "Significant" not in page
    dashboard = viewer.get(reverse("dashboard")).content.decode()
    card = re.search(r'id="card-cla_count".*?</div>', dashboard, re.S)
    assert card and "Significant change" not in card.group(0)


def test_a_viewers_chart_is_drawn_from_the_points_a_viewer_may_see(six_then_five, role_client):
    """Internal audience: a c-chart of six 6s and six 5s, centre 66 / 12 = 5.5. Viewer: the
    six 6s only, centre 6, upper limit 6 + 3 x sqrt(6) = 13.35, lower 0; its centre and
    limit lines span April to September 2019 and stop where the suppressed months begin."""
    from selfeval.web import cached_figures

    sc = cached_figures.scope(six_then_five, authorities=EVERY)
    internal = cached_figures.control_chart(six_then_five, sc, "cla_count", public=False)
    assert [p.value for p in internal.points] == [6] * 6 + [5] * 6
    assert internal.centre == pytest.approx(5.5)
    public = cached_figures.control_chart(six_then_five, sc, "cla_count", public=True)
    assert [p.label for p in public.points] == [
        "2019-04-30",
        "2019-05-31",
        "2019-06-30",
        "2019-07-31",
        "2019-08-31",
        "2019-09-30",
    ]
    assert public.centre == pytest.approx(6.0)
    assert public.points[0].ucl == pytest.approx(13.348, abs=0.001)
    assert public.points[0].lcl == 0
    svg = role_client("viewer").get(reverse("indicator_chart", args=["cla_count"])).content
    svg = svg.decode()
    values = _polyline(svg, "cla_count")
    centre = _polyline(svg, "centre line")
    upper = _polyline(svg, "upper control limit")
    assert values is not None and len(values) == 6
    assert centre is not None and upper is not None
    assert [x for x, _ in centre] == [x for x, _ in values] == [x for x, _ in upper]
    assert len({y for _, y in centre}) == 1  # one flat line at 6


def _plan_with_a_target(store) -> None:  # type: ignore[no-untyped-def]
    from selfeval.plans.records import Plan, Priority, Target
    from selfeval.plans.repository import save_plan

    p = Plan(
        plan_year="2020-21",
        priorities=(Priority(ref="1", title="Children in care"),),
        targets=(
            Target(
                "1",
                "cla_count",
                10.0,
                date(2021, 3, 31),
                baseline_date=date(2019, 4, 30),
            ),
        ),
    )
    save_plan(store, "999", p, today=date(2020, 4, 1))


def _target_row(page: str) -> list[str]:
    table = page[page.index("Targets measured against the indicators") :]
    table = table[table.index("govuk-table__body") :]
    row = re.search(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)
    assert row
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_a_viewer_sees_a_targets_small_baseline_and_value_suppressed(handmade, role_client):
    """cla_count's target: baseline at 30 April 2019 is 1 child, now (31 March 2020) 3,
    target 10. An analyst sees 1, 3 and progress (3 - 1) / (10 - 1) = 22%, counts written as
    every output writes them (not 1.0 and 3.0, as this page once did); a viewer sees c, c, the
    target, and no progress (it would give the value back)."""
    _plan_with_a_target(handmade)
    analyst = _target_row(role_client("analyst").get(reverse("plan")).content.decode())
    assert analyst[1:] == ["1", "3", "10", "22%"]
    viewer_page = role_client("viewer").get(reverse("plan")).content.decode()
    assert _target_row(viewer_page)[1:] == ["c", "c", "10", "—"]
    assert "Targets measured against the indicators at 31 March 2020" in viewer_page
    assert "c: suppressed" in viewer_page
