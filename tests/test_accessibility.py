"""The HTML accessibility check finds what a screen reader would stumble on."""

from __future__ import annotations

from selfeval.outputs.accessibility import check_html

GOOD = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>
<h1>Report</h1><h2>Context</h2><h3>Detail</h3><h2>Next</h2>
<table><caption>Demand</caption><thead><tr><th scope="col">Indicator</th></tr></thead>
<tbody><tr><th scope="row">Children looked after</th></tr></tbody></table>
<img src="x.png" alt="Chart of children looked after, month by month">
<svg><title>A chart</title></svg><a href="#e1" aria-label="evidence 1"></a>
</body></html>"""


def test_a_well_made_page_passes():
    assert check_html(GOOD) == []


def test_each_problem_is_named_with_its_line():
    bad = (
        GOOD.replace('lang="en-GB"', "")
        .replace("<h3>", "<h4>")
        .replace("</h3>", "</h4>")
        .replace('<th scope="row">', "<th>")
        .replace("<caption>Demand</caption>", "")
        .replace(' alt="Chart of children looked after, month by month"', "")
        .replace("<title>A chart</title>", "")
        .replace(' aria-label="evidence 1"', "")
    )
    problems = check_html(bad)
    assert problems == [
        "line 2: heading h4 follows h2 (a level skipped)",
        "line 4: a table header cell has no scope",
        "line 3: a table has no caption",
        "line 5: an image has no alt text",
        "line 6: an inline SVG has no <title>",
        "line 6: a link has no text",
        "the page does not declare its language (<html lang>)",
    ]


def test_the_first_heading_must_be_the_only_h1():
    page = GOOD.replace("<h1>Report</h1>", "")
    assert "line 2: the first heading is h2, not h1" in check_html(page)
    assert "the page has 0 h1 headings, not one" in check_html(page)
