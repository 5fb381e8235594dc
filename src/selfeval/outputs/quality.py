"""The practice-quality page: practice weeks' grades, moderation, themes, and the plan."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from pathlib import Path

from selfeval.assurance import repository as arepo
from selfeval.assurance.summary import summarise
from selfeval.errors import NoData
from selfeval.outputs.disclosure import AUDIENCES
from selfeval.outputs.render import templates
from selfeval.plans.progress import PlanReport, plan_report
from selfeval.plans.repository import plans_at
from selfeval.store import Store


def quality_page(
    store: Store, la_code: str, out: Path, *, at: date | None = None, today: date | None = None
) -> Path:
    """How the authority knows its practice (practice weeks, moderation, dip samples, feedback)
    and what it will do (the plan with its actions' statuses and targets' progress): the
    plan current at ``at`` (:func:`selfeval.plans.repository.plans_at`), else the latest."""
    audits = arepo.audits(store, la_code)
    plan: PlanReport | None = None
    if at is None:
        with suppress(NoData):
            plan = plan_report(store, la_code, today=today)
    elif (current := plans_at(store, la_code, at).current) is not None:  # statuses at ``at``
        plan = plan_report(store, la_code, at=at, today=today, plan=current)
    html = templates.get_template("quality.html.j2").render(
        la_code=la_code,
        audience=AUDIENCES["internal"],  # grade counts of 1 to 5, feedback in people's words
        s=summarise(audits, "week"),
        teams=summarise(audits, "team")["groups"],
        domains=summarise(audits, "domain")["groups"],
        dips=arepo.dip_samples(store, la_code),
        evidence=arepo.evidence_items(store, la_code),
        plan=plan,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
