"""The web application in a real browser: Debian's chromium driven by Playwright.

A real `selfeval serve` runs on 127.0.0.1 (selfeval.web.testing.LiveServer). The flows run with
the Content Security Policy enforced, and fail on any CSP violation the browser reports. Every
page is checked with axe-core (tests/resources/axe.min.js, injected in a context that bypasses
the CSP only for that script): no serious or critical WCAG 2.2 AA violation.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from conftest import WEB_PASSWORD, handmade_903
from selfeval.web.testing import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "resources" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is needed in CI (.ci/apt-packages.txt: chromium)")
        pytest.skip(f"{CHROMIUM} is not installed here")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("browser")
    srv = LiveServer(
        db=f"sqlite:///{work / 'selfeval.db'}",
        workdir=work,
        users={"ana": "analyst", "root": "administrator", "vic": "viewer"},
        password=WEB_PASSWORD,
        threads=4,
    )
    with srv:
        yield srv


def _signed_in(browser, server, name: str, *, bypass_csp: bool = False):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(bypass_csp=bypass_csp, accept_downloads=True)
    page = ctx.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{server.url}/")
    assert page.url.startswith(f"{server.url}/sign-in/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")
    return ctx, page, violations


def test_upload_an_audits_and_a_plan_workbook(browser, server, tmp_path):
    """The upload form takes the workbooks people keep, each kind chosen or worked out: one
    audit of WEBCHILD02 and a plan of one priority with one action. (Before any return, so
    the pages stay quick; tests/test_ingest_folder.py checks workbooks against returns.)"""
    from datetime import date

    from selfeval.assurance import repository as arepo
    from selfeval.assurance.grades import Grade
    from selfeval.assurance.io import write_audits_template
    from selfeval.assurance.records import AssuranceData, Audit, PracticeWeek
    from selfeval.plans import repository as prepo
    from selfeval.plans.io import write_plan_template
    from selfeval.plans.records import Action, Plan, Priority
    from selfeval.store import Store

    week = PracticeWeek("Practice week February 2020", date(2020, 2, 3), date(2020, 2, 7))
    audit = Audit("WEBCHILD02", date(2020, 2, 4), "A. Auditor", Grade.GOOD, practice_week=week.name)
    audits = write_audits_template(
        tmp_path / "audits.xlsx", data=AssuranceData(practice_weeks=(week,), audits=(audit,))
    )
    plan = write_plan_template(
        tmp_path / "plan.xlsx",
        Plan(
            "2019-20",
            priorities=(Priority("P1", "Stable homes for children in care"),),
            actions=(
                Action(
                    "P1",
                    "A1",
                    "Review every placement move",
                    "Head of service",
                    date(2020, 6, 30),
                    "Amber",
                ),
            ),
        ),
    )
    ctx, page, csp = _signed_in(browser, server, "ana")
    _upload(page, server.url, [audits], kind="Case audits workbook")
    page.get_by_text(
        re.compile(
            r"audits workbook audits\.xlsx: loaded import \d+ \(1 practice weeks, 1 audits, "
            r"0 dip samples, 0 evidence, for 999\)"
        )
    ).wait_for(timeout=60_000)
    assert "UsageError" not in page.content()
    # The kind worked out from the workbook's sheets.
    _upload(page, server.url, [plan])
    page.get_by_text(
        re.compile(
            r"plan workbook plan\.xlsx: loaded import \d+ \(1 priorities, 1 actions, "
            r"0 targets, for 999\)"
        )
    ).wait_for(timeout=60_000)
    assert csp == []
    ctx.close()
    # Both are in the store (the plan page waits for the returns, loaded in the next test).
    store = Store(server.db)
    [kept] = arepo.audits(store, "999")
    assert (kept.child_id, kept.overall_grade) == ("WEBCHILD02", Grade.GOOD)
    assert [p.title for p in prepo.plan(store, "999").priorities] == [
        "Stable homes for children in care"
    ]
    store.engine.dispose()


def _upload(
    page, url: str, files: list[Path], kind: str | None = None, year: str | None = None
) -> None:
    """Send ``files`` for authority 999 through the loads page's form (its kind and return
    year given, or left for the service to work out)."""
    page.goto(f"{url}/loads/")
    if kind:
        page.get_by_label("Kind of return").select_option(label=kind)
    page.get_by_label("Local authority code").fill("999")
    if year:
        page.get_by_label("Return year").fill(year)
    page.get_by_label("The return's files").set_input_files([str(p) for p in files])
    page.get_by_role("button", name="Upload and check").click()


def test_upload_a_return_then_see_the_figure(browser, server, tmp_path):
    """Upload the hand-made return through the form: 3 children looked after at 31/3/2020."""
    ctx, page, csp = _signed_in(browser, server, "ana")
    _upload(page, server.url, handmade_903(tmp_path / "903"), year="2020")
    page.get_by_text("Loaded as load 1").wait_for(timeout=60_000)
    assert page.locator("#upload-progress-bar").get_attribute("value") == "100"
    assert page.url == f"{server.url}/loads/"  # htmx swapped the report in place
    page.goto(f"{server.url}/")
    assert page.locator("#card-cla_count ~ .app-card__value").inner_text() == "3"
    assert csp == []
    ctx.close()


def test_write_narrative_with_a_live_figure_and_download_the_self_evaluation(
    browser, server, tmp_path
):
    ctx, page, csp = _signed_in(browser, server, "ana")
    if page.locator("#card-cla_count").count() == 0:
        pytest.skip("needs the upload test's load")
    page.goto(f"{server.url}/evaluation/children_in_care/edit/")
    page.get_by_label("Narrative (Markdown)").fill(
        "We look after {{ cla_count at 2020-03-31 }} children."
    )
    # htmx posts the text as it is typed; the preview shows the computed figure.
    page.locator("#narrative-preview").get_by_text("We look after 3").wait_for(timeout=60_000)
    page.get_by_role("button", name="Save the narrative").click()
    page.wait_for_url(re.compile(r".*/evaluation/children_in_care/\?la=999.*"))
    page.goto(f"{server.url}/evaluation/")
    with page.expect_download(timeout=120_000) as dl:
        page.get_by_role("link", name="Word (DOCX)").click()
    data = Path(dl.value.path()).read_bytes()
    assert dl.value.suggested_filename == "self-evaluation-999-2020-03-31.docx"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        words = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    # The document is read without child-level access: 3 children is shown as c.
    assert re.search(r"We look after c(\[1\])? children\.", words)
    assert csp == []
    ctx.close()


def test_enter_an_audit(browser, server):
    ctx, page, csp = _signed_in(browser, server, "root")
    if page.locator("#card-cla_count").count() == 0:
        pytest.skip("needs the upload test's load")
    page.goto(f"{server.url}/assurance/weeks/")
    page.get_by_role("button", name="Enter a case audit").click()
    page.get_by_label("Child's identifier (as in the returns)").fill("WEBCHILD01")
    page.get_by_label("Date of the audit").fill("2020-02-01")
    page.get_by_label("Overall grade").select_option(label="Good")
    page.get_by_label("Strengths").fill("A clear plan, seen alone")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/assurance/audits/\d+/.*"))
    assert page.get_by_role("heading", name=re.compile(r"Audit \d+")).is_visible()
    assert "A clear plan, seen alone" in page.content()
    assert csp == []
    ctx.close()


def _pages(server) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "/",
        "/indicators/",
        "/indicators/cla_count/",
        "/indicators/cla_count/children/",
        "/indicators/sw_turnover_pct/children/",
        "/loads/",
        "/loads/1/",
        "/loads/1/undo/",
        "/evaluation/",
        "/evaluation/children_in_care/",
        "/evaluation/children_in_care/edit/",
        "/evaluation/children_in_care/history/",
        "/evaluation/findings/",
        "/evaluation/preview/",
        "/scrutiny/",
        "/plan/",
        "/assurance/weeks/",
        "/assurance/weeks/new/",
        "/assurance/audits/new/",
        "/assurance/audits/1/",
        "/assurance/audits/1/moderate/",
        "/users/",
        "/users/new/",
        "/users/1/role/",
        "/users/1/authorities/",
        "/region/",
        "/audit-log/",
        "/no-such-page/",
    ]


def _axe(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    assert len(result["passes"]) > 10  # axe really ran its WCAG rules on the page
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_has_no_serious_accessibility_violation(browser, server, tmp_path):
    ctx, page, _ = _signed_in(browser, server, "root")
    page.goto(f"{server.url}/")
    page.screenshot(path=str(server.workdir / "dashboard.png"), full_page=True)
    ctx.close()
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server.url}/sign-in/")
    found = {"/sign-in/": _axe(page)}
    ctx.close()
    ctx, page, _ = _signed_in(browser, server, "root", bypass_csp=True)
    for path in _pages(server):
        page.goto(server.url + path)
        found[path] = _axe(page)
    ctx.close()
    ctx, page, _ = _signed_in(browser, server, "vic", bypass_csp=True)
    page.goto(f"{server.url}/loads/")  # the refusal page
    found["/loads/ (viewer: refused)"] = _axe(page)
    ctx.close()
    bad = {p: v for p, v in found.items() if v}
    assert bad == {}
